import { isUtf8 } from 'node:buffer';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { jest } from '@jest/globals';
import { Controller, Module } from '@nestjs/common';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { MessageMapping, Payload, SimpUserRegistry, StompModule, StompSessionRegistry } from 'nest-stomp';
import { FrameDecoder } from '../../libs/stomp/src/protocol/frame-decoder.js';
import type { StompFrame } from '../../libs/stomp/src/protocol/stomp-frame.js';
import type { StompVersion } from '../../libs/stomp/src/protocol/stomp-version.js';
import { eventually } from '../support/eventually.js';
import { fuzzCase, type FuzzCase } from '../support/stomp-fuzz-inputs.js';
import { startApp, type RunningApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, publish, subscribe, subscriptionCount, waitMessages } from '../support/raw-frames.js';
import { SESSIONLESS_TIMERS, TimerTracker, within } from '../support/timers.js';
import { unique } from '../support/unique.js';

/**
 * Inputs in all (connections), split between the two properties. CI runs a few thousand;
 * `npm run test:fuzz` runs FUZZ_RUNS=50000. FUZZ_SEED replays a run.
 */
const INPUTS = Number(process.env.FUZZ_RUNS ?? 2400);
/** Connections fuzzed at once, between two round trips of the watching client. */
const BATCH = 8;
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const MIB = 1024 * 1024;

jest.setTimeout(Math.max(120_000, INPUTS * 50));

