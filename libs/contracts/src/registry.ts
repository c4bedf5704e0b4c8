import { z } from 'zod';
import * as I from './interaction-events';
import * as S from './signal-events';
import * as L from './sla-events';
import * as E from './escalation-events';
import * as N from './internal-events';

/** Every event type of the contract, by CloudEvents `type`: the input to JSON Schema generation. */
export const EventSchemas: Record<string, z.ZodType> = Object.fromEntries(
  [
    I.ConversationOpenedV1, I.MessageV1, I.ConversationAssignedV1, I.ConversationStatusV1,
    I.CallQueuedV1, I.CallAnsweredV1, I.CallAbandonedV1, I.PromiseMadeV1, I.PromiseKeptV1,
    S.EmotionSignalV1, S.CustomerAtRiskV1, S.EndedNegativeV1,
    L.SlaWarningV1, L.SlaBreachedV1,
    E.EscalationRequestedV1, E.EscalationRaisedV1, E.EscalationUpdatedV1, E.EscalationAcknowledgedV1, E.EscalationResolvedV1,
    E.NotificationSentV1, E.AgentUpdatedV1,
    N.CustomerContributionV1,
  ].map((schema) => [schema.shape.type.value, schema]),
);

export function jsonSchemaOf(type: string): object {
  const schema = EventSchemas[type];
  if (!schema) throw new Error(`unknown event type ${type}`);
  return { $id: `https://cx-escalation.example/schemas/${type}.json`, title: type, ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) };
}
