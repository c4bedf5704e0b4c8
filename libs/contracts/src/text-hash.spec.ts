import { createHash } from 'node:crypto';
import { textHash } from './text-hash';

describe('textHash', () => {
  // Marks, output ids and timer ids already stored were made with createHash over the same bytes.
  it.each(['sha1', 'sha256'] as const)('gives the digest createHash gives for the same text (%s)', (alg) => {
    for (const text of ['', 'a', 'default\u001furn:cx:ingest\u001fevt-1\u001femotion', 'Grüße 🙂 \u0000 tail'.repeat(40)]) {
      expect(textHash(alg, text, 'hex')).toBe(createHash(alg).update(text).digest('hex'));
      expect(textHash(alg, text, 'base64url')).toBe(createHash(alg).update(text).digest('base64url'));
    }
  });
});