/** A full garbage collection, so that memory compares what is still referenced, not what awaits collection. */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Live JS heap and Buffer memory after a full collection. */
function liveMemory(): number {
  collectGarbage();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

@Controller()
class FuzzController {
  @MessageMapping('/echo')
  echo(@Payload() payload: unknown): unknown {
    return payload;
  }

  @MessageMapping('/async')
  async later(): Promise<string> {
    await new Promise((resolve) => setImmediate(resolve));
    return 'later';
  }

  @MessageMapping('/fail')
  fail(): never {
    throw new Error('the handler failed');
  }
}

@Module({
  imports: [
    StompModule.forRoot({
      endpoint: '/ws',
      maxFrameSize: 4096,
      maxHeaders: 16,
      maxHeaderLineLength: 512,
      maxSubscriptionsPerSession: 4,
      connectTimeout: 2000,
      heartbeat: [100, 100],
      authenticate: ({ login }) => {
        if (login === 'bad') throw new Error('bad login');
        return login ? { name: login } : undefined;
      },
      authorization: { rules: [{ destination: '/topic/news/**', on: 'SEND', allow: 'nobody' }] },
    }),
  ],
  controllers: [FuzzController],
})
class FuzzModule {}

/**
 * Sent after every input: 5000 bytes and a NUL. Whatever state the input left the session in
 * (between frames, inside headers, inside a body with or without content-length, before CONNECT),
 * this completes or overflows it (maxHeaderLineLength 512, maxFrameSize 4096), so the server must
 * come to a verdict: no case can leave a connection waiting.
 */
const PROBE = Buffer.concat([Buffer.alloc(5000, 'x'), Buffer.from([0])]);

interface Outcome {
  readonly code: number;
  readonly frames: StompFrame[];
  readonly malformed: string | undefined;
}

describe('hardening: fuzzing the server over real WebSocket connections', () => {
  let server: RunningApp;
  let url: string;
  let registry: StompSessionRegistry;
  let watcher: RawStompClient;
  let watched: string;
  let memoryBefore: number;
  let usersBefore: number;

  beforeAll(async () => {
    server = await startApp(FuzzModule);
    url = `${server.wsUrl}/ws`;
    registry = server.app.get(StompSessionRegistry);
    watcher = await RawStompClient.connect(url);
    watched = `/topic/${unique('watched')}`;
    await subscribe(watcher, watched);
    usersBefore = server.app.get(SimpUserRegistry).userCount;
    memoryBefore = liveMemory();
  });

  afterAll(async () => {
    await closeAll(watcher);
    // A connection the server lost track of would keep app.close() waiting forever: fail instead.
    await within(server.close(), 10_000, 'app.close() after the fuzzing');
  });

  /** One input on its own connection, then the probe; resolves with how the server ended it. */
  async function play(input: FuzzCase): Promise<Outcome> {
    const socket = new WebSocket(url, ['v12.stomp', 'v11.stomp', 'v10.stomp']);
    const frames: StompFrame[] = [];
    let malformed: string | undefined;
    const decoder = new FrameDecoder(
      {
        onFrame: (frame) => {
          frames.push(frame);
          if (frame.command === 'CONNECTED') decoder.version = (frame.headers.version ?? '1.0') as StompVersion;
        },
        onHeartbeat: () => undefined,
        onError: (error) => (malformed = error.message),
      },
      { maxFrameSize: 1024 * 1024, maxHeaders: 1000, maxHeaderLineLength: 1024 * 1024 },
    );
    // Until CONNECTED agrees a version, the server writes unescaped (an ERROR answering a CONNECT, as CONNECTED itself).
    decoder.version = '1.0';
    socket.on('message', (data: Buffer) => decoder.push(data));
    socket.on('error', () => undefined);
    const closed = new Promise<number>((resolve) => socket.once('close', (code: number) => resolve(code)));
    await within(
      new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      }),
      5000,
      'the WebSocket handshake',
    );
    for (const chunk of input.chunks) socket.send(chunk.data, { binary: chunk.binary }, () => undefined);
    socket.send(PROBE, { binary: false }, () => undefined);
    try {
      return { code: await within(closed, 5000, 'the server to end the connection'), frames, malformed };
    } catch (error) {
      socket.terminate();
      throw new Error(`${(error as Error).message}; frames: ${frames.map((f) => f.command).join(', ') || 'none'}`);
    }
  }

  /** Each connection ends normally (DISCONNECT: close 1000, no ERROR) or with one ERROR, last, and a close. */
  function judge(input: FuzzCase, outcome: Outcome): void {
    const where = `${input.kind} input ${JSON.stringify(input.chunks.map((c) => c.data.toString('latin1')))}`;
    if (outcome.malformed) throw new Error(`the server wrote a malformed frame (${outcome.malformed}) for ${where}`);
    const errors = outcome.frames.filter((f) => f.command === 'ERROR');
    if (errors.length > 1) throw new Error(`${errors.length} ERROR frames for ${where}`);
    switch (outcome.code) {
      case 1000:
        if (errors.length > 0) throw new Error(`ERROR '${errors[0]!.headers.message}' then a normal close for ${where}`);
        return;
      case 1007:
        // ws refuses a text message that is not UTF-8 before STOMP sees it.
        if (input.chunks.some((c) => !c.binary && !isUtf8(c.data))) return;
        throw new Error(`close 1007 without invalid UTF-8 for ${where}`);
      case 1002:
      case 4500: {
        const last = outcome.frames.at(-1);
        if (last?.command !== 'ERROR' || !last.headers.message) {
          throw new Error(`close ${outcome.code} without an ERROR (with a message) as the last frame, got ${last?.command ?? 'nothing'}, for ${where}`);
        }
        return;
      }
      default:
        throw new Error(`unexpected close code ${outcome.code} (frames: ${outcome.frames.map((f) => f.command).join(', ')}) for ${where}`);
    }
  }

  /** The watching client still gets a message through; the sessions of the batch are gone. */
  async function serverStillServes(): Promise<void> {
    // Only this round trip's frames matter: keeping them all would grow memory with the run's length.
    watcher.frames.length = 0;
    const marker = unique('marker');
    await publish(watcher, watched, marker);
    const [message] = await waitMessages(watcher, 1, watched);
    if (message!.text !== marker) throw new Error(`the watcher got '${message!.text}' instead of its marker`);
    await eventually(() => registry.size === 1, `the fuzzed sessions to leave the registry (${registry.size} left)`);
  }

  async function fuzz(kinds: ReadonlyArray<FuzzCase['kind']>, inputs: number): Promise<void> {
    const timers = TimerTracker.start();
    try {
      const batch = fc.array(
        fuzzCase.filter((c) => kinds.includes(c.kind)),
        { minLength: BATCH, maxLength: BATCH },
      );
      await fc.assert(
        fc.asyncProperty(batch, async (cases) => {
          const outcomes = await Promise.all(cases.map((c) => play(c)));
          cases.forEach((c, i) => judge(c, outcomes[i]!));
          await serverStillServes();
        }),
        { numRuns: Math.ceil(inputs / BATCH), seed: SEED, endOnFailure: process.env.FUZZ_SHRINK === undefined },
      );
      // Heart-beat, connect-timeout and close timers of every fuzzed session: all fired or cleared.
      await eventually(() => timers.live(SESSIONLESS_TIMERS).length === 0, `the fuzzed sessions' timers to be cleared (${timers.live(SESSIONLESS_TIMERS).join(', ')})`);
    } finally {
      timers.stop();
    }
  }

  it('valid and mutated sessions, cut into random WebSocket messages: each ends normally or with ERROR + close', async () => {
    await fuzz(['valid', 'mutated'], Math.ceil((INPUTS * 2) / 3));
  });

  it('random frames and random bytes: each ends with ERROR + close, the server unharmed', async () => {
    await fuzz(['random-frames', 'random-bytes'], Math.floor(INPUTS / 3));
  });

  it('leaves the server as it found it: sessions, subscriptions, users, memory', async () => {
    await eventually(() => registry.size === 1, 'only the watcher left');
    expect(subscriptionCount(server.app)).toBe(1);
    expect(server.app.get(SimpUserRegistry).userCount).toBe(usersBefore);
    // Thousands of sessions came and went: what they held is gone (the heap stays flat over 50000).
    expect(liveMemory() - memoryBefore).toBeLessThan(32 * MIB);
    await serverStillServes();
  });
});
