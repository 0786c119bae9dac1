import { MessageFrameTemplate } from '../../../protocol/message-frame-template.js';
import type { BrokerSubscriber } from '../../message-broker.js';
import { MAX_HELD_DURING_REPLAY, ReplayGate } from './replay-gate.js';

function session(): BrokerSubscriber & { readonly got: string[]; closed: boolean } {
  const got: string[] = [];
  const state = { closed: false };
  return {
    id: 's',
    version: '1.2',
    get isClosed() {
      return state.closed;
    },
    get closed() {
      return state.closed;
    },
    set closed(value: boolean) {
      state.closed = value;
    },
    got,
    deliverMessage: (template, subscriptionId) => void got.push(`${subscriptionId}:${template.body.toString()}`),
    deliverFrame: () => undefined,
    deliver: () => undefined,
    brokerLost: () => undefined,
  };
}

const at = (offset: number, body = `m${offset}`) =>
  MessageFrameTemplate.forMessage({ destination: '/topic/log', headers: { 'x-stream-offset': String(offset) }, body: Buffer.from(body) });

describe('ReplayGate', () => {
  it('passes live messages of subscriptions that do not replay', () => {
    const target = session();
    const gate = new ReplayGate(target);
    gate.deliverMessage(at(1), 'a', 'id');
    expect(target.got).toEqual(['a:m1']);
  });

  it('holds live messages during a replay, then delivers those the replay did not give, in order', () => {
    const target = session();
    const gate = new ReplayGate(target);
    const replay = gate.begin('a');
    gate.deliverMessage(at(3), 'a', 'live');
    gate.deliverMessage(at(4), 'a', 'live');
    gate.deliverMessage(at(9), 'other', 'live');
    gate.replayed('a', replay, 2, at(2), 'r');
    gate.replayed('a', replay, 3, at(3), 'r');
    expect(target.got).toEqual(['other:m9', 'a:m2', 'a:m3']);
    gate.finish('a', replay);
    expect(target.got).toEqual(['other:m9', 'a:m2', 'a:m3', 'a:m4']);
    // A live message the feed brings late, already replayed, is dropped; a newer one passes.
    gate.deliverMessage(at(3), 'a', 'late');
    gate.deliverMessage(at(5), 'a', 'live');
    expect(target.got).toEqual(['other:m9', 'a:m2', 'a:m3', 'a:m4', 'a:m5']);
  });

  it('drops a replay once its subscription ended or was replaced', () => {
    const target = session();
    const gate = new ReplayGate(target);
    const old = gate.begin('a');
    gate.end('a');
    expect(gate.isCurrent('a', old)).toBe(false);
    gate.replayed('a', old, 1, at(1), 'r');
    const replacing = gate.begin('a');
    expect(gate.isCurrent('a', old)).toBe(false);
    expect(gate.isCurrent('a', replacing)).toBe(true);
    gate.finish('a', old);
    gate.deliverMessage(at(2), 'a', 'live');
    expect(target.got).toEqual([]);
    gate.endAll();
    expect(gate.isCurrent('a', replacing)).toBe(false);
    const again = gate.begin('a');
    target.closed = true;
    expect(gate.isCurrent('a', again)).toBe(false);
  });
  it('ends the session, telling it to resume, when a replay falls too far behind the live messages', () => {
    const lost: string[] = [];
    const target = { ...session(), brokerLost: (reason: string) => void lost.push(reason) };
    const gate = new ReplayGate(target);
    gate.begin('a');
    for (let offset = 0; offset < MAX_HELD_DURING_REPLAY; offset++) gate.deliverMessage(at(offset), 'a', 'id');
    expect(lost).toEqual([]);
    gate.deliverMessage(at(MAX_HELD_DURING_REPLAY), 'a', 'id');
    expect(lost).toEqual([expect.stringMatching(/^Replay of '\/topic\/log' fell behind: more than 10000 live messages .* x-stream-offset:offset=/)]);
  });
});
