import { performance } from 'node:perf_hooks';
import type { BenchConfig } from '../config.js';
import { listeningPid } from '../harness/broker-process.js';
import { openMeasurementWindow } from '../harness/measurement-window.js';
import type { DurableServerId, ServerId } from '../harness/server-kinds.js';
import type { ConnectDurable, DurableBenchClient } from '../load/durable-client.js';
import { StompDurableClient } from '../load/durable-client.js';
import { LatencyRecorder } from '../load/latency-recorder.js';
import { SequenceTracker, sumIntegrity, type IntegrityReport } from '../load/sequence-tracker.js';
import { DurableServices } from './durable-services.js';
import { requireServer, sleep, waitUntil, type Metrics, type Scenario, type ScenarioContext, type ScenarioOutcome, type ScenarioPreparation } from './scenario.js';

/** nest-stomp on each durable broker, each followed by its baseline, in table order. */
export const DURABLE_PAIRS: ReadonlyArray<{ readonly broker: string; readonly nestStomp: DurableServerId; readonly baseline: DurableServerId }> = [
  { broker: 'embedded history', nestStomp: 'nest-stomp-history', baseline: 'minimal-ws-history' },
  { broker: 'Redis Streams', nestStomp: 'nest-stomp-redis-streams', baseline: 'redis-streams-direct' },
  { broker: 'JetStream', nestStomp: 'nest-stomp-jetstream', baseline: 'jetstream-direct' },
  { broker: 'Kafka', nestStomp: 'nest-stomp-kafka', baseline: 'kafka-direct' },
];

/** Latencies are looked up by seq in a ring this large: far more than the messages a window lets be in flight. */
const SENT_AT_RING = 1 << 16;
/** The replay's stream is filled in chunks, each ending with a message whose storage is awaited. */
const FILL_CHUNK = 1000;
const REPLAY_TIMEOUT_SECONDS = 180;

let services: DurableServices | undefined;
/** Every stream of a round has a name of its own: the shared services keep what earlier rounds wrote until it is removed. */
let streamCounter = 0;

/**
 * (g) The durable brokers: for each, nest-stomp on it (STOMP clients SEND to a retained
 * `/topic/durable/<stream>` and subscribe to it) and, as its baseline, the same clients made of the
 * service's own Node client talking to the service directly (the embedded history against a
 * minimal STOMP server with a bare array as its log). Two measurements per run: the fan-out of (a)
 * through the broker (1 publisher, N subscribers, a window of messages in flight, deliveries/s and
 * publish → deliver latency), then a stream filled with `replayMessages` messages (stored, each
 * chunk's last one awaited) and read back from the first by a new subscriber (messages/s until
 * the last arrives). Every delivery is checked for loss, duplicates and order.
 */
export const durableBrokersScenario: Scenario = {
  id: 'g',
  title: 'durable brokers: fan-out and replay against each service’s own client',
  servers: DURABLE_PAIRS.flatMap(({ nestStomp, baseline }) => [nestStomp, baseline]),
  async prepare(config: BenchConfig): Promise<ScenarioPreparation> {
    services = await DurableServices.prepare(config);
    Object.assign(process.env, services.serverEnvironment(config));
    return { notes: services.notes, unavailableServers: services.unavailable };
  },
  async finish(): Promise<void> {
    await services?.finish();
    services = undefined;
  },
  async run(context: ScenarioContext): Promise<ScenarioOutcome> {
    const ready = services;
    if (!ready) throw new Error('(g) ran without its prepare step');
    const serverId = context.serverId as DurableServerId;
    const connect: ConnectDurable = context.server ? () => StompDurableClient.connect(requireServer(context.server).port) : ready.baselineConnector(serverId);
    const brokerPid = ready.brokerPid(serverId);
    const fanStream = `f${++streamCounter}`;
    const replayStream = `r${streamCounter}`;
    try {
      await ready.createStreams(serverId, [fanStream, replayStream]);
      const fanout = await measureFanout(context, connect, fanStream, brokerPid);
      context.log(`fan-out ${fmt(fanout.metrics.deliveriesPerSecond!)} deliveries/s, p99 ${fanout.metrics.p99Ms!.toFixed(2)} ms`);
      const replay = await measureReplay(context, connect, replayStream);
      context.log(`filled ${fmt(replay.metrics.fillPerSecond!)} msgs/s, replayed ${fmt(replay.metrics.replayPerSecond!)} msgs/s`);
      return {
        metrics: { ...fanout.metrics, ...replay.metrics },
        integrity: sumIntegrity([fanout.integrity, replay.integrity]),
        failedConnections: fanout.failedConnections + replay.failedConnections,
      };
    } finally {
      await ready.cleanUp(serverId);
    }
  },
};

interface Part {
  readonly metrics: Metrics;
  readonly integrity: IntegrityReport;
  readonly failedConnections: number;
}

