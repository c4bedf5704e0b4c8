import { z } from 'zod';
import * as I from './interaction-events';
import * as S from './signal-events';
import * as L from './sla-events';
import * as E from './escalation-events';
import * as N from './internal-events';
import * as A from './audit-events';
import { EXTENSION_NAME } from './envelope';

/** Every event type of the contract, by CloudEvents `type`: the input to JSON Schema generation. */
export const EventSchemas: Record<string, z.ZodType> = Object.fromEntries(
  [
    I.ConversationOpenedV1, I.MessageV1, I.ConversationUpdatedV1, I.ConversationAssignedV1, I.ConversationStatusV1,
    I.CallQueuedV1, I.CallAnsweredV1, I.CallAbandonedV1, I.PromiseMadeV1, I.PromiseKeptV1,
    S.EmotionSignalV1, S.CustomerAtRiskV1, S.EndedNegativeV1,
    L.SlaWarningV1, L.SlaBreachedV1,
    E.EscalationRequestedV1, E.EscalationRaisedV1, E.EscalationUpdatedV1, E.EscalationAcknowledgedV1, E.EscalationResolvedV1,
    E.NotificationSentV1, E.AgentUpdatedV1, A.AuditRecordedV1,
    N.CustomerContributionV1,
  ].map((schema) => [schema.shape.type.value, schema]),
);

/**
 * The JSON Schema of one event type. The zod schema is strict about the attributes it defines; the
 * codec also accepts any CloudEvents extension attribute (lower-case a-z0-9 name, scalar value),
 * which the published schema states as pattern properties.
 */
export function jsonSchemaOf(type: string): object {
  const schema = EventSchemas[type];
  if (!schema) throw new Error(`unknown event type ${type}`);
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  json.patternProperties = { [EXTENSION_NAME.source]: { type: ['string', 'number', 'boolean'] } };
  return { $id: `https://cx-escalation.example/schemas/${type}.json`, title: type, ...json };
}
