import { StompSessionRegistry } from 'nest-stomp';
import { AppModule } from '../../apps/chat/src/app.module.js';
import { useApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { closeAll, expectRefusal, frameBytes, messagesOf, publish, receiptFor, subscribe, subscriptionCount, waitMessages, Watcher } from '../support/raw-frames.js';
import { unique } from '../support/unique.js';

/** RECEIPTs for every client frame, their order against MESSAGEs, DISCONNECT, and transactions. */
describe('session: receipts, DISCONNECT and transactions', () => {
  const chat = useApp(AppModule);
  const url = () => `${chat.wsUrl}/portfolio/websocket`;

  const commandsAndReceipts = (client: RawStompClient) => client.frames.map((f) => [f.command, f.headers['receipt-id'] ?? f.text]);

  it('sends a RECEIPT for SUBSCRIBE, SEND, UNSUBSCRIBE, BEGIN, COMMIT, ABORT, ACK and NACK, in frame order', async () => {
    const client = await RawStompClient.connect(url());
    try {
      const topic = `/topic/${unique('receipts')}`;
      client.write(
        Buffer.concat([
          frameBytes('SUBSCRIBE', { id: 's', destination: topic, ack: 'client-individual', receipt: 'r-subscribe' }),
          frameBytes('SEND', { destination: topic, 'content-type': 'text/plain' }, 'to ack'),
          frameBytes('SEND', { destination: topic, 'content-type': 'text/plain', receipt: 'r-send' }, 'to nack'),
        ]),
      );
      await receiptFor(client, 'r-send');
      // ACK and NACK name the messages by their `ack` ids: the broker knows them.
      const [toAck, toNack] = client.frames.filter((f) => f.command === 'MESSAGE');
      client.write(
        Buffer.concat([
          frameBytes('ACK', { id: toAck!.headers.ack!, receipt: 'r-ack' }),
          frameBytes('NACK', { id: toNack!.headers.ack!, receipt: 'r-nack' }),
          frameBytes('BEGIN', { transaction: 'tx-1', receipt: 'r-begin' }),
          frameBytes('COMMIT', { transaction: 'tx-1', receipt: 'r-commit' }),
          frameBytes('BEGIN', { transaction: 'tx-2', receipt: 'r-begin-2' }),
          frameBytes('ABORT', { transaction: 'tx-2', receipt: 'r-abort' }),
          frameBytes('UNSUBSCRIBE', { id: 's', receipt: 'r-unsubscribe' }),
        ]),
      );
      await receiptFor(client, 'r-unsubscribe');
      expect(commandsAndReceipts(client)).toEqual([
        ['CONNECTED', ''],
        ['RECEIPT', 'r-subscribe'],
        ['MESSAGE', 'to ack'],
        ['MESSAGE', 'to nack'],
        ['RECEIPT', 'r-send'],
        ['RECEIPT', 'r-ack'],
        ['RECEIPT', 'r-nack'],
        ['RECEIPT', 'r-begin'],
        ['RECEIPT', 'r-commit'],
        ['RECEIPT', 'r-begin-2'],
        ['RECEIPT', 'r-abort'],
        ['RECEIPT', 'r-unsubscribe'],
      ]);
      // RECEIPT frames carry only receipt-id.
      expect(client.frames.filter((f) => f.command === 'RECEIPT').every((f) => Object.keys(f.headers).join() === 'receipt-id')).toBe(true);
    } finally {
      await closeAll(client);
    }
  });

  it('answers DISCONNECT with its RECEIPT, then closes with 1000 and releases the session', async () => {
    const client = await RawStompClient.connect(url());
    const registry = chat.app.get(StompSessionRegistry);
    const before = subscriptionCount(chat.app);
    const sessionId = client.frames[0]!.headers.session!;
    await subscribe(client, `/topic/${unique('bye')}`);
    expect(subscriptionCount(chat.app)).toBe(before + 1);
    expect(registry.get(sessionId)).toBeDefined();

    client.send('DISCONNECT', { receipt: 'r-bye' });
    const close = await client.waitClosed();
    expect(close.code).toBe(1000);
    expect(client.frames.at(-1)).toMatchObject({ command: 'RECEIPT', headers: { 'receipt-id': 'r-bye' } });
    expect(registry.get(sessionId)).toBeUndefined();
    expect(subscriptionCount(chat.app)).toBe(before);
  });

  it('closes with 1000 and no RECEIPT on DISCONNECT without receipt', async () => {
    const client = await RawStompClient.connect(url());
    client.send('DISCONNECT');
    expect((await client.waitClosed()).code).toBe(1000);
    expect(client.frames.map((f) => f.command)).toEqual(['CONNECTED']);
  });

  it('ignores frames after DISCONNECT in the same WebSocket message', async () => {
    const watcher = await Watcher.start(url());
    const client = await RawStompClient.connect(url());
    try {
      client.write(
        Buffer.concat([
          frameBytes('DISCONNECT', { receipt: 'r-bye' }),
          frameBytes('SEND', { destination: watcher.destination, 'content-type': 'text/plain', receipt: 'r-late' }, 'after goodbye'),
        ]),
      );
      expect((await client.waitClosed()).code).toBe(1000);
      expect(commandsAndReceipts(client)).toEqual([
        ['CONNECTED', ''],
        ['RECEIPT', 'r-bye'],
      ]);
      await watcher.stillWorks();
    } finally {
      await closeAll(watcher, client);
    }
  });

  it('sends the RECEIPT of a SEND to a broker destination after the MESSAGE it caused, to the sender and to others', async () => {
    const other = await RawStompClient.connect(url());
    const client = await RawStompClient.connect(url());
    try {
      const topic = `/topic/${unique('order')}`;
      await subscribe(other, topic);
      await subscribe(client, topic);
      for (let i = 0; i < 5; i++) client.send('SEND', { destination: topic, 'content-type': 'text/plain', receipt: `r-${i}` }, `m-${i}`);
      await receiptFor(client, 'r-4');
      const afterSubscribe = commandsAndReceipts(client).slice(2);
      expect(afterSubscribe).toEqual([0, 1, 2, 3, 4].flatMap((i) => [['MESSAGE', `m-${i}`], ['RECEIPT', `r-${i}`]]));
      expect((await waitMessages(other, 5)).map((m) => m.text)).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-4']);
    } finally {
      await closeAll(other, client);
    }
  });

  it('sends the RECEIPT of a SEND to /app/chat.send after the handler’s reply reached the sender', async () => {
    const client = await RawStompClient.connect(url());
    try {
      await subscribe(client, '/topic/messages');
      // The chat closes /topic/messages to client SENDs (the handler's own topic): the next SEND goes to a topic of its own.
      const next = `/topic/${unique('next')}`;
      await subscribe(client, next);
      const chatMessage = { sender: 'raw', content: unique('hello') };
      client.send('SEND', { destination: '/app/chat.send', 'content-type': 'application/json', receipt: 'r-chat' }, JSON.stringify(chatMessage));
      // A frame queued behind the (asynchronous) handler call is answered after it, in order.
      client.send('SEND', { destination: next, 'content-type': 'text/plain', receipt: 'r-next' }, 'next');
      await receiptFor(client, 'r-next');
      const tail = commandsAndReceipts(client).slice(3);
      expect(tail).toEqual([
        ['MESSAGE', JSON.stringify(chatMessage)],
        ['RECEIPT', 'r-chat'],
        ['MESSAGE', 'next'],
        ['RECEIPT', 'r-next'],
      ]);
      expect(messagesOf(client)[0]!.headers['content-type']).toBe('application/json;charset=UTF-8');
    } finally {
      await closeAll(client);
    }
  });

  describe('transactions', () => {
    it('delivers SENDs of a transaction only on COMMIT, in order', async () => {
      const watcher = await Watcher.start(url());
      const client = await RawStompClient.connect(url());
      try {
        client.send('BEGIN', { transaction: 'tx', receipt: 'r-begin' });
        client.send('SEND', { destination: watcher.destination, transaction: 'tx', 'content-type': 'text/plain', receipt: 'r-1' }, 'tx-1');
        client.send('SEND', { destination: watcher.destination, transaction: 'tx', 'content-type': 'text/plain', receipt: 'r-2' }, 'tx-2');
        await receiptFor(client, 'r-2');
        // Both SENDs are acknowledged; a message published after them arrives, theirs do not.
        await publish(watcher.client, watcher.destination, 'outside');
        expect((await waitMessages(watcher.client, 1)).map((m) => m.text)).toEqual(['outside']);

        client.send('COMMIT', { transaction: 'tx', receipt: 'r-commit' });
        await receiptFor(client, 'r-commit');
        expect((await waitMessages(watcher.client, 3)).map((m) => m.text)).toEqual(['outside', 'tx-1', 'tx-2']);
        // The MESSAGEs do not carry the transaction header.
        expect(messagesOf(watcher.client)[1]!.headers.transaction).toBeUndefined();

        // A committed transaction is over: its name can begin again, and naming it meanwhile is an error.
        client.send('BEGIN', { transaction: 'tx', receipt: 'r-again' });
        await receiptFor(client, 'r-again');
      } finally {
        await closeAll(watcher, client);
      }
    });

    it('drops SENDs of a transaction on ABORT', async () => {
      const watcher = await Watcher.start(url());
      const client = await RawStompClient.connect(url());
      try {
        client.send('BEGIN', { transaction: 'tx-a' });
        client.send('SEND', { destination: watcher.destination, transaction: 'tx-a', 'content-type': 'text/plain' }, 'never');
        client.send('ABORT', { transaction: 'tx-a', receipt: 'r-abort' });
        await receiptFor(client, 'r-abort');
        await watcher.stillWorks();
        // The aborted transaction is gone: committing it now is an error.
        client.send('COMMIT', { transaction: 'tx-a', receipt: 'r-commit' });
        await expectRefusal(client, { message: "COMMIT names transaction 'tx-a', which was not begun", receiptId: 'r-commit' });
        expect(messagesOf(watcher.client)).toHaveLength(1);
      } finally {
        await closeAll(watcher, client);
      }
    });

    it('drops an open transaction when the session ends', async () => {
      const watcher = await Watcher.start(url());
      const client = await RawStompClient.connect(url());
      try {
        client.send('BEGIN', { transaction: 'tx-d' });
        client.send('SEND', { destination: watcher.destination, transaction: 'tx-d', 'content-type': 'text/plain' }, 'never');
        await client.disconnect();
        await watcher.stillWorks();
      } finally {
        await closeAll(watcher, client);
      }
    });

    it('keeps transactions per session: another session cannot commit it', async () => {
      const watcher = await Watcher.start(url());
      const owner = await RawStompClient.connect(url());
      const stranger = await RawStompClient.connect(url());
      try {
        owner.send('BEGIN', { transaction: 'shared-name', receipt: 'r-begin' });
        owner.send('SEND', { destination: watcher.destination, transaction: 'shared-name', 'content-type': 'text/plain', receipt: 'r-send' }, 'owned');
        await receiptFor(owner, 'r-send');
        stranger.send('COMMIT', { transaction: 'shared-name', receipt: 'r-steal' });
        await expectRefusal(stranger, { message: "COMMIT names transaction 'shared-name', which was not begun", receiptId: 'r-steal' });
        await watcher.stillWorks();

        owner.send('COMMIT', { transaction: 'shared-name', receipt: 'r-commit' });
        await receiptFor(owner, 'r-commit');
        expect((await waitMessages(watcher.client, 2)).map((m) => m.text)[1]).toBe('owned');
      } finally {
        await closeAll(watcher, owner, stranger);
      }
    });

    it('refuses BEGIN of a transaction that has already begun', async () => {
      const client = await RawStompClient.connect(url());
      try {
        client.send('BEGIN', { transaction: 'twice' });
        client.send('BEGIN', { transaction: 'twice', receipt: 'r-twice' });
        await expectRefusal(client, { message: "Transaction 'twice' has already begun", receiptId: 'r-twice' });
      } finally {
        await closeAll(client);
      }
    });

    // A SEND in a transaction is checked when it arrives, so a COMMIT never fails halfway: the
    // undeliverable SEND is refused at once and nothing of the transaction is delivered.
    it('applies nothing of a transaction whose COMMIT is refused', async () => {
      const watcher = await Watcher.start(url());
      const client = await RawStompClient.connect(url());
      try {
        client.send('BEGIN', { transaction: 'tx-p' });
        client.send('SEND', { destination: watcher.destination, transaction: 'tx-p', 'content-type': 'text/plain' }, 'first');
        client.send('SEND', { destination: '/nowhere', transaction: 'tx-p', 'content-type': 'text/plain' }, 'bad');
        client.send('SEND', { destination: watcher.destination, transaction: 'tx-p', 'content-type': 'text/plain' }, 'third');
        client.send('COMMIT', { transaction: 'tx-p', receipt: 'r-commit' });
        await client.until(() => client.closed !== undefined || client.frames.some((f) => f.headers['receipt-id'] === 'r-commit'), 'the COMMIT answer');
        const error = await client.nextFrame('ERROR');
        expect(error.headers.message).toBe(
          "SEND to '/nowhere': the destination matches no prefix (application prefixes: /app/; broker prefixes: /topic/, /queue/; user prefix: /user/)",
        );
        expect(client.frames.some((f) => f.headers['receipt-id'] === 'r-commit')).toBe(false);
        await watcher.stillWorks();
      } finally {
        await closeAll(watcher, client);
      }
    });

    it('delivers a committed SEND to /app/chat.send through the handler', async () => {
      const watcher = await Watcher.start(url(), '/topic/messages');
      const client = await RawStompClient.connect(url());
      try {
        const chatMessage = { sender: 'tx', content: unique('committed') };
        client.send('BEGIN', { transaction: 'tx-app' });
        client.send('SEND', { destination: '/app/chat.send', transaction: 'tx-app', 'content-type': 'application/json' }, JSON.stringify(chatMessage));
        client.send('COMMIT', { transaction: 'tx-app', receipt: 'r-commit' });
        await receiptFor(client, 'r-commit');
        const [message] = await waitMessages(watcher.client, 1);
        expect(JSON.parse(message!.text)).toEqual(chatMessage);
      } finally {
        await closeAll(watcher, client);
      }
    });
  });
});
