import type { JetStreamSettings } from './jetstream-settings.js';
import { planStreams } from './jetstream-streams.js';

describe('planStreams', () => {
  const settings: JetStreamSettings = {
    servers: ['nats://127.0.0.1:4222'],
    subjectPrefix: 'stomp',
    streamPrefix: 'STOMP',
    queuePrefixes: ['/queue/'],
    startTimeout: 1,
    connectTimeout: 1,
    reconnectDelay: 1,
    publishTimeout: 1,
    ackWait: 1,
    prefetch: 1,
    queueMaxMessages: 100,
    queueMaxAge: 60_000,
  };
  const rule = (maxAge: number) => ({ destinations: ['/topic/**'], maxMessages: 10, maxAge, maxBytes: 1000 });

  it('gives each retention rule a stream of its own, and the queues a work queue', () => {
    const plans = planStreams([rule(60_000), rule(3_600_000)], settings);
    expect(plans.map((plan) => [plan.name, plan.config.subjects, plan.config.retention])).toEqual([
      ['STOMP_R0', ['stomp.r0.>'], 'limits'],
      ['STOMP_R1', ['stomp.r1.>'], 'limits'],
      ['STOMP_Q', ['stomp.q.>'], 'workqueue'],
    ]);
    expect(plans[0]!.config).toMatchObject({ max_msgs_per_subject: 10, max_bytes: 1000, max_age: 60_000_000_000 });
  });

  it('keeps the duplicate window within the age, and an age past what JetStream can count as no limit', () => {
    const [short, long, endless] = planStreams([rule(60_000), rule(3_600_000), rule(Number.MAX_SAFE_INTEGER)], settings);
    expect(short!.config.duplicate_window).toBe(60_000_000_000);
    expect(long!.config.duplicate_window).toBe(120_000_000_000);
    expect(endless!.config).toMatchObject({ max_age: 0, duplicate_window: 120_000_000_000 });
  });
});