/** The fan-out of (a) through the broker, with each delivery's latency from its publish. */
async function measureFanout({ config, server, log }: ScenarioContext, connect: ConnectDurable, stream: string, brokerPid: number | undefined): Promise<Part> {
  const { subscribers: count, windowMessages, warmupSeconds, durationSeconds } = config.durable;
  const sentAt = new Float64Array(SENT_AT_RING);
  const latencies = new LatencyRecorder(4_000_000);
  let measuring = false;
  let delivered = 0;
  let published = 0;
  let publishing = false;
  let publishScheduled = false;
  let publisher: DurableBenchClient | undefined;
  const outstanding = () => published * count - delivered;
  const windowHasRoom = () => outstanding() + count <= windowMessages * count;
  const publishWhileWindowHasRoom = () => {
    publishScheduled = false;
    while (publishing && windowHasRoom()) {
      sentAt[published & (SENT_AT_RING - 1)] = performance.now();
      publisher!.send(stream, published++, config.payloadBytes);
    }
  };
  const schedulePublish = () => {
    if (publishing && !publishScheduled) {
      publishScheduled = true;
      setImmediate(publishWhileWindowHasRoom);
    }
  };

  const trackers: SequenceTracker[] = [];
  const clients: DurableBenchClient[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const client = await connect();
      clients.push(client);
      const tracker = new SequenceTracker();
      trackers.push(tracker);
      client.onMessage = (seq) => {
        tracker.record(seq);
        delivered++;
        if (measuring && seq >= 0) latencies.record(performance.now() - sentAt[seq & (SENT_AT_RING - 1)]!);
        if (windowHasRoom()) schedulePublish();
      };
      await client.subscribe(stream, 'next');
    }
    publisher = await connect();
    clients.push(publisher);

    log(`${count} subscribers on ${stream}; warming up ${warmupSeconds} s`);
    publishing = true;
    schedulePublish();
    await sleep(warmupSeconds * 1000);
    const closeWindow = await openMeasurementWindow(server, brokerPid);
    const deliveredBefore = delivered;
    measuring = true;
    await sleep(durationSeconds * 1000);
    measuring = false;
    const deliveries = delivered - deliveredBefore;
    const window = await closeWindow();
    publishing = false;
    const drained = await waitUntil(() => outstanding() <= 0, config.drainTimeoutSeconds);
    if (!drained) log(`${outstanding()} deliveries still missing after ${config.drainTimeoutSeconds} s`);

    const [p50, p99] = latencies.percentiles([50, 99]);
    const percent = (cpuSeconds: number) => (100 * cpuSeconds) / window.wallSeconds;
    const metrics: Metrics = { deliveriesPerSecond: deliveries / window.wallSeconds, p50Ms: p50!, p99Ms: p99! };
    if (server) metrics.serverCpuPercent = percent(window.serverCpuSeconds);
    if (brokerPid !== undefined) metrics.brokerCpuPercent = percent(window.brokerCpuSeconds);
    Object.assign(metrics, {
      generatorCpuPercent: percent(window.generatorCpuSeconds),
      otherProcessesCpuPercent: window.otherProcessesCpuPercent,
      publishedMessages: published,
    });
    const integrity = sumIntegrity(trackers.map((tracker) => tracker.report(published)));
    return { metrics, integrity, failedConnections: clients.filter((client) => client.failure !== undefined).length };
  } finally {
    publishing = false;
    await Promise.all(clients.map((client) => client.close()));
  }
}

/**
 * `replayMessages` stored in a fresh stream (chunks of FILL_CHUNK, the last of each awaited: the
 * fill rate is the broker's stored-publish rate), then read back from the first by a new client.
 */
async function measureReplay({ config, log }: ScenarioContext, connect: ConnectDurable, stream: string): Promise<Part> {
  const total = config.durable.replayMessages;
  const clients: DurableBenchClient[] = [];
  try {
    const publisher = await connect();
    clients.push(publisher);
    const fillStarted = performance.now();
    for (let seq = 0; seq < total; ) {
      const chunkEnd = Math.min(total, seq + FILL_CHUNK);
      for (; seq < chunkEnd - 1; seq++) publisher.send(stream, seq, config.payloadBytes);
      await publisher.sendStored(stream, seq++, config.payloadBytes);
      if (publisher.failure) throw new Error(`filling ${stream} failed: ${publisher.failure}`);
    }
    const fillSeconds = (performance.now() - fillStarted) / 1000;

    const reader = await connect();
    clients.push(reader);
    const tracker = new SequenceTracker();
    let lastAt = 0;
    reader.onMessage = (seq) => {
      tracker.record(seq);
      if (tracker.received === total) lastAt = performance.now();
    };
    const replayStarted = performance.now();
    await reader.subscribe(stream, 'first');
    const complete = await waitUntil(() => tracker.received >= total, REPLAY_TIMEOUT_SECONDS);
    if (!complete) log(`replay: ${tracker.received} of ${total} messages after ${REPLAY_TIMEOUT_SECONDS} s`);
    const replaySeconds = ((complete ? lastAt : performance.now()) - replayStarted) / 1000;
    return {
      metrics: { fillPerSecond: total / fillSeconds, replayPerSecond: tracker.received / replaySeconds, replayedMessages: tracker.received },
      integrity: tracker.report(total),
      failedConnections: clients.filter((client) => client.failure !== undefined).length,
    };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Which (g) servers are nest-stomp ones (the others are baselines). */
export function isNestStompDurable(server: ServerId): boolean {
  return DURABLE_PAIRS.some((pair) => pair.nestStomp === server);
}
