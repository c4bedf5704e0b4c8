import { maskPersonalData, type Escalation } from '@cx/contracts';

/** A Slack-compatible incoming-webhook message: `text` is the fallback, `blocks` the layout. */
export interface SlackMessage {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

const ICON: Record<Escalation['severity'], string> = { critical: ':rotating_light:', high: ':red_circle:', medium: ':large_orange_circle:', low: ':white_circle:' };

/** Slack's mrkdwn control characters: no text may turn into links or mentions. */
function mrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Free text (details, summaries, evidence): masked, then escaped. Ids are only escaped: masking
 * read a digit run in an escalation id as a phone number, and the id is how a reader finds it. */
function esc(text: string): string {
  return mrkdwn(maskPersonalData(text));
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The webhook message for an escalation at a ladder step. Personal data is masked again here
 * (evidence is masked at the source, but details and summaries are free text), and no customer
 * id is included: a chat channel is a wider audience than the dashboard.
 */
export function slackPayload(e: Escalation, step: number): SlackMessage {
  const who = e.assignee ? `${e.assignee.kind} ${e.assignee.id}` : 'unassigned';
  const title = `${e.severity.toUpperCase()} escalation on ${e.channel ?? 'a'} conversation ${e.conversationId}`;
  const text = mrkdwn(`${title} (team ${e.target.team ?? '?'}, step ${step}, ${who})`);
  const reasons = e.reasons.slice(-5).map((r) => {
    const ev = r.evidence.slice(0, 3).map((x) => `"${x.text}"`).join(', ');
    return `• *${r.code.replace(/_/g, ' ')}*: ${clip(r.detail, 200)}${ev ? ` (${ev})` : ''}`;
  });
  const ctx = e.context.recentInteractions.slice(0, 3).map((i) => `• ${i.at} ${i.channel ?? ''}${i.negative ? ' (negative)' : ''}: ${clip(i.summary, 120)}`);
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: clip(maskPersonalData(`${e.severity.toUpperCase()} escalation`), 150) } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `${ICON[e.severity]} ${mrkdwn(title)}\nTeam *${mrkdwn(e.target.team ?? '?')}* · step ${step} · ${mrkdwn(who)} · status ${e.status}` },
      fields: [
        { type: 'mrkdwn', text: `*Escalation*\n${mrkdwn(e.escalationId)}` },
        { type: 'mrkdwn', text: `*Raised*\n${e.createdAt}` },
      ],
    },
    { type: 'section', text: { type: 'mrkdwn', text: clip(esc(`*Why*\n${reasons.join('\n')}`), 2900) } },
  ];
  if (e.suggestedActions.length) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(esc(`*What to do*\n${e.suggestedActions.slice(0, 4).map((a) => `• ${a}`).join('\n')}`), 2900) } });
  }
  if (ctx.length || e.context.flags.length || e.context.openPromises.length) {
    const lines = [
      ...(e.context.flags.length ? [`Flags: ${e.context.flags.join(', ')}`] : []),
      ...e.context.openPromises.map((p) => `Promised ${p.kind} by ${p.dueAt}${p.description ? `: ${clip(p.description, 100)}` : ''}`),
      ...ctx,
    ];
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(esc(lines.join('\n')), 2900) }] });
  }
  return { text, blocks };
}

/**
 * Delay before retry `attempt` (1 = after the first failure): exponential from `baseMs`, capped at
 * `maxMs`, with up to 20 % jitter taken from `random` so many failing deliveries do not retry in step.
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (1 + 0.2 * random()));
}
