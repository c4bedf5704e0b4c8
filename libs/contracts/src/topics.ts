/** Kafka topic names of the public contract (docs/contract.md (State and scaling)). */
export const Topics = {
  chat: 'cx.interactions.chat',
  email: 'cx.interactions.email',
  call: 'cx.interactions.call',
  signals: 'cx.signals',
  sla: 'cx.sla',
  escalations: 'cx.escalations',
  notifications: 'cx.notifications',
  agents: 'cx.agents',
  dlq: 'cx.dlq',
  /** Internal: emotion-detector's repartition of customer contributions by customer id. */
  customerContributions: 'cx.emotion.customer-contributions',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

export const InteractionTopics = [Topics.chat, Topics.email, Topics.call] as const;
