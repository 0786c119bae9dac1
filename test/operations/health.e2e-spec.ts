import { StompStats } from 'nest-stomp';
import { brokerAvailable, startChatInstance, type RunningApp } from '../support/apps.js';
import { RedisServerProcess, redisServerInstalled, uniqueChannelPrefix } from '../support/redis.js';

const describeWithRedisServer = redisServerInstalled() ? describe : describe.skip;

interface HealthPage {
  readonly status: number;
  readonly body: { status: string; info?: Record<string, { status: string }>; error?: Record<string, { status: string; brokerAvailable: boolean }> };
}

async function health(app: RunningApp): Promise<HealthPage> {
  const response = await fetch(`${app.httpUrl}/health`);
  return { status: response.status, body: (await response.json()) as HealthPage['body'] };
}

async function metric(app: RunningApp, sample: string): Promise<number | undefined> {
  const page = await (await fetch(`${app.httpUrl}/metrics`)).text();
  const line = page.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

// A redis-server of the spec's own, stopped and started again: the shared one must never go down.
describeWithRedisServer('chat app: /health follows the broker', () => {
  let redis: RedisServerProcess;
  let chat: RunningApp | undefined;
  const saved = { STOMP_BROKER: process.env.STOMP_BROKER, REDIS_URL: process.env.REDIS_URL, REDIS_CHANNEL_PREFIX: process.env.REDIS_CHANNEL_PREFIX };

  beforeAll(async () => {
    redis = await RedisServerProcess.onFreePort();
    await redis.start();
    Object.assign(process.env, { STOMP_BROKER: 'redis', REDIS_URL: redis.url, REDIS_CHANNEL_PREFIX: uniqueChannelPrefix('health') });
    chat = await startChatInstance();
  });

  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await chat?.close();
    await redis?.stop();
  });

  it('answers 200 while Redis is there, 503 while it is not, 200 again once it is back', async () => {
    const up = await health(chat!);
    expect(up.status).toBe(200);
    expect(up.body.status).toBe('ok');
    expect(up.body.info!.stomp).toEqual({ status: 'up', broker: 'redis', brokerAvailable: true, sessions: 0, maxConnections: 20000 });
    expect(await metric(chat!, 'stomp_broker_available{broker="redis"}')).toBe(1);

    await redis.stop();
    await brokerAvailable(chat!.app, false);
    const down = await health(chat!);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('error');
    expect(down.body.error!.stomp).toMatchObject({ status: 'down', brokerAvailable: false });
    expect(await metric(chat!, 'stomp_broker_available{broker="redis"}')).toBe(0);

    await redis.start();
    await brokerAvailable(chat!.app, true);
    const back = await health(chat!);
    expect(back.status).toBe(200);
    expect(await metric(chat!, 'stomp_broker_reconnects_total{broker="redis"}')).toBe(1);
    expect(chat!.app.get(StompStats).snapshot().broker).toEqual({ kind: 'redis', available: true, reconnects: 1 });
  });
});
