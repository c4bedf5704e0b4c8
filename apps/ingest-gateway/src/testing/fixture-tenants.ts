// The tenants and secrets the fixture and service tests sign with: one tenant with every
// connector, one with an unsigned (old) Chatwoot.
import { ConnectorDirectory, ConnectorsFile } from '../connectors-config';

export const FIXTURE_SECRETS = {
  chatwoot: 'chatwoot-fixture-secret', zendesk: 'zendesk-fixture-signing-secret', twilio: 'twilio-fixture-auth-token',
  publicUrl: 'https://cx.example.com', amazonConnect: 'connect-forwarder-token-0123', cloudevents: 'cloudevents-token-0123456789',
};

export const fixtureDirectory = () => new ConnectorDirectory(ConnectorsFile.parse({
  tenants: {
    acme: {
      chatwoot: { secret: FIXTURE_SECRETS.chatwoot }, zendesk: { secret: FIXTURE_SECRETS.zendesk },
      twilio: { authToken: FIXTURE_SECRETS.twilio, publicUrl: FIXTURE_SECRETS.publicUrl },
      'amazon-connect': { token: FIXTURE_SECRETS.amazonConnect }, cloudevents: { token: FIXTURE_SECRETS.cloudevents },
    },
    legacy: { chatwoot: { allowUnsigned: true } },
  },
}));
