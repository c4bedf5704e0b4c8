/**
 * Conversation- and customer-level emotion signals as pure state machines: state in, event in,
 * state and signals out. States are small JSON-serialisable objects the service keeps in Redis
 * (with the TTLs suggested below). Time always comes from event timestamps, never the clock.
 *
 * 1. Negative streak: consecutive negative *customer* messages in a conversation (agent, bot and
 *    system messages neither extend nor break it; a non-negative customer message resets it).
 *
 * 2. Ended negative (peak-end rule, docs/contract.md: the peak-end rule). When a conversation turns
 *    `resolved` or `closed`, it "ended negative" if, among the customer's last `tailSize` (3)
 *    messages,
 *      - the very last one was negative, or
 *      - at least `minNegativeInTail` (2) were negative (one polite "ok" after two angry messages
 *        does not mean the customer is happy).
 *    It fires at most once per closing: a later `closed` after `resolved` does not fire again,
 *    but a reopen (customer message or status `open`) re-arms it.
 *
 * 3. Customer at risk (principle 3). A per-customer score across conversations and channels:
 *    every negative customer message adds `weights.negative` (+`weights.intent` when it carries a
 *    complaint intent), every "ended negative" adds `weights.endedNegative`, and the score decays
 *    exponentially with `halfLifeHours` by event time. When it reaches `threshold`, one
 *    "customer at risk" signal fires; it re-arms only after the score has decayed below
 *    `threshold * rearmFraction`. Out-of-order events are decayed to the state's time instead of
 *    moving time backwards.
 */
import { z } from 'zod';
import type { Channel, Evidence } from '@cx/contracts';

// ------------------------------------------------------------------ configuration
export const ConversationSignalConfigSchema = z.object({
  tailSize: z.number().int().min(1).max(10).default(3),
  minNegativeInTail: z.number().int().min(1).max(10).default(2),
  /** Evidence items kept for the "ended negative" signal. */
  maxEvidence: z.number().int().min(0).max(8).default(3),
}).strict();
export type ConversationSignalConfig = z.infer<typeof ConversationSignalConfigSchema>;

export const CustomerRiskConfigSchema = z.object({
  halfLifeHours: z.number().positive().max(24 * 365).default(72),
  threshold: z.number().positive().default(3),
  /** Re-arm once the score has decayed below threshold × rearmFraction. */
  rearmFraction: z.number().min(0).max(1).default(0.5),
  weights: z.object({
    negative: z.number().min(0).default(1),
    intent: z.number().min(0).default(0.5),
    endedNegative: z.number().min(0).default(1),
  }).strict().default({ negative: 1, intent: 0.5, endedNegative: 1 }),
}).strict();
export type CustomerRiskConfig = z.infer<typeof CustomerRiskConfigSchema>;

export const DEFAULT_CONVERSATION_SIGNAL_CONFIG: ConversationSignalConfig = ConversationSignalConfigSchema.parse({});
export const DEFAULT_CUSTOMER_RISK_CONFIG: CustomerRiskConfig = CustomerRiskConfigSchema.parse({});

