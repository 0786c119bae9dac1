import { Stomp, type IMessage } from '@stomp/stompjs';
import SockJS from 'sockjs-client';
import { StompAdmin, StompStats } from 'nest-stomp';
import { AppModule } from '../../apps/chat/src/app.module.js';
import { useApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { Recorder } from '../support/recorder.js';
import { connectStompClient, deactivateAll, publishConfirmed, subscribeConfirmed } from '../support/stomp-clients.js';

/** `name{labels} value` lines of a Prometheus text page, as a map. */
function samples(page: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of page.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

describe('chat app: /metrics and StompStats move with the traffic', () => {
  const chat = useApp(AppModule);

  async function scrape(): Promise<{ page: string; values: Map<string, number>; contentType: string | null }> {
    const response = await fetch(`${chat.httpUrl}/metrics`);
    expect(response.status).toBe(200);
    const page = await response.text();
    return { page, values: samples(page), contentType: response.headers.get('content-type') };
  }

  const value = (values: Map<string, number>, sample: string): number => values.get(sample) ?? 0;

  it('counts sessions, frames, published and delivered messages, handler time, closes and errors', async () => {
    const before = await scrape();
    expect(before.contentType).toContain('text/plain');
    expect(before.page).toContain('# TYPE stomp_handler_duration_seconds histogram');
    expect(before.values.get('stomp_broker_available{broker="simple"}')).toBe(1);

    const readers = await Promise.all([1, 2, 3].map(() => connectStompClient(`${chat.wsUrl}/portfolio`)));
    const writer = await connectStompClient(`${chat.wsUrl}/portfolio`);
    try {
      const inboxes = await Promise.all(readers.map((reader) => subscribeConfirmed(reader, '/topic/metrics.news')));
      // The chat publishes presence when clients come: publishes are counted from here.
      const ready = await scrape();
      await publishConfirmed(writer, '/topic/metrics.news', 'one', { 'content-type': 'text/plain' });
      await publishConfirmed(writer, '/topic/metrics.news', 'two', { 'content-type': 'text/plain' });
      await Promise.all(inboxes.map((inbox) => inbox.waitFor(2)));
      // A handler: @MessageMapping('chat.send'), its reply published to /topic/messages.
      await publishConfirmed(writer, '/app/chat.send', JSON.stringify({ sender: 'ann', content: 'hi' }));

      const during = await scrape();
      const delta = (sample: string): number => value(during.values, sample) - value(before.values, sample);
      expect(delta('stomp_sessions{transport="websocket"}')).toBe(4);
      expect(delta('stomp_frames_received_total{command="CONNECT"}')).toBe(4);
      expect(delta('stomp_frames_received_total{command="SUBSCRIBE"}')).toBe(3);
      expect(delta('stomp_frames_received_total{command="SEND"}')).toBe(3);
      expect(delta('stomp_frames_sent_total{command="CONNECTED"}')).toBe(4);
      expect(delta('stomp_frames_sent_total{command="RECEIPT"}')).toBe(6);
      // Two messages to three subscribers.
      expect(delta('stomp_messages_delivered_total{broker="simple"}')).toBe(6);
      expect(delta('stomp_frames_sent_total{command="MESSAGE"}')).toBe(6);
      // Two SENDs to the broker, and the handler's reply.
      expect(value(during.values, 'stomp_messages_published_total{broker="simple"}') - value(ready.values, 'stomp_messages_published_total{broker="simple"}')).toBe(3);
      expect(delta('stomp_handler_duration_seconds_count{mapping="/chat.send"}')).toBe(1);
      expect(delta('stomp_handler_duration_seconds_bucket{le="+Inf",mapping="/chat.send"}')).toBe(1);
      expect(delta('stomp_bytes_received_total')).toBeGreaterThan(0);
      expect(delta('stomp_bytes_sent_total')).toBeGreaterThan(0);

      const stats = chat.app.get(StompStats).snapshot();
      expect(stats.sessions.websocket).toBe(during.values.get('stomp_sessions{transport="websocket"}'));
      expect(stats.messages.delivered).toBe(during.values.get('stomp_messages_delivered_total{broker="simple"}'));
      expect(stats.handlers["/chat.send"]!.count).toBe(during.values.get('stomp_handler_duration_seconds_count{mapping="/chat.send"}'));
    } finally {
      await deactivateAll(writer, ...readers);
    }

    // A client that breaks the protocol: an ERROR with its code, and a protocol-error close.
    const rogue = await RawStompClient.connect(`${chat.wsUrl}/portfolio`);
    rogue.send('SUBSCRIBE', { destination: '/topic/x' });
    expect((await rogue.nextFrame('ERROR')).headers.message).toContain('id');
    await rogue.waitClosed();

    const after = await scrape();
    const delta = (sample: string): number => value(after.values, sample) - value(before.values, sample);
    expect(delta('stomp_session_closes_total{reason="client"}')).toBe(4);
    expect(delta('stomp_session_closes_total{reason="protocol-error"}')).toBe(1);
    expect(delta('stomp_errors_total{code="STOMP_ERR_MISSING_HEADER"}')).toBe(1);
    expect(value(after.values, 'stomp_sessions{transport="websocket"}')).toBe(value(before.values, 'stomp_sessions{transport="websocket"}'));
  });

  it('writes a summary line of the same numbers', () => {
    const stats = chat.app.get(StompStats);
    const line = stats.summary();
    expect(line).toMatch(/^sessions \d+ open \(\d+ connected; websocket \d+, sockjs \d+; limit 20000\); frames in .*CONNECT\(\d+\)/);
    expect(line).toContain(`delivered ${stats.snapshot().messages.delivered}`);
    expect(line).toContain('broker simple available, 0 reconnects');
  });

  it('counts a SockJS session under its transport, and lists it with the bytes it moved', async () => {
    const before = await scrape();
    const client = Stomp.over(() => new SockJS(`${chat.httpUrl}/portfolio`));
    client.debug = () => undefined;
    client.reconnectDelay = 0;
    await new Promise<void>((resolve, reject) => client.connect({ login: 'sid' }, () => resolve(), (e: unknown) => reject(e)));
    try {
      const inbox = new Recorder<IMessage>();
      const subscribed = new Promise<void>((resolve) => client.watchForReceipt('s', () => resolve()));
      client.subscribe('/topic/metrics.sockjs', (m: IMessage) => inbox.push(m), { receipt: 's' });
      await subscribed;
      const during = await scrape();
      expect(value(during.values, 'stomp_sessions{transport="sockjs"}') - value(before.values, 'stomp_sessions{transport="sockjs"}')).toBe(1);
      const listed = chat.app.get(StompAdmin).sessions().find((session) => session.user === 'sid');
      expect(listed).toMatchObject({ transport: 'sockjs', subscriptions: [{ id: expect.any(String), destination: '/topic/metrics.sockjs' }] });
      expect(listed!.bytesReceived).toBeGreaterThan('CONNECT\n'.length);
      expect(listed!.bytesSent).toBeGreaterThan('CONNECTED\n'.length);
    } finally {
      await new Promise<void>((resolve) => client.disconnect(() => resolve()));
    }
  });
});
