/*
 * The one way the services hash text on the hot path (output ids, de-duplication marks, guard
 * digests, timer ids): Node's one-shot crypto.hash, which skips the Hash object that
 * createHash().update().digest() builds per call (1.1 vs 2.3 µs for a 60-character id here, and
 * several hashes per input event across the services). Same digest as the incremental form of the
 * same bytes, so stored marks and ids stay valid.
 */
import { hash } from 'node:crypto';

export function textHash(algorithm: 'sha1' | 'sha256', text: string, encoding: 'hex' | 'base64url'): string {
  return hash(algorithm, text, encoding);
}
