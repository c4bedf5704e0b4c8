import { sendWhole } from './produce-retry';

const policy = { initialRetryTime: 10, retries: 3, maxRetryTime: 40 };
const noSleep = async () => undefined;

describe('sendWhole', () => {
  it('sends the whole request again after a failure, until it succeeds', async () => {
    let calls = 0;
    const r = await sendWhole(async () => { if (++calls < 3) throw Object.assign(new Error('broker gone'), { retriable: true }); return 'ok'; }, policy, noSleep);
    expect(r).toBe('ok');
    expect(calls).toBe(3);
  });

  it('gives up after the policy\'s retries with the last error', async () => {
    let calls = 0;
    await expect(sendWhole(async () => { calls++; throw new Error('still gone'); }, policy, noSleep)).rejects.toThrow('still gone');
    expect(calls).toBe(4);
  });

  it('does not retry what kafkajs calls permanent', async () => {
    let calls = 0;
    const wrapped = Object.assign(new Error('too large'), { name: 'KafkaJSNonRetriableError', retriable: false, cause: Object.assign(new Error('too large'), { retriable: false }) });
    await expect(sendWhole(async () => { calls++; throw wrapped; }, policy, noSleep)).rejects.toThrow('too large');
    expect(calls).toBe(1);
  });

  it('retries when kafkajs gave up on a retriable cause (its own retries are off)', async () => {
    let calls = 0;
    const wrapped = Object.assign(new Error('not leader'), { name: 'KafkaJSNumberOfRetriesExceeded', retriable: false, cause: Object.assign(new Error('not leader'), { retriable: true }) });
    await sendWhole(async () => { if (++calls < 2) throw wrapped; }, policy, noSleep);
    expect(calls).toBe(2);
  });
});
