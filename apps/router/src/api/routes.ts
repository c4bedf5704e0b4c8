/*
 * The router's HTTP API, one entry per route: the controllers bind to these entries with
 * @ApiRoute (method, path, guard, status) and parse their input with @RouteInput (the entry's
 * schemas), and GET /api/openapi.json is generated from the same entries. A route that is not
 * here is not served; one that is here but has no controller method fails the drift test.
 */
import { z } from 'zod';
import { Agent, AgentRole, Escalation, FeedbackLabel } from '@cx/contracts';
import { defineRoutes } from '@cx/http';
import { ExportQuery, FeedbackBody, HistoryQuery, NoteBody, ReassignBody, TakeOverBody, WallboardQuery } from './console-schemas';

export const EscalationId = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, 'must be an escalation id').describe('The escalation id');
export const AgentIdParam = Agent.shape.agentId.regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits, ".", "_", "@" and "-" only').describe('The agent id');
/** The body of PUT /api/agents/:id: the agent without its id (that is in the path); unknown fields are an error. */
export const AgentBody = Agent.omit({ agentId: true }).strict();

export const ListEscalationsQuery = z.object({
  status: z.enum(['open', 'acknowledged', 'all']).default('open')
    .describe('`open`: every unresolved escalation; `acknowledged`: only those; `all`: the same as open'),
  team: z.string().max(128).optional().describe('Only escalations routed to this team'),
}).strict();

export const WhoAmI = z.object({
  role: AgentRole,
  tenant: z.string(),
  teams: z.array(z.string()),
  agentId: z.string().optional(),
  via: z.enum(['api_key', 'oidc', 'ticket']).describe('How the caller authenticated'),
  expiresAt: z.iso.datetime().optional().describe('When the signed token expires (absent for API keys)'),
});

export const StreamTicket = z.object({
  ticket: z.string().describe('Pass as GET /api/stream?ticket=…; valid once, until expiresAt'),
  expiresAt: z.iso.datetime(),
});

export const SignInProvider = z.object({
  id: z.string(),
  name: z.string(),
  issuer: z.string(),
  clientId: z.string(),
  scopes: z.array(z.string()),
  authorizationEndpoint: z.string(),
  tokenEndpoint: z.string(),
  endSessionEndpoint: z.string().optional(),
});
export const AuthConfig = z.object({
  apiKeys: z.boolean().describe('Whether the dashboard may sign in with an API key'),
  providers: z.array(SignInProvider).describe('Identity providers offered for single sign-on (authorization code + PKCE)'),
});

/** One resolved escalation in the history, with its times (time to acknowledge and to resolve). */
export const HistoryItem = z.record(z.string(), z.unknown()).describe('A resolved escalation with acknowledgedAt, resolvedAt, timeToAcknowledgeMs, timeToResolveMs');
export const HistoryPage = z.object({
  from: z.iso.datetime(), to: z.iso.datetime(), total: z.number().int(), offset: z.number().int(), limit: z.number().int(),
  nextOffset: z.number().int().nullable().describe('Offset of the next page, null on the last'),
  items: z.array(HistoryItem),
});
export const FeedbackResult = z.object({ escalation: Escalation, label: FeedbackLabel.nullable().describe('The label kept for retraining (null when the verdict gives none)') });

/** Named in the document as components (`#/components/schemas/<name>`). */
export const API_COMPONENTS = { Escalation, Agent, WhoAmI, StreamTicket, AuthConfig, SignInProvider, HistoryPage, FeedbackResult };

const idParams = z.object({ id: EscalationId });

