import { Module } from '@nestjs/common';
import { StompModule } from 'nest-stomp';
import { useApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws', heartbeat: [0, 0] })] })
class PlainModule {}

/**
 * Header values come from clients; some cannot be written back in another session's STOMP
 * version. Writing them must never throw: once, it took the whole process down.
 */
describe('headers a STOMP version cannot write', () => {
  const server = useApp(PlainModule);

  it('answers a 1.1 frame whose receipt holds a raw CR, and the server goes on', async () => {
    const client = await RawStompClient.open(`${server.wsUrl}/ws`);
    client.send('CONNECT', { 'accept-version': '1.1' });
    await client.nextFrame('CONNECTED');
    client.write('SUBSCRIBE\nid:1\ndestination:/topic/cr\nreceipt:a\rb\n\n\0');
    const receipt = await client.nextFrame('RECEIPT');
    // 1.1 cannot carry a CR in a header: the RECEIPT goes without it rather than not at all.
    expect(receipt.headers['receipt-id']).toBeUndefined();
    client.send('SEND', { destination: '/topic/cr', 'content-type': 'text/plain' }, 'after');
    expect((await client.nextFrame('MESSAGE')).text).toBe('after');
    await client.disconnect();

    const another = await RawStompClient.connect(`${server.wsUrl}/ws`);
    await another.disconnect();
  });

  it('delivers a header a 1.0 subscriber cannot carry to 1.2 subscribers, and the message to both', async () => {
    const old = await RawStompClient.open(`${server.wsUrl}/ws`);
    old.send('CONNECT', { 'accept-version': '1.0' });
    await old.nextFrame('CONNECTED');
    old.send('SUBSCRIBE', { id: 'o', destination: '/topic/lines', receipt: 'r' });
    await old.nextFrame('RECEIPT');
    const modern = await RawStompClient.connect(`${server.wsUrl}/ws`);
    modern.send('SUBSCRIBE', { id: 'm', destination: '/topic/lines', receipt: 'r' });
    await modern.nextFrame('RECEIPT');

    modern.write('SEND\ndestination:/topic/lines\ncontent-type:text/plain\nx-note:two\\nlines\n\nbody\0');
    const [toOld, toModern] = await Promise.all([old.nextFrame('MESSAGE'), modern.nextFrame('MESSAGE')]);
    expect([toOld.text, toOld.headers['x-note']]).toEqual(['body', undefined]);
    expect([toModern.text, toModern.headers['x-note']]).toEqual(['body', 'two\nlines']);
    await old.disconnect();
    await modern.disconnect();
  });
});
