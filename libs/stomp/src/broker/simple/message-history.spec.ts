import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import type { MessageFrameTemplate } from '../../protocol/message-frame-template.js';
import type { BrokerMessage, BrokerSubscriber } from '../message-broker.js';
import { messageBytes } from '../retention/memory-log.js';
import { RetentionPolicy } from '../retention/retention-policy.js';
import { MessageHistory } from './message-history.js';
import { SimpleBroker } from './simple-broker.js';

/** What a subscription received: body and x-stream-offset of each MESSAGE, with its message-id. */
class Inbox implements BrokerSubscriber {
  readonly received: { subscription: string; body: string; offset: string | undefined; messageId: string }[] = [];
  readonly version = '1.2' as const;
  readonly isClosed = false;
  constructor(readonly id: string) {}
  deliverMessage(template: MessageFrameTemplate, subscription: string, messageId: string): void {
    this.received.push({ subscription, body: template.body.toString(), offset: template.headers['x-stream-offset'], messageId });
  }
  deliverFrame(): void {}
  deliver(): void {}
  brokerLost(): void {}
  bodies(): string[] {
    return this.received.map((message) => message.body);
  }
}

const LIMITS = { maxMessages: 100, maxAge: 60_000, maxBytes: 1024 * 1024 };

function message(destination: string, body: string): BrokerMessage {
  return { destination, headers: { 'content-type': 'text/plain' }, body: Buffer.from(body) };
}

function errorOf(action: () => void): StompProtocolError {
  try {
    action();
  } catch (error) {
    return error as StompProtocolError;
  }
  throw new Error('expected an error');
}

