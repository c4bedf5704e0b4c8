/* Shared fixtures of the engine specs: a policy file covering every metric, and a replay helper. */
import type { InteractionEvent } from '@cx/contracts';
import type { SlaFiring } from '../engine';
import { parsePolicies } from '../policy';
import { SlaSimulator } from '../simulator';

export const policies = parsePolicies(`
calendars:
  berlin-office:
    timezone: Europe/Berlin
    hours: { mon: ["08:00-18:00"], tue: ["08:00-18:00"], wed: ["08:00-18:00"], thu: ["08:00-18:00"], fri: ["08:00-16:00"] }
    holidays: ["2026-12-24", "2026-12-25"]
policies:
  - id: vip-chat
    match: { channel: chat, tier: [vip] }
    targets: { firstResponse: PT1M, nextResponse: PT3M, resolution: PT2H }
    warnAt: [0.8]
  - id: email-business
    match: { channel: email }
    calendar: berlin-office
    targets: { firstResponse: PT4H, resolution: PT20H }
  - id: phone
    match: { channel: call }
    targets: { queueWait: PT60S }
`);

export function run(events: InteractionEvent[], until: string): SlaFiring[] {
  const sim = new SlaSimulator(policies);
  for (const e of events) sim.process(e);
  return sim.finish(Date.parse(until));
}
/** Compact view: "breached firstResponse vip-chat at=… due=…". */
export const view = (fs: SlaFiring[], metric?: string) =>
  fs.filter((f) => !metric || f.data.metric === metric).map((f) => `${f.kind} ${f.data.metric} ${f.data.policyId} at=${f.data.at} due=${f.data.dueAt}`);

export const D = '2026-03-03T'; // a Tuesday
