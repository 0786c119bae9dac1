import { Logger } from '@nestjs/common';
import type { StompSession } from '../interfaces/stomp-session.interface.js';
import { decodeOne } from '../protocol/decode-one.testing.js';
import { encodeFrame } from '../protocol/frame-encoder.js';
import { MessageFrameTemplate } from '../protocol/message-frame-template.js';
import type { StompFrame } from '../protocol/stomp-frame.js';
import type { StompVersion } from '../protocol/stomp-version.js';
import { InterceptorChains } from './interceptor-chains.js';
import { OutboundFrames } from './outbound-frames.js';
import { SendLimits } from './send-limits.js';
import type { StompChannelInterceptor } from './stomp-channel-interceptor.js';
import type { StompConnection } from './stomp-connection.js';

/** A connection that keeps what is written to it. */
class MemoryConnection {
  readonly written: { data: Buffer; binary: boolean }[] = [];
  bufferedAmount = 0;

  send(data: Buffer, binary: boolean): void {
    this.written.push({ data, binary });
  }
}

const template = MessageFrameTemplate.forMessage({ destination: '/topic/prices', headers: { 'content-type': 'application/json', price: '42' }, body: Buffer.from('{"p":42}') });

describe('OutboundFrames', () => {
  let connection: MemoryConnection;
  let log: string[];
  let session: StompSession;

  beforeEach(() => {
    connection = new MemoryConnection();
    log = [];
    session = { id: 's-1', version: '1.2' } as StompSession;
  });

  function outbound(interceptors: StompChannelInterceptor[] = [], sendBufferSizeLimit = 1 << 20): OutboundFrames {
    return new OutboundFrames(
      connection as unknown as StompConnection,
      InterceptorChains.of(interceptors, new Logger('outbound-frames.spec')),
      new SendLimits(sendBufferSizeLimit, 60_000),
      { written: () => void log.push('written'), tooSlow: (reason) => void log.push(`too slow: ${reason}`) },
    );
  }

  function decodedWrites(version: StompVersion = '1.2'): StompFrame[] {
    return connection.written.map(({ data }) => decodeOne(data, version));
  }

  describe('without outbound interceptors', () => {
    it("writes a template's own bytes for the subscription", () => {
      outbound().deliverMessage(session, template, 'sub-0', 'm-1');
      expect(connection.written).toEqual([{ data: template.frameFor('1.2', 'sub-0', 'm-1'), binary: false }]);
      // The very buffer the template made: nothing was encoded again.
      expect(connection.written[0]!.data).toBe(template.frameFor('1.2', 'sub-0', 'm-1'));
      expect(log).toEqual(['written']);
    });

    it('writes encoded bytes as they are, and encodes a frame object in the session version', () => {
      const bytes = template.frameFor('1.0', 'a', 'b');
      const o = outbound();
      o.deliver(session, bytes, true);
      o.deliverFrame({ ...session, version: '1.1' } as StompSession, { command: 'MESSAGE', headers: { subscription: 'x', 'message-id': 'y', note: 'a:b' }, body: Buffer.from('hi') }, false);
      expect(connection.written[0]).toEqual({ data: bytes, binary: true });
      expect(connection.written[1]!.data.toString()).toBe('MESSAGE\nsubscription:x\nmessage-id:y\nnote:a\\cb\ncontent-length:2\n\nhi\0');
    });
  });

  describe('with an outbound interceptor', () => {
    let seen: StompFrame[];
    const stamp: StompChannelInterceptor = {
      outbound: (frame) => {
        seen.push(frame);
        return frame.command === 'MESSAGE' ? { ...frame, headers: { ...frame.headers, stamped: 'yes' } } : frame;
      },
    };

    beforeEach(() => {
      seen = [];
    });

    it("shows a template's MESSAGE as the frame a client would decode, and writes the changed frame", () => {
      outbound([stamp]).deliverMessage(session, template, 'sub-0', 'm-1');
      expect(seen).toEqual([decodeOne(template.frameFor('1.2', 'sub-0', 'm-1'), '1.2')]);
      expect(decodedWrites()).toEqual([{ ...seen[0], headers: { ...seen[0]!.headers, stamped: 'yes' } }]);
      expect(connection.written[0]!.binary).toBe(false);
    });

    it('shows encoded bytes decoded, and a frame object with its content-length and a body of its own', () => {
      const o = outbound([stamp]);
      o.deliver(session, template.frameFor('1.2', 'a', 'b'), false);
      const body = Buffer.from('reply');
      o.deliverFrame(session, { command: 'MESSAGE', headers: { subscription: 'x', 'message-id': 'y' }, body }, true);
      expect(seen[0]).toEqual(decodeOne(template.frameFor('1.2', 'a', 'b'), '1.2'));
      expect(seen[1]).toEqual(decodeOne(encodeFrame({ command: 'MESSAGE', headers: { subscription: 'x', 'message-id': 'y' }, body }, '1.2'), '1.2'));
      expect(seen[1]!.body).not.toBe(body);
      expect(decodedWrites().map((f) => f.headers.stamped)).toEqual(['yes', 'yes']);
      expect(connection.written[1]!.binary).toBe(true);
    });

    it("sends nothing of a frame the interceptor drops, or fails on, and the session's own frames go through it too", () => {
      const o = outbound([
        {
          outbound: (frame) => {
            if (frame.headers.subscription === 'drop') return null;
            if (frame.headers.subscription === 'fail') throw new Error('interceptor bug');
            return frame;
          },
        },
      ]);
      o.deliverMessage(session, template, 'drop', 'm');
      o.deliverMessage(session, template, 'fail', 'm');
      o.send(session, { command: 'RECEIPT', headers: { 'receipt-id': 'r-1' } });
      expect(decodedWrites().map((f) => [f.command, f.headers['receipt-id']])).toEqual([['RECEIPT', 'r-1']]);
      expect(log).toEqual(['written']);
    });
  });

  it("leaves out a header of the session's own frames that the version cannot carry, rather than fail", () => {
    outbound().send({ ...session, version: '1.0' } as StompSession, { command: 'RECEIPT', headers: { 'receipt-id': 'line\nbreak', other: 'fine' } });
    expect(connection.written[0]!.data.toString()).toBe('RECEIPT\nother:fine\n\n\0');
  });

  it('reports a client that lets more than the send buffer limit pile up', () => {
    const o = outbound([], 100);
    o.send(session, { command: 'RECEIPT', headers: { 'receipt-id': '1' } });
    connection.bufferedAmount = 101;
    o.send(session, { command: 'RECEIPT', headers: { 'receipt-id': '2' } });
    expect(log).toEqual(['written', 'written', 'too slow: 101 bytes wait unsent, over the limit of 100 (option sendBufferSizeLimit)']);
  });
});