describe('SimpleBroker with a MessageHistory', () => {
  let now: number;
  let history: MessageHistory;
  let broker: SimpleBroker;

  function withHistory(rules = [{ destinations: ['/topic/chat.*'], ...LIMITS }], maxTotalBytes = 1024 * 1024): void {
    history = new MessageHistory(new RetentionPolicy(rules, '/'), maxTotalBytes, () => now);
    broker = new SimpleBroker('/', {}, history);
  }

  beforeEach(() => {
    now = 1_764_892_800_000;
    withHistory();
  });

  it('keeps retained messages with no subscriber, numbered from the time in microseconds, one by one', () => {
    for (let i = 0; i < 3; i++) broker.publish(message('/topic/chat.a', `m${i}`));
    const late = new Inbox('s');
    broker.subscribe(late, 'sub', '/topic/chat.a', { 'x-stream-offset': 'first' });
    const first = now * 1000;
    expect(late.received.map(({ body, offset }) => [body, offset])).toEqual([
      ['m0', String(first)],
      ['m1', String(first + 1)],
      ['m2', String(first + 2)],
    ]);
    expect(new Set(late.received.map((m) => m.messageId)).size).toBe(3);
  });

  it('writes the offset into the one template live subscribers share, exact and pattern alike', () => {
    const exact = new Inbox('e');
    const pattern = new Inbox('p');
    broker.subscribe(exact, 'x', '/topic/chat.a', {});
    broker.subscribe(pattern, 'y', '/topic/chat.*', {});
    broker.publish(message('/topic/chat.a', 'live'));
    expect(exact.received[0]!.offset).toBe(String(now * 1000));
    expect(pattern.received[0]).toEqual({ ...exact.received[0], subscription: 'y' });
  });

  it('replays to the new subscriber only, then live messages, in order, none twice', () => {
    const old = new Inbox('old');
    broker.subscribe(old, 's', '/topic/chat.a', {});
    for (let i = 0; i < 5; i++) broker.publish(message('/topic/chat.a', `m${i}`));
    const resumer = new Inbox('new');
    broker.subscribe(resumer, 's', '/topic/chat.a', { 'x-stream-offset': `offset=${now * 1000 + 3}` });
    broker.publish(message('/topic/chat.a', 'm5'));
    expect(resumer.bodies()).toEqual(['m3', 'm4', 'm5']);
    expect(old.bodies()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);

    const last = new Inbox('last');
    broker.subscribe(last, 's', '/topic/chat.a', { 'x-stream-offset': 'last' });
    expect(last.bodies()).toEqual(['m5']);
  });

  it('replays from a time: what was stored at or after it', () => {
    broker.publish(message('/topic/chat.a', 'early'));
    now += 1500;
    broker.publish(message('/topic/chat.a', 'later'));
    const inbox = new Inbox('t');
    broker.subscribe(inbox, 's', '/topic/chat.a', { 'x-stream-offset': `timestamp=${(now - 500) / 1000}` });
    expect(inbox.bodies()).toEqual(['later']);
  });

  it('ignores the header on a destination no rule retains: nothing kept, nothing replayed, no offset', () => {
    broker.publish(message('/topic/other', 'x'));
    const inbox = new Inbox('n');
    broker.subscribe(inbox, 's', '/topic/other', { 'x-stream-offset': 'first' });
    broker.publish(message('/topic/other', 'y'));
    expect(inbox.received).toEqual([expect.objectContaining({ body: 'y', offset: undefined })]);
    expect(history.bytes).toBe(0);
  });

  it('refuses a bad value, and a replay asked of a pattern, before subscribing', () => {
    const inbox = new Inbox('bad');
    const bad = errorOf(() => broker.subscribe(inbox, 's', '/topic/chat.a', { 'x-stream-offset': 'yesterday' }));
    expect(bad.code).toBe('STOMP_ERR_BAD_STREAM_OFFSET');
    const pattern = errorOf(() => broker.subscribe(inbox, 's', '/topic/chat.*', { 'x-stream-offset': 'first' }));
    expect(pattern.code).toBe('STOMP_ERR_BAD_STREAM_OFFSET');
    expect(pattern.message).toContain("'/topic/chat.*' is a pattern");
    expect(broker.subscriptionCount).toBe(0);
    // `next` asks for no replay: a pattern may say it.
    broker.subscribe(inbox, 's', '/topic/chat.*', { 'x-stream-offset': 'next' });
    expect(broker.subscriptionCount).toBe(1);
  });

  it('keeps all destinations within the total budget, the least recently written losing its oldest first', () => {
    const one = 'x'.repeat(100);
    withHistory(undefined, 1000);
    broker.publish(message('/topic/chat.quiet', one));
    for (let i = 0; i < 20; i++) broker.publish(message('/topic/chat.busy', one));
    expect(history.bytes).toBeLessThanOrEqual(1000);
    expect(history.sizeOf('/topic/chat.quiet')).toBe(0);
    expect(history.sizeOf('/topic/chat.busy')).toBeGreaterThan(0);
  });

  it('fills the total budget to the byte; a message over its rule alone is delivered, not kept', () => {
    const one = messageBytes({ 'content-type': 'text/plain', 'x-stream-offset': String(now * 1000) }, Buffer.from('m0'));
    withHistory([{ destinations: ['/topic/chat.*'], ...LIMITS, maxBytes: one * 10 }], one * 2);
    broker.publish(message('/topic/chat.a', 'm0'));
    broker.publish(message('/topic/chat.a', 'm1'));
    expect([history.sizeOf('/topic/chat.a'), history.bytes]).toEqual([2, one * 2]);
    broker.publish(message('/topic/chat.a', 'm2'));
    expect([history.sizeOf('/topic/chat.a'), history.bytes]).toEqual([2, one * 2]);

    withHistory([{ destinations: ['/topic/chat.*'], ...LIMITS, maxBytes: 10 }]);
    const inbox = new Inbox('big');
    broker.subscribe(inbox, 's', '/topic/chat.a', {});
    broker.publish(message('/topic/chat.a', 'x'.repeat(100)));
    expect(inbox.bodies()).toEqual(['x'.repeat(100)]);
    expect([history.sizeOf('/topic/chat.a'), history.bytes]).toEqual([0, 0]);
  });

  it('numbers a destination forgotten and written again above every offset given before', () => {
    withHistory([{ destinations: ['/topic/chat.*'], ...LIMITS, maxAge: 1000 }]);
    const all = new Inbox('all');
    broker.subscribe(all, 's', '/topic/chat.*', {});
    broker.publish(message('/topic/chat.a', 'a'));
    broker.publish(message('/topic/chat.b', 'b'));
    now += 5000;
    broker.publish(message('/topic/chat.b', 'b2'));
    // Swept on that write: the least recently written destination, all of it expired.
    expect(history.sizeOf('/topic/chat.a')).toBe(0);
    // Even with the clock set back, the new log starts above what was given.
    now -= 10_000;
    broker.publish(message('/topic/chat.a', 'a2'));
    const offsets = all.received.map((m) => Number(m.offset));
    expect(all.bodies()).toEqual(['a', 'b', 'b2', 'a2']);
    expect(offsets).toEqual([...offsets].sort((x, y) => x - y));
    expect(new Set(offsets).size).toBe(4);
  });
});
