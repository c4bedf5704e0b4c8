import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { ConfigError } from '@cx/config';
import { loadPolicyFile, PolicyFileError, type PolicySet } from '@cx/sla';

/** Used when SLA_POLICIES_FILE is unset, so `npm run stack` and tests work out of the box. */
export const EXAMPLE_POLICIES = join(__dirname, '..', '..', '..', 'deploy', 'sla', 'policies.example.yaml');

/**
 * Loads and validates the policy file at start-up. A bad file is a ConfigError (runMain prints the
 * message, which names the path of each bad field, and exits 78) rather than a crash loop later.
 */
export function loadPolicies(path: string | undefined, log = new Logger('SlaPolicies')): { set: PolicySet; path: string } {
  const file = path ?? EXAMPLE_POLICIES;
  if (!path) log.warn(`SLA_POLICIES_FILE is not set: using the example policies ${file}`);
  try {
    const set = loadPolicyFile(file);
    log.log(`${set.policies.length} SLA policies from ${file}: ${set.policies.map((p) => p.id).join(', ')}`);
    return { set, path: file };
  } catch (e) {
    if (e instanceof PolicyFileError) throw new ConfigError(`SLA_POLICIES_FILE: ${e.message}`);
    throw e;
  }
}

/** The policies in force (they reload on SIGHUP and when the file changes). */
export const SLA_POLICIES = Symbol('SLA_POLICIES');
