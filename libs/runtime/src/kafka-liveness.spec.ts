import { KafkaLiveness, kafkaSilenceMs } from './kafka-liveness';

describe('KafkaLiveness', () => {
  let now = 0;
  const live = () => new KafkaLiveness(5_000, () => now);

  beforeEach(() => { now = 100_000; });

  it('is down before any contact, up after one, down once Kafka was silent for the window', () => {
    const l = live();
    expect(l.up()).toBe(false);
    l.contact();
    now += 4_999;
    expect(l.up()).toBe(true);
    now += 1;
    expect(l.up()).toBe(false);
  });

  it('counts a running unit for the window only, and a failed unit as no contact', () => {
    const l = live();
    l.contact();
    now += 4_000;
    l.unitStarted();
    now += 4_000;
    expect(l.up()).toBe(true);
    now += 1_000;
    expect(l.up()).toBe(false); // a unit stuck for 5 s: Kafka said nothing meanwhile
    l.unitEnded(false);
    expect(l.up()).toBe(false);
    l.unitStarted();
    l.unitEnded(true);
    expect(l.up()).toBe(true);
  });

  it('is down at once after a crash', () => {
    const l = live();
    l.contact();
    l.lost();
    expect(l.up()).toBe(false);
  });

  it('allows for long fetch waits', () => {
    expect(kafkaSilenceMs(20)).toBe(5_000);
    expect(kafkaSilenceMs(10_000)).toBe(21_000);
  });
});
