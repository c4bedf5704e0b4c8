import type { Channel } from '@cx/contracts';
import type { RoutingConfig } from './config';

/** Languages match on their primary subtag, case-insensitive: `de`, `de-DE`, `DE_at` all match. */
export function languageMatches(wanted: string, offered: string): boolean {
  return primary(wanted) === primary(offered);
}

// Routing compares languages for every agent of the directory per escalation: remember the few tags seen.
const primaries = new Map<string, string>();
function primary(tag: string): string {
  let p = primaries.get(tag);
  if (p === undefined) {
    if (primaries.size > 10_000) primaries.clear();
    p = tag.toLowerCase().split(/[-_]/)[0];
    primaries.set(tag, p);
  }
  return p;
}

export interface TeamInput {
  channel?: Channel;
  queue?: string;
  language?: string;
  tier?: string;
}

/** The team for a conversation: the first `teams.rules` entry whose match holds, else `teams.default`. */
export function resolveTeam(config: RoutingConfig, input: TeamInput): string {
  for (const rule of config.teams.rules) {
    const m = rule.match;
    if (m.channels && !(input.channel && m.channels.includes(input.channel))) continue;
    if (m.queues && !(input.queue && m.queues.includes(input.queue))) continue;
    if (m.languages && !(input.language && m.languages.some((l) => languageMatches(l, input.language!)))) continue;
    if (m.tiers && !(input.tier && m.tiers.includes(input.tier))) continue;
    return rule.team;
  }
  return config.teams.default;
}
