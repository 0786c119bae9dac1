import { Module } from '@nestjs/common';
import { StompModule } from 'nest-stomp';
import { useApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, expectRefusal, publish, RawTap, receiptFor, subscribe, waitMessages } from '../support/raw-frames.js';
import { unique } from '../support/unique.js';

/** The server offers heart-beat 100,100; the grace factor is the default 3. */
@Module({ imports: [StompModule.forRoot({ endpoint: '/stomp', heartbeat: [100, 100] })] })
class HeartbeatModule {}

describe('session: heart-beats (server heart-beat 100,100, grace factor 3)', () => {
  const server = useApp(HeartbeatModule);
  const url = () => `${server.wsUrl}/stomp`;

  it('answers CONNECT heart-beat:50,50 with its own heart-beat in CONNECTED', async () => {
    const client = await RawStompClient.connect(url(), { 'heart-beat': '50,50' });
    try {
      expect(client.frames[0]!.headers['heart-beat']).toBe('100,100');
    } finally {
      await closeAll(client);
    }
  });

  it('sends a bare EOL as heart-beat every max(sx, cy) ms to a client that asks for them', async () => {
    const client = await RawStompClient.open(url());
    const tap = new RawTap(client);
    try {
      client.send('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,50' });
      await client.nextFrame('CONNECTED');
      const connectedAt = Date.now();
      await client.until(() => client.heartbeats >= 2, '2 heart-beats');
      // max(100, 50) = 100 ms apart: two beats take at least ~200 ms.
      expect(Date.now() - connectedAt).toBeGreaterThanOrEqual(190);
      expect(tap.messages.filter((m) => m.toString() === '\n').length).toBeGreaterThanOrEqual(2);
      expect(client.frames.map((f) => f.command)).toEqual(['CONNECTED']);
    } finally {
      await closeAll(client);
    }
  });

  it('uses the client’s larger receive interval: heart-beat 0,300 gets its first beat after ~300 ms', async () => {
    const client = await RawStompClient.open(url());
    try {
      client.send('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,300' });
      await client.nextFrame('CONNECTED');
      const connectedAt = Date.now();
      await client.until(() => client.heartbeats >= 1, 'a heart-beat');
      expect(Date.now() - connectedAt).toBeGreaterThanOrEqual(290);
    } finally {
      await closeAll(client);
    }
  });

  it('closes a client that promised heart-beats and stays silent, after 3 x max(cx, sy) ms, with an ERROR', async () => {
    const watcher = await RawStompClient.connect(url());
    const silent = await RawStompClient.open(url());
    try {
      silent.send('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '50,0' });
      await silent.nextFrame('CONNECTED');
      const connectedAt = Date.now();
      await expectRefusal(silent, { message: 'No frame or heart-beat from the client for 300 ms' });
      const elapsed = Date.now() - connectedAt;
      // The server's clock started before CONNECTED reached us: allow for that delivery time.
      expect(elapsed).toBeGreaterThanOrEqual(200);
      expect(elapsed).toBeLessThan(5000);
      expect(silent.heartbeats).toBe(0);
      // The other session is not affected.
      const topic = `/topic/${unique('alive')}`;
      await subscribe(watcher, topic);
      await publish(watcher, topic, 'still here');
      expect((await waitMessages(watcher, 1))[0]!.text).toBe('still here');
    } finally {
      await closeAll(watcher, silent);
    }
  });

  it('keeps a client that sends EOL heart-beats alive well past the receive timeout', async () => {
    const client = await RawStompClient.open(url());
    const beating = setInterval(() => client.write('\n'), 50);
    try {
      client.send('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '50,50' });
      await client.nextFrame('CONNECTED');
      // 4 server beats (100 ms apart) take longer than the 300 ms the server would wait for a silent client.
      await client.until(() => client.heartbeats >= 4, '4 heart-beats');
      expect(client.closed).toBeUndefined();
      client.send('SUBSCRIBE', { id: 's', destination: '/topic/beating', receipt: 'r' });
      await receiptFor(client, 'r');
    } finally {
      clearInterval(beating);
      await closeAll(client);
    }
  });

  it('counts any frame from the client as a sign of life, not only EOLs', async () => {
    const client = await RawStompClient.connect(url(), { 'heart-beat': '50,0' });
    const sending = setInterval(() => client.send('SEND', { destination: '/topic/noise', 'content-type': 'text/plain' }, 'noise'), 50);
    const witness = await RawStompClient.connect(url(), { 'heart-beat': '0,100' });
    try {
      // Wait past 3 x 100 ms, measured by another client's heart-beats.
      await witness.until(() => witness.heartbeats >= 4, '4 heart-beats on the witness');
      expect(client.closed).toBeUndefined();
      clearInterval(sending);
      client.send('SUBSCRIBE', { id: 's', destination: '/topic/noise2', receipt: 'r' });
      await receiptFor(client, 'r');
    } finally {
      clearInterval(sending);
      await closeAll(client, witness);
    }
  });

  it.each([
    ['heart-beat:0,0', { 'heart-beat': '0,0' }],
    ['no heart-beat header', {}],
  ])('neither sends heart-beats to nor times out a client with %s', async (_name, headers) => {
    const quiet = await RawStompClient.open(url());
    const witness = await RawStompClient.connect(url(), { 'heart-beat': '0,100' });
    try {
      quiet.send('CONNECT', { 'accept-version': '1.2', host: 'localhost', ...headers });
      expect((await quiet.nextFrame('CONNECTED')).headers['heart-beat']).toBe('100,100');
      // The witness's 4 beats take over 300 ms: long enough for the quiet client to have had 3 beats,
      // or to have been closed had it been timed.
      await witness.until(() => witness.heartbeats >= 4, '4 heart-beats on the witness');
      quiet.send('SUBSCRIBE', { id: 's', destination: '/topic/quiet', receipt: 'r-quiet' });
      await receiptFor(quiet, 'r-quiet');
      expect(quiet.heartbeats).toBe(0);
      expect(quiet.closed).toBeUndefined();
    } finally {
      await closeAll(quiet, witness);
    }
  });
});
