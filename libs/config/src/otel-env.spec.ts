import { BaseEnv, loadEnv } from './env';

describe('OpenTelemetry settings', () => {
  it('defaults to tracing off and the parent-based sampler; empty values count as unset', () => {
    const env = loadEnv(BaseEnv, { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_TRACES_SAMPLER: '' });
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(env.OTEL_TRACES_SAMPLER).toBe('parentbased_always_on');
    expect(env.OTEL_SDK_DISABLED).toBe(false);
  });

  it('stops start-up naming the bad variable', () => {
    expect(() => loadEnv(BaseEnv, { OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT: must be an http/);
    expect(() => loadEnv(BaseEnv, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://x' })).toThrow(/OTEL_EXPORTER_OTLP_TRACES_ENDPOINT/);
    expect(() => loadEnv(BaseEnv, { OTEL_TRACES_SAMPLER: 'jaeger_remote' })).toThrow(/OTEL_TRACES_SAMPLER: must be one of always_on/);
    expect(() => loadEnv(BaseEnv, { OTEL_TRACES_SAMPLER_ARG: '1.5' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
    expect(() => loadEnv(BaseEnv, { OTEL_SDK_DISABLED: 'yes' })).toThrow(/OTEL_SDK_DISABLED/);
  });

  it('reads valid values', () => {
    const env = loadEnv(BaseEnv, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com:4318', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25', OTEL_SERVICE_NAME: 'router-eu' });
    expect(env).toMatchObject({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com:4318', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: 0.25, OTEL_SERVICE_NAME: 'router-eu' });
  });
});
