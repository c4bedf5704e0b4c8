// Writes docs/schemas/<type>.json from the zod schemas; `--check` fails when the files are stale.
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { EventSchemas, jsonSchemaOf } from '@cx/contracts';

export const SCHEMA_DIR = join(__dirname, '..', 'docs', 'schemas');

export function renderSchemas(): Map<string, string> {
  const out = new Map<string, string>();
  for (const type of Object.keys(EventSchemas).sort()) {
    out.set(`${type}.json`, JSON.stringify(jsonSchemaOf(type), null, 2) + '\n');
  }
  return out;
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  const rendered = renderSchemas();
  const stale: string[] = [];
  if (!check) mkdirSync(SCHEMA_DIR, { recursive: true });
  for (const [file, text] of rendered) {
    const path = join(SCHEMA_DIR, file);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (current === text) continue;
    if (check) stale.push(file);
    else writeFileSync(path, text);
  }
  const extra = existsSync(SCHEMA_DIR) ? readdirSync(SCHEMA_DIR).filter((f) => !rendered.has(f)) : [];
  if (check && (stale.length || extra.length)) {
    console.error(`stale JSON Schema: ${[...stale, ...extra].join(', ')}; run npm run schemas`);
    process.exit(1);
  }
  if (!check) console.error(`wrote ${rendered.size} schemas to ${SCHEMA_DIR}`);
}
