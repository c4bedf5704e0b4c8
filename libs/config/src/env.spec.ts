import { z } from 'zod';
import { BaseEnv, ConfigError, loadEnv, redactUrl } from './env';

describe('loadEnv', () => {
  it('applies defaults', () => {
    const env = loadEnv(BaseEnv, {});
    expect(env.KAFKA_BROKERS).toBe('127.0.0.1:9092');
    expect(env.TOPIC_PARTITIONS).toBe(6);
  });

  it('names the bad variable', () => {
    expect(() => loadEnv(BaseEnv, { TOPIC_PARTITIONS: 'many' })).toThrow(ConfigError);
    expect(() => loadEnv(BaseEnv, { TOPIC_PARTITIONS: 'many' })).toThrow(/TOPIC_PARTITIONS/);
    expect(() => loadEnv(BaseEnv, { KAFKA_BROKERS: 'nohost' })).toThrow(/KAFKA_BROKERS: must be/);
    expect(() => loadEnv(BaseEnv.extend({ ROUTER_PORT: z.coerce.number().int().max(65535) }), { ROUTER_PORT: '70000' }))
      .toThrow(/ROUTER_PORT/);
  });

  it('redacts credentials in URLs', () => {
    expect(redactUrl('redis://user:s3cret@host:6379')).toBe('redis://***@host:6379');
    expect(redactUrl('redis://host:6379')).toBe('redis://host:6379');
  });
});
