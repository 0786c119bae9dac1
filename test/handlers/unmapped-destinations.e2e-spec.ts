import { jest } from '@jest/globals';
import { Controller, Module } from '@nestjs/common';
import { MessageMapping, StompModule, SubscribeMapping, type StompErrorReport, type StompModuleOptions } from 'nest-stomp';
import { useApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, expectRefusal, messagesOf, receiptFor, subscribe } from '../support/raw-frames.js';
import { useSenderWithErrors } from '../support/sender-with-errors.js';

jest.setTimeout(30_000);

@Controller()
class EchoController {
  @MessageMapping('/echo')
  echo(text: string): string {
    return `echo: ${text}`;
  }

  @SubscribeMapping('/rooms')
  rooms(): string[] {
    return ['lobby'];
  }
}

function moduleWith(options: Partial<StompModuleOptions>): unknown {
  @Module({ imports: [StompModule.forRoot({ endpoint: '/ws', ...options })], controllers: [EchoController] })
  class UnmappedModule {}
  return UnmappedModule;
}

const unmappedSend = (destination: string, lookup: string): StompErrorReport => ({
  destination,
  error: 'StompDestinationError',
  message: `No @MessageMapping handler for '${destination}' (mapped destination '${lookup}')`,
});

/** Issue 12: a client's typo in an /app destination costs it a report, not its connection. */
describe("unmapped application destinations, unmappedDestinations: 'report' (the default)", () => {
  const sender = useSenderWithErrors(moduleWith({}));

  it('reports a SEND no @MessageMapping maps on the error destination, answers its receipt, and keeps the session', async () => {
    const echoes = await sender.client.subscribe('/topic/echo');
    await sender.client.send('/app/ecoh', 'typo');
    const report = await sender.errors.next();
    expect(report.json()).toEqual(unmappedSend('/app/ecoh', '/ecoh'));
    expect(report.headers['content-type']).toBe('application/json;charset=UTF-8');

    // The same connection goes on: the next SEND reaches its handler.
    await sender.client.send('/app/echo', 'still here');
    expect((await echoes.next()).text).toBe('echo: still here');
    expect(sender.client.error).toBeUndefined();
  });

  it('reports a SUBSCRIBE no @SubscribeMapping maps, answers its receipt, and the subscription gets nothing (as Spring)', async () => {
    const client = await RawStompClient.connect(`${sender.server.wsUrl}/ws`);
    try {
      await subscribe(client, '/user/queue/errors', 'errors');
      await subscribe(client, '/app/roms', 'typo');
      await client.until(() => messagesOf(client).length >= 1, 'the report');
      const [report] = messagesOf(client);
      expect(report!.headers.subscription).toBe('errors');
      expect(JSON.parse(report!.text)).toEqual({
        destination: '/app/roms',
        error: 'StompDestinationError',
        message: "No @SubscribeMapping handler for '/app/roms' (mapped destination '/roms')",
      });
      // Unsubscribing it is harmless, and a mapped SUBSCRIBE still gets its reply.
      client.send('UNSUBSCRIBE', { id: 'typo', receipt: 'gone' });
      await receiptFor(client, 'gone');
      await subscribe(client, '/app/rooms', 'rooms');
      expect(messagesOf(client).map((m) => [m.headers.subscription, m.text])).toEqual([
        ['errors', report!.text],
        ['rooms', '["lobby"]'],
      ]);
      expect(client.frames.some((f) => f.command === 'ERROR')).toBe(false);
    } finally {
      await closeAll(client);
    }
  });

  it('holds an unmapped SEND in a transaction without complaint and reports it at COMMIT', async () => {
    const client = await RawStompClient.connect(`${sender.server.wsUrl}/ws`);
    try {
      await subscribe(client, '/user/queue/errors', 'errors');
      client.send('BEGIN', { transaction: 'tx' });
      client.send('SEND', { destination: '/app/nowhere', transaction: 'tx', 'content-type': 'text/plain' }, 'held');
      client.send('COMMIT', { transaction: 'tx', receipt: 'committed' });
      await receiptFor(client, 'committed');
      expect(messagesOf(client).map((m) => JSON.parse(m.text) as unknown)).toEqual([unmappedSend('/app/nowhere', '/nowhere')]);
      expect(client.frames.some((f) => f.command === 'ERROR')).toBe(false);
    } finally {
      await closeAll(client);
    }
  });
});

describe("unmapped application destinations with errorDestination: false: dropped, as Spring does", () => {
  const app = useApp(moduleWith({ errorDestination: false }));

  it('answers the receipt, sends nothing else, keeps the session', async () => {
    const client = await RawStompClient.connect(`${app.wsUrl}/ws`);
    try {
      client.send('SEND', { destination: '/app/ecoh', 'content-type': 'text/plain', receipt: 'sent' }, 'lost');
      await receiptFor(client, 'sent');
      client.send('SUBSCRIBE', { destination: '/app/roms', id: 'typo', receipt: 'subscribed' });
      await receiptFor(client, 'subscribed');
      expect(client.frames.map((f) => f.command)).toEqual(['CONNECTED', 'RECEIPT', 'RECEIPT']);
    } finally {
      await closeAll(client);
    }
  });
});

describe("unmapped application destinations, unmappedDestinations: 'error': the session ends, as before", () => {
  const app = useApp(moduleWith({ unmappedDestinations: 'error' }));
  const url = () => `${app.wsUrl}/ws`;

  it('answers a SEND with an ERROR naming the destination, and closes', async () => {
    const client = await RawStompClient.connect(url());
    client.send('SEND', { destination: '/app/nope', receipt: 'r-nope' }, '{}');
    await expectRefusal(client, { message: "No @MessageMapping handler for '/app/nope' (mapped destination '/nope')", receiptId: 'r-nope' });
  });

  it('answers a SUBSCRIBE the same way', async () => {
    const client = await RawStompClient.connect(url());
    client.send('SUBSCRIBE', { destination: '/app/echo', id: 's-app', receipt: 'r-subapp' });
    await expectRefusal(client, { message: "No @SubscribeMapping handler for '/app/echo' (mapped destination '/echo')", receiptId: 'r-subapp' });
  });

  it('refuses an unmapped SEND in a transaction when it arrives, not at COMMIT', async () => {
    const client = await RawStompClient.connect(url());
    client.send('BEGIN', { transaction: 'tx' });
    client.send('SEND', { destination: '/app/nowhere', transaction: 'tx', receipt: 'r-held' }, '{}');
    await expectRefusal(client, { message: "No @MessageMapping handler for '/app/nowhere' (mapped destination '/nowhere')", receiptId: 'r-held' });
  });
});