export const ROUTES = defineRoutes({
  listEscalations: {
    method: 'GET', path: '/api/escalations', tag: 'escalations', auth: 'bearer', rateClass: 'read',
    summary: 'Unresolved escalations this principal may see',
    description: 'Agents see what is routed to them (or that they acknowledged or resolved), supervisors their teams, admins the tenant.',
    query: ListEscalationsQuery,
    response: { status: 200, description: 'The escalations', schema: z.array(Escalation) },
  },
  acknowledgeEscalation: {
    method: 'POST', path: '/api/escalations/:id/ack', tag: 'escalations', auth: 'bearer', rateClass: 'write',
    summary: 'Acknowledge an escalation (stops its ladder); idempotent',
    params: idParams, errors: [404],
    response: { status: 200, description: 'The escalation after the change', schema: Escalation },
  },
  resolveEscalation: {
    method: 'POST', path: '/api/escalations/:id/resolve', tag: 'escalations', auth: 'bearer', rateClass: 'write',
    summary: 'Resolve an escalation; idempotent',
    params: idParams, errors: [404],
    response: { status: 200, description: 'The escalation after the change', schema: Escalation },
  },
  stream: {
    method: 'GET', path: '/api/stream', tag: 'live', auth: 'bearer-or-ticket', rateClass: 'stream',
    summary: 'Server-Sent Events: one event per escalation change this principal may see',
    description: '`event:` raised, updated, escalated, acknowledged, resolved, reassigned, taken_over (data: the escalation) or withdrawn '
      + '(data: {escalationId, status}). Browsers (EventSource) authenticate with a ticket from POST /api/stream-tickets. '
      + 'A stream opened with a signed token ends when the token expires.',
    query: z.object({ ticket: z.string().max(64).optional().describe('A single-use stream ticket') }).strict(),
    response: { status: 200, description: 'An event stream', contentType: 'text/event-stream' },
  },
  createStreamTicket: {
    method: 'POST', path: '/api/stream-tickets', tag: 'live', auth: 'bearer', rateClass: 'stream',
    summary: 'A single-use ticket that opens one stream within 60 s',
    response: { status: 201, description: 'The ticket', schema: StreamTicket },
  },
  listAgents: {
    method: 'GET', path: '/api/agents', tag: 'agents', auth: 'bearer', rateClass: 'read',
    summary: 'The tenant\'s agent directory',
    response: { status: 200, description: 'The agents', schema: z.array(Agent) },
  },
  putAgent: {
    method: 'PUT', path: '/api/agents/:id', tag: 'agents', auth: 'bearer', rateClass: 'write',
    summary: 'Create or update an agent and its presence (also published on cx.agents)',
    description: 'Supervisors and admins for anyone; an agent only for itself and with role agent (else 403).',
    params: z.object({ id: AgentIdParam }), body: AgentBody,
    response: { status: 200, description: 'The agent as stored', schema: Agent },
  },
  getEscalation: {
    method: 'GET', path: '/api/escalations/:id', tag: 'escalations', auth: 'bearer', rateClass: 'read',
    summary: 'One escalation, also once resolved (from the history)', params: idParams, errors: [404],
    response: { status: 200, description: 'The escalation', schema: Escalation },
  },
  reassignEscalation: {
    method: 'POST', path: '/api/escalations/:id/reassign', tag: 'console', auth: 'bearer', rateClass: 'write',
    summary: 'Reassign to an agent or a team (the ladder starts again for the new holder)', params: idParams, body: ReassignBody, errors: [403, 404, 409],
    response: { status: 200, description: 'The escalation after the change', schema: Escalation },
  },
  takeOverEscalation: {
    method: 'POST', path: '/api/escalations/:id/take-over', tag: 'console', auth: 'bearer', rateClass: 'write',
    summary: 'Take the escalation over (supervisors and admins; the ladder stops)', params: idParams, body: TakeOverBody, errors: [403, 404, 409],
    response: { status: 200, description: 'The escalation after the change', schema: Escalation },
  },
  addNote: {
    method: 'POST', path: '/api/escalations/:id/notes', tag: 'console', auth: 'bearer', rateClass: 'write',
    summary: 'Add a note to the escalation', params: idParams, body: NoteBody, errors: [404],
    response: { status: 201, description: 'The escalation with the note', schema: Escalation },
  },
  giveFeedback: {
    method: 'POST', path: '/api/escalations/:id/feedback', tag: 'console', auth: 'bearer', rateClass: 'write',
    summary: 'A verdict on the flag: false alarm (not_negative, the default), wrong reason (wrong_intent) or missed',
    description: 'Kept per tenant (masked text, language, verdict) for `npm run train:emotion -- --feedback --tenant T`, as long as the tenant\'s retention allows.',
    params: idParams, body: FeedbackBody, errors: [404],
    response: { status: 201, description: 'The escalation and the label kept', schema: FeedbackResult },
  },
  history: {
    method: 'GET', path: '/api/history', tag: 'console', auth: 'bearer', rateClass: 'read',
    summary: 'Resolved escalations this principal may see, newest first, paged', query: HistoryQuery,
    response: { status: 200, description: 'One page', schema: HistoryPage },
  },
  historyCsv: {
    method: 'GET', path: '/api/history.csv', tag: 'console', auth: 'bearer', rateClass: 'read',
    summary: 'The same window as CSV (at most 20,000 rows)', query: ExportQuery,
    response: { status: 200, description: 'CSV, one row per resolved escalation', contentType: 'text/csv' },
  },
  presence: {
    method: 'GET', path: '/api/presence', tag: 'console', auth: 'bearer', rateClass: 'read',
    summary: 'Who is online per team, and how loaded (agents: their own teams)',
    response: { status: 200, description: 'Teams', schema: z.object({ teams: z.array(z.record(z.string(), z.unknown())) }) },
  },
  wallboard: {
    method: 'GET', path: '/api/console/wallboard', tag: 'console', auth: 'bearer', rateClass: 'read',
    summary: 'The wallboard: open by severity, oldest unacknowledged, customers at risk, SLA and resolved today, teams', query: WallboardQuery,
    response: { status: 200, description: 'The wallboard', schema: z.record(z.string(), z.unknown()) },
  },
  whoAmI: {
    method: 'GET', path: '/api/me', tag: 'auth', auth: 'bearer', rateClass: 'read',
    summary: 'The calling principal (role, tenant, teams, agent id)',
    response: { status: 200, description: 'The principal', schema: WhoAmI },
  },
  authConfig: {
    method: 'GET', path: '/api/auth/config', tag: 'auth', auth: 'none', rateClass: 'public',
    summary: 'How a dashboard may sign in (public)',
    response: { status: 200, description: 'Sign-in options', schema: AuthConfig },
  },
  openApi: {
    method: 'GET', path: '/api/openapi.json', tag: 'docs', auth: 'none', rateClass: 'public',
    summary: 'This document (OpenAPI 3.1); an explorer is at /api/docs',
    response: { status: 200, description: 'The OpenAPI document', schema: z.record(z.string(), z.unknown()) },
  },
});

/** Served, but not API operations: the dashboard, the explorer's page and assets, metrics and health. */
export const UNDOCUMENTED_ROUTES = ['GET /', 'GET /dashboard/:file', 'GET /api/docs', 'GET /api/docs/:file', 'GET /metrics', 'GET /health'];
