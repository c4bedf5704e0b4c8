import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventSchemas, Topics } from '@cx/contracts';

/** docs/contract.md is the contract in prose: it must name every event type and topic the code defines. */
describe('docs/contract.md', () => {
  const doc = readFileSync(join(__dirname, '..', 'docs', 'contract.md'), 'utf8');

  it('names every event type of libs/contracts', () => {
    const expand = doc.replace(/`(cx\.escalation)\.raised\.v1`, `\.updated\.v1`, `\.acknowledged\.v1`, `\.resolved\.v1`/, '`$1.raised.v1` `$1.updated.v1` `$1.acknowledged.v1` `$1.resolved.v1`');
    expect(Object.keys(EventSchemas).filter((t) => !expand.includes(`\`${t}\``))).toEqual([]);
  });

  it('names every topic', () => {
    expect(Object.values(Topics).filter((t) => !doc.includes(`\`${t}\``))).toEqual([]);
  });
});
