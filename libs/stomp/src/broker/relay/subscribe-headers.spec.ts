import { StompProtocolError } from '../../errors/stomp-protocol.error.js';
import { relaySubscribeHeaders } from './subscribe-headers.js';

describe('relaySubscribeHeaders', () => {
  const stream = { ack: 'client', 'prefetch-count': '10', 'x-stream-offset': 'offset=5', 'x-queue-type': 'stream', durable: 'true', 'auto-delete': 'false', 'x-queue-name': 'theirs', id: 's', destination: 'd', receipt: 'r' };

  it('passes ack, prefetch-count and x-stream-offset, and x-queue-type only to /queue/...', () => {
    expect(relaySubscribeHeaders('/queue/events', stream)).toEqual({ ack: 'client', 'prefetch-count': '10', 'x-stream-offset': 'offset=5', 'x-queue-type': 'stream' });
    expect(relaySubscribeHeaders('/amq/queue/events', stream)).toEqual({ ack: 'client', 'prefetch-count': '10', 'x-stream-offset': 'offset=5' });
    expect(relaySubscribeHeaders('/topic/events', { ...stream, 'x-stream-offset': 'first' })).toEqual({ ack: 'client', 'prefetch-count': '10', 'x-stream-offset': 'first' });
  });

  it('checks x-stream-offset, and sends a timestamp as whole seconds', () => {
    expect(() => relaySubscribeHeaders('/queue/events', { 'x-stream-offset': 'bogus' })).toThrow(StompProtocolError);
    expect(relaySubscribeHeaders('/queue/events', { 'x-stream-offset': 'timestamp=1764892800.75' })).toEqual({ 'x-stream-offset': 'timestamp=1764892800' });
    expect(relaySubscribeHeaders('/queue/events', { 'x-stream-offset': 'timestamp=1764892800' })).toEqual({ 'x-stream-offset': 'timestamp=1764892800' });
  });
});
