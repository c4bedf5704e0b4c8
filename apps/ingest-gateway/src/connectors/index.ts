// The built-in connectors by name (the {connector} segment of POST /ingest/{tenant}/{connector}).
import type { ConnectorName } from '../connectors-config';
import { amazonConnectConnector } from './amazon-connect.connector';
import { chatwootConnector } from './chatwoot.connector';
import { cloudeventsConnector } from './cloudevents.connector';
import type { Connector } from './connector';
import { twilioConnector } from './twilio.connector';
import { zendeskConnector } from './zendesk.connector';

export const CONNECTORS: { [N in ConnectorName]: Connector<N> } = {
  chatwoot: chatwootConnector,
  zendesk: zendeskConnector,
  twilio: twilioConnector,
  'amazon-connect': amazonConnectConnector,
  cloudevents: cloudeventsConnector,
};
