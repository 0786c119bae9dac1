import { Module, type DynamicModule } from '@nestjs/common';
import { StompModule, type StompModuleOptions } from 'nest-stomp';
import { DURABLE_ENV, DURABLE_RETENTION_PATTERN } from '../shared/durable-names.js';
import { BENCH_CLIENT_OPTIONS } from './bench-limits.js';

export type DurableBrokerArg = 'simple' | 'redis-streams' | 'jetstream' | 'kafka';

/**
 * A replay of (g) writes 100k MESSAGEs to one client at once (README "Durable messaging": a replay
 * is written at once), far past the default 512 KiB `sendBufferSizeLimit` a client may leave unsent:
 * lifted here, as the other guards in BENCH_CLIENT_OPTIONS, since the bench's reader is local and fast.
 */
const REPLAY_SEND_BUFFER_BYTES = 1024 * 1024 * 1024;

function broker(kind: DurableBrokerArg, env: NodeJS.ProcessEnv): StompModuleOptions['broker'] {
  const prefix = env[DURABLE_ENV.prefix] ?? 'benchg';
  switch (kind) {
    case 'simple':
      return { kind: 'simple' };
    case 'redis-streams':
      return { kind: 'redis', mode: 'streams', url: env[DURABLE_ENV.redisUrl], channelPrefix: prefix };
    case 'jetstream':
      return { kind: 'jetstream', servers: env[DURABLE_ENV.natsServers], subjectPrefix: prefix, streamPrefix: prefix.toUpperCase() };
    case 'kafka':
      return { kind: 'kafka', brokers: (env[DURABLE_ENV.kafkaBrokers] ?? '').split(','), topicPrefix: prefix, groupId: prefix, replicationFactor: 1 };
  }
}

/**
 * Scenario (g): the library on one durable broker, `/topic/durable/**` retained (enough messages
 * kept for the replay, an hour, 1 GiB), no handler: the clients SEND to the retained topic directly.
 */
@Module({})
export class BenchDurableAppModule {
  static forBroker(kind: DurableBrokerArg, env: NodeJS.ProcessEnv): DynamicModule {
    const keep = Number(env[DURABLE_ENV.keepMessages] ?? 200_000);
    return {
      module: BenchDurableAppModule,
      imports: [
        StompModule.forRoot({
          ...BENCH_CLIENT_OPTIONS,
          sendBufferSizeLimit: REPLAY_SEND_BUFFER_BYTES,
          broker: broker(kind, env),
          retention: [{ destinations: DURABLE_RETENTION_PATTERN, maxMessages: keep, maxAge: 60 * 60_000, maxBytes: 1024 * 1024 * 1024 }],
          maxHistoryBytes: 1024 * 1024 * 1024,
        }),
      ],
    };
  }
}
