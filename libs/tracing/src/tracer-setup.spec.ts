import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BaseEnv, loadEnv } from '@cx/config';
import { TestSpans } from './testing';
import { startUnitSpans } from './unit-spans';
import { activeTracer, startTracing, tracesUrl } from './tracer-setup';
import { startWork } from './work-spans';

const env = (vars: Record<string, string>) => loadEnv(BaseEnv, vars);
const ROOT = join(__dirname, '..', '..', '..');

describe('tracer set-up', () => {
  it('sends spans to the traces endpoint, else to the base endpoint plus /v1/traces, and nowhere when unset or disabled', () => {
    expect(tracesUrl(env({}))).toBeUndefined();
    expect(tracesUrl(env({ OTEL_EXPORTER_OTLP_ENDPOINT: '' }))).toBeUndefined();
    expect(tracesUrl(env({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' }))).toBe('http://jaeger:4318/v1/traces');
    expect(tracesUrl(env({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com/base/' }))).toBe('https://otel.example.com/base/v1/traces');
    expect(tracesUrl(env({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:9999/traces' }))).toBe('http://b:9999/traces');
    expect(tracesUrl(env({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_SDK_DISABLED: 'true' }))).toBeUndefined();
  });

  it('stays off without an endpoint: no tracer, and the SDK is not even loaded', () => {
    expect(startTracing(env({}), { service: 'x' })).toBe(false);
    expect(activeTracer()).toBeUndefined();
    expect(startWork('w', undefined, 'internal')).toBeUndefined();
    // In a fresh process (jest's module registry would hide what Node loads).
    const script = `
      const t = require('./libs/tracing/src');
      const on = t.startTracing({ OTEL_TRACES_SAMPLER: 'parentbased_always_on', OTEL_SDK_DISABLED: false }, { service: 'x' });
      const loaded = Object.keys(require.cache).filter((k) => /@opentelemetry[\\\\/](sdk-trace|exporter|resources|semantic-conventions)/.test(k));
      process.stdout.write(JSON.stringify({ on, loaded }));`;
    const out = execFileSync(process.execPath, ['-r', '@swc-node/register', '-e', script], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'error' }, encoding: 'utf8' });
    expect(JSON.parse(out.slice(out.indexOf('{')))).toEqual({ on: false, loaded: [] });
  }, 30_000);

  describe('when on', () => {
    let t: TestSpans | undefined;
    afterEach(() => t?.stop());

    it('names the service after itself unless OTEL_SERVICE_NAME says otherwise, and adds OTEL_RESOURCE_ATTRIBUTES', () => {
      process.env.OTEL_RESOURCE_ATTRIBUTES = 'deployment.environment.name=staging,service.name=ignored';
      try {
        t = new TestSpans('router', { INSTANCE_ID: 'pod-7' });
        startWork('w', undefined, 'internal')!.end();
        expect(t.spans[0].resource.attributes).toMatchObject({ 'service.name': 'router', 'service.instance.id': 'pod-7', 'deployment.environment.name': 'staging' });
      } finally {
        delete process.env.OTEL_RESOURCE_ATTRIBUTES;
      }
    });

    it('takes OTEL_SERVICE_NAME', () => {
      t = new TestSpans('router', { OTEL_SERVICE_NAME: 'router-eu' });
      startWork('w', undefined, 'internal')!.end();
      expect(t.spans[0].resource.attributes['service.name']).toBe('router-eu');
    });

    it('honours OTEL_TRACES_SAMPLER and its ratio: with ratio 0 nothing is recorded, yet the context travels on', () => {
      t = new TestSpans('x', { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' });
      const ev = { id: 'e1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
      startUnitSpans([{ topic: 'cx.interactions.chat', items: [{ event: ev, partition: 0, offset: '1' }], invalid: [] }], { groupId: 'g', topicPrefix: '', attempt: 1 })!.end();
      expect(t.spans).toHaveLength(0);
      expect(ev.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-00$/);
    });
  });
});