// ------------------------------------------------------------------ helpers
function ms(at: string): number {
  const t = Date.parse(at);
  return Number.isFinite(t) ? t : NaN;
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

// ------------------------------------------------------------------ conversation
export interface ConversationEmotionState {
  v: 1;
  /** Consecutive negative customer messages, up to the last one. */
  streak: number;
  /** Flags of the customer's last messages, oldest first, at most `tailSize`: 1 = negative. */
  tail: Array<0 | 1>;
  lastNegativeAt?: string;
  /** Masked evidence of the last negative customer message (short). */
  lastEvidence: Evidence[];
  /** Set once "ended negative" has fired for the current closing; cleared by a reopen. */
  endedSignalled: boolean;
  status?: 'open' | 'pending_customer' | 'on_hold' | 'resolved' | 'closed';
}

export function initialConversationEmotionState(): ConversationEmotionState {
  return { v: 1, streak: 0, tail: [], lastEvidence: [], endedSignalled: false };
}

export interface CustomerMessageInput {
  negative: boolean;
  /** Event time (RFC 3339). */
  at: string;
  evidence?: Evidence[];
}

/** A customer message was analysed. Returns the new state and the streak including this message. */
export function applyCustomerMessage(
  state: ConversationEmotionState | null | undefined,
  msg: CustomerMessageInput,
  config: ConversationSignalConfig = DEFAULT_CONVERSATION_SIGNAL_CONFIG,
): { state: ConversationEmotionState; streak: number } {
  const s = state ?? initialConversationEmotionState();
  const tail = [...s.tail, (msg.negative ? 1 : 0) as 0 | 1].slice(-config.tailSize);
  const streak = msg.negative ? s.streak + 1 : 0;
  const reopened = s.status === 'resolved';
  const next: ConversationEmotionState = {
    ...s,
    streak,
    tail,
    lastNegativeAt: msg.negative ? msg.at : s.lastNegativeAt,
    lastEvidence: msg.negative ? (msg.evidence ?? []).slice(0, config.maxEvidence) : s.lastEvidence,
    endedSignalled: reopened ? false : s.endedSignalled,
    status: reopened ? 'open' : s.status,
  };
  return { state: next, streak };
}

export interface EndedNegativeSignal {
  status: 'resolved' | 'closed';
  /** Negative messages among the customer's last `tailSize` messages. */
  negativeTail: number;
  lastNegativeAt: string;
  evidence: Evidence[];
}

/** Does the tail satisfy the documented "ended negative" rule? */
export function endedNegative(tail: Array<0 | 1>, config: ConversationSignalConfig = DEFAULT_CONVERSATION_SIGNAL_CONFIG): boolean {
  if (tail.length === 0) return false;
  const neg = tail.reduce<number>((a, b) => a + b, 0);
  return tail[tail.length - 1] === 1 || neg >= config.minNegativeInTail;
}

/** A status change. On resolved/closed, returns the "ended negative" signal when the rule holds. */
export function applyConversationStatus(
  state: ConversationEmotionState | null | undefined,
  status: NonNullable<ConversationEmotionState['status']>,
  config: ConversationSignalConfig = DEFAULT_CONVERSATION_SIGNAL_CONFIG,
): { state: ConversationEmotionState; endedNegative?: EndedNegativeSignal } {
  const s = state ?? initialConversationEmotionState();
  if (status !== 'resolved' && status !== 'closed') {
    // Any non-final status after a resolution is a reopen: the next closing may fire again.
    return { state: { ...s, status, endedSignalled: s.status === 'resolved' ? false : s.endedSignalled } };
  }
  const next: ConversationEmotionState = { ...s, status };
  if (s.endedSignalled || !s.lastNegativeAt || !endedNegative(s.tail, config)) return { state: next };
  next.endedSignalled = true;
  return {
    state: next,
    endedNegative: {
      status,
      negativeTail: s.tail.reduce<number>((a, b) => a + b, 0),
      lastNegativeAt: s.lastNegativeAt,
      evidence: s.lastEvidence,
    },
  };
}

// ------------------------------------------------------------------ customer
export interface CustomerRiskState {
  v: 1;
  /** Score as of `at`. */
  score: number;
  /** Event time the score refers to (RFC 3339). */
  at: string;
  /** false after "at risk" fired, until the score decays below threshold × rearmFraction. */
  armed: boolean;
  /** Channels of recent negative contributions (most recent last, at most 3). */
  channels: Channel[];
  lastSignalAt?: string;
}

export function initialCustomerRiskState(at: string): CustomerRiskState {
  return { v: 1, score: 0, at, armed: true, channels: [] };
}

/** The score decayed to time `at` (no decay backwards). */
export function decayedScore(state: CustomerRiskState, at: string, config: CustomerRiskConfig = DEFAULT_CUSTOMER_RISK_CONFIG): number {
  const t0 = ms(state.at);
  const t = ms(at);
  if (!Number.isFinite(t0) || !Number.isFinite(t) || t <= t0) return state.score;
  return state.score * Math.pow(0.5, (t - t0) / (config.halfLifeHours * 3_600_000));
}

export interface CustomerContribution {
  /** Event time (RFC 3339). */
  at: string;
  channel?: Channel;
  /** A negative customer message (weights.negative, + weights.intent when `intents` is non-empty). */
  negative?: boolean;
  intents?: readonly string[];
  /** An "ended negative" conversation (weights.endedNegative). */
  endedNegative?: boolean;
}

export interface CustomerAtRiskSignal {
  score: number;
  threshold: number;
  channels: Channel[];
}

/** Add one event's contribution; returns the new state and, on an upward crossing while armed, the signal. */
export function applyCustomerContribution(
  state: CustomerRiskState | null | undefined,
  ev: CustomerContribution,
  config: CustomerRiskConfig = DEFAULT_CUSTOMER_RISK_CONFIG,
): { state: CustomerRiskState; atRisk?: CustomerAtRiskSignal } {
  const s = state ?? initialCustomerRiskState(ev.at);
  const w = config.weights;
  let add = 0;
  if (ev.negative) add += w.negative + (ev.intents && ev.intents.length ? w.intent : 0);
  if (ev.endedNegative) add += w.endedNegative;

  const t0 = ms(s.at);
  const t = ms(ev.at);
  const hl = config.halfLifeHours * 3_600_000;
  let score: number;
  let at = s.at;
  if (Number.isFinite(t) && (!Number.isFinite(t0) || t >= t0)) {
    score = decayedScore(s, ev.at, config) + add;
    at = ev.at;
  } else if (Number.isFinite(t) && Number.isFinite(t0)) {
    score = s.score + add * Math.pow(0.5, (t0 - t) / hl); // late event: decay it to the state's time
  } else {
    score = s.score + add;
  }
  score = Math.round(score * 1e6) / 1e6;

  let armed = s.armed;
  if (!armed && score < config.threshold * config.rearmFraction) armed = true;
  let channels = s.channels;
  if (add > 0 && ev.channel) channels = [...channels.filter((c) => c !== ev.channel), ev.channel].slice(-3);
  const next: CustomerRiskState = { v: 1, score, at, armed, channels, lastSignalAt: s.lastSignalAt };
  if (armed && add > 0 && score >= config.threshold) {
    next.armed = false;
    next.lastSignalAt = Number.isFinite(t) ? iso(Math.max(t, Number.isFinite(t0) ? t0 : t)) : s.at;
    return { state: next, atRisk: { score, threshold: config.threshold, channels } };
  }
  return { state: next };
}

/**
 * Suggested Redis TTL for a customer state: until the score has decayed below 1% of the
 * threshold (nothing left to remember), at least one half-life.
 */
export function customerRiskTtlSeconds(state: CustomerRiskState, config: CustomerRiskConfig = DEFAULT_CUSTOMER_RISK_CONFIG): number {
  const floor = config.threshold * 0.01;
  const halfLives = state.score > floor ? Math.log2(state.score / floor) : 1;
  return Math.ceil(Math.max(1, halfLives) * config.halfLifeHours * 3600);
}

/** Suggested Redis TTL for a conversation state after its last event: 7 days. */
export const CONVERSATION_STATE_TTL_SECONDS = 7 * 24 * 3600;
