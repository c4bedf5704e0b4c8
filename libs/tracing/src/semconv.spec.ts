import * as stable from '@opentelemetry/semantic-conventions';
import * as ours from './semconv';

describe('semantic convention names', () => {
  it('writes the stable names exactly as the semantic-conventions package defines them', () => {
    for (const name of ['ATTR_SERVICE_NAME', 'ATTR_SERVICE_INSTANCE_ID', 'ATTR_HTTP_REQUEST_METHOD', 'ATTR_HTTP_RESPONSE_STATUS_CODE', 'ATTR_HTTP_ROUTE', 'ATTR_ERROR_TYPE'] as const) {
      expect(ours[name]).toBe((stable as unknown as Record<string, string>)[name]);
    }
  });
});
