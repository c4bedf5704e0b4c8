import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSchemas, SCHEMA_DIR } from './generate-schemas';

describe('docs/schemas', () => {
  it('is up to date with the zod schemas (run `npm run schemas` when this fails)', () => {
    for (const [file, text] of renderSchemas()) {
      expect({ file, text: readFileSync(join(SCHEMA_DIR, file), 'utf8') }).toEqual({ file, text });
    }
  });
});
