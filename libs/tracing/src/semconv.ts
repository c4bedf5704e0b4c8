/*
 * Attribute names of the spans, as in OpenTelemetry semantic conventions 1.45 (docs/tracing.md
 * lists what each span carries). Written out rather than imported: the messaging and CloudEvents
 * names are "incubating" in @opentelemetry/semantic-conventions, which asks users to copy those,
 * and importing the package would load it in services that trace nothing. semconv.spec.ts checks
 * the stable ones against the package.
 */
export const ATTR_SERVICE_NAME = 'service.name';
export const ATTR_SERVICE_INSTANCE_ID = 'service.instance.id';
export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
export const ATTR_HTTP_ROUTE = 'http.route';
export const ATTR_ERROR_TYPE = 'error.type';

export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_DESTINATION_PARTITION_ID = 'messaging.destination.partition.id';
export const ATTR_MESSAGING_CONSUMER_GROUP_NAME = 'messaging.consumer.group.name';
export const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id';
export const ATTR_MESSAGING_KAFKA_OFFSET = 'messaging.kafka.offset';
export const ATTR_MESSAGING_BATCH_MESSAGE_COUNT = 'messaging.batch.message_count';
export const ATTR_CLOUDEVENTS_EVENT_TYPE = 'cloudevents.event_type';

/** Ours: small values only (never text, never a secret). */
export const ATTR_TENANT = 'cx.tenant';
export const ATTR_ATTEMPT = 'cx.attempt';
export const ATTR_OUTCOME = 'cx.outcome';
