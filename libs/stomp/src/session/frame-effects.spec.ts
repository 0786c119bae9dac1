import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import type { StompEvent } from '../events/stomp-event.js';
import type { SessionOutlet } from '../interfaces/stomp-session.interface.js';
import type { StompFrame, StompHeaders } from '../protocol/stomp-frame.js';
import type { StompVersion } from '../protocol/stomp-version.js';
import { FrameEffects } from './frame-effects.js';
import type { StompFrameRouter } from './stomp-frame-router.js';
import { SubscriptionTable } from './subscription-table.js';
import { UnconfirmedSends } from './unconfirmed-sends.js';
import { STOMP_DEFAULTS } from '../stomp.options.js';
import { refusalOf } from '../errors/protocol-error.testing.js';

/** The default transaction counts, and no byte budget in their way. */
const TRANSACTION_LIMITS = {
  maxTransactionsPerSession: STOMP_DEFAULTS.maxTransactionsPerSession,
  maxFramesPerTransaction: STOMP_DEFAULTS.maxFramesPerTransaction,
  maxTransactionBytes: Number.MAX_SAFE_INTEGER,
};

function frame(command: string, headers: StompHeaders = {}, body = ''): StompFrame {
  return { command, headers, body: Buffer.from(body) };
}

/** A router that records what it is asked; destinations under /topic go to the broker, /app/slow answers later. */
class RecordingRouter implements StompFrameRouter {
  readonly calls: string[] = [];
  readonly pending: (() => void)[] = [];

  connect(): void {}
  acknowledge(_session: SessionOutlet, command: 'ACK' | 'NACK', headers: StompHeaders): void {
    this.calls.push(`${command} ${headers.id ?? headers['message-id']}`);
  }
  send(_session: SessionOutlet, destination: string, _headers: StompHeaders, body: Buffer): void | Promise<void> {
    this.calls.push(`send ${destination} ${body.toString()}`);
    if (destination.startsWith('/topic/')) return Promise.resolve();
    if (destination === '/app/slow') return new Promise<void>((resolve) => this.pending.push(resolve));
  }
  goesToBroker(destination: string): boolean {
    return destination.startsWith('/topic/');
  }
  checkSend(_session: SessionOutlet, destination: string): void {
    this.calls.push(`check ${destination}`);
    if (destination.startsWith('/nowhere')) throw new StompProtocolError('STOMP_ERR_UNKNOWN_DESTINATION', `no route to ${destination}`);
  }
  subscribe(_session: SessionOutlet, id: string, destination: string): void | Promise<void> {
    this.calls.push(`subscribe ${id} ${destination}`);
    if (destination === '/app/slow') return new Promise<void>((resolve) => this.pending.push(resolve));
  }
  unsubscribe(_session: SessionOutlet, id: string, destination: string): void {
    this.calls.push(`unsubscribe ${id} ${destination}`);
  }
  disconnected(): void {}
}

describe('FrameEffects', () => {
  let router: RecordingRouter;
  let events: StompEvent[];
  let table: SubscriptionTable;
  let unconfirmed: UnconfirmedSends;
  let session: { version: StompVersion; isClosed: boolean };
  let effects: FrameEffects;

  beforeEach(() => {
    router = new RecordingRouter();
    events = [];
    table = new SubscriptionTable(10);
    unconfirmed = new UnconfirmedSends({ maxCount: 2, maxBytes: 1000 }, () => undefined);
    session = { version: '1.2', isClosed: false };
    effects = new FrameEffects(session as unknown as SessionOutlet, router, { emit: (event) => events.push(event) }, table, unconfirmed, TRANSACTION_LIMITS);
  });

  describe('check', () => {
    it('refuses an unknown command, and a body on a command that takes none', () => {
      expect(refusalOf(() => effects.check(frame('PUBLISH')))).toEqual(['STOMP_ERR_UNKNOWN_COMMAND', "Unknown STOMP command 'PUBLISH'"]);
      expect(refusalOf(() => effects.check(frame('SUBSCRIBE', {}, 'x')))).toEqual(['STOMP_ERR_UNEXPECTED_BODY', 'SUBSCRIBE frame must not have a body']);
      expect(() => effects.check(frame('SEND', {}, 'x'))).not.toThrow();
      expect(() => effects.check(frame('CONNECT'))).not.toThrow();
    });
  });

  describe('SEND', () => {
    it('requires a destination', () => {
      expect(refusalOf(() => effects.apply(frame('SEND')))).toEqual(['STOMP_ERR_MISSING_HEADER', "SEND frame must have a 'destination' header"]);
    });

    it('pipelines a broker SEND nobody waits on, until the unconfirmed ones reach their bound', () => {
      expect(effects.apply(frame('SEND', { destination: '/topic/a' }, '1'))).toBeUndefined();
      expect(effects.apply(frame('SEND', { destination: '/topic/a' }, '2'))).toBeUndefined();
      // The third waits: two are unconfirmed, the bound.
      expect(effects.apply(frame('SEND', { destination: '/topic/a' }, '3'))).toBeInstanceOf(Promise);
      expect(router.calls).toEqual(['send /topic/a 1', 'send /topic/a 2', 'send /topic/a 3']);
    });

    it('waits on a broker SEND with a receipt, and on one for a handler', () => {
      expect(effects.apply(frame('SEND', { destination: '/topic/a', receipt: 'r' }))).toBeInstanceOf(Promise);
      expect(effects.apply(frame('SEND', { destination: '/app/slow' }))).toBeInstanceOf(Promise);
      expect(unconfirmed.settled()).toBeUndefined();
    });
  });

  describe('transactions', () => {
    it('holds SENDs and acknowledgements until COMMIT, then runs them in order', async () => {
      effects.apply(frame('BEGIN', { transaction: 'tx' }));
      effects.apply(frame('SEND', { destination: '/app/x', transaction: 'tx' }, 'first'));
      effects.apply(frame('ACK', { id: 'm-1', transaction: 'tx' }));
      effects.apply(frame('SEND', { destination: '/topic/y', transaction: 'tx' }, 'second'));
      expect(router.calls).toEqual(['check /app/x', 'check /topic/y']);
      await effects.apply(frame('COMMIT', { transaction: 'tx' }));
      expect(router.calls.slice(2)).toEqual(['send /app/x first', 'ACK m-1', 'send /topic/y second']);
    });

    it('refuses at once a transactional SEND the router could not deliver', () => {
      effects.apply(frame('BEGIN', { transaction: 'tx' }));
      expect(refusalOf(() => effects.apply(frame('SEND', { destination: '/nowhere', transaction: 'tx' })))).toEqual([
        'STOMP_ERR_UNKNOWN_DESTINATION',
        'no route to /nowhere',
      ]);
    });

    it('drops what ABORT ends, and what the session held when it ended', async () => {
      effects.apply(frame('BEGIN', { transaction: 'a' }));
      effects.apply(frame('SEND', { destination: '/app/x', transaction: 'a' }));
      effects.apply(frame('ABORT', { transaction: 'a' }));
      // COMMIT is asynchronous (it awaits each held frame): it rejects.
      await expect(effects.apply(frame('COMMIT', { transaction: 'a' }))).rejects.toMatchObject({ code: 'STOMP_ERR_UNKNOWN_TRANSACTION' });
      effects.apply(frame('BEGIN', { transaction: 'b' }));
      effects.clear();
      await expect(effects.apply(frame('COMMIT', { transaction: 'b' }))).rejects.toMatchObject({ code: 'STOMP_ERR_UNKNOWN_TRANSACTION' });
      expect(router.calls).toEqual(['check /app/x']);
    });

    it.each(['BEGIN', 'ABORT'])('requires a transaction header on %s', (command) => {
      expect(refusalOf(() => effects.apply(frame(command)))).toEqual(['STOMP_ERR_MISSING_HEADER', `${command} frame must have a 'transaction' header`]);
    });

    it('requires a transaction header on COMMIT', async () => {
      await expect(effects.apply(frame('COMMIT'))).rejects.toMatchObject({
        code: 'STOMP_ERR_MISSING_HEADER',
        message: "COMMIT frame must have a 'transaction' header",
      });
    });
  });

  describe('ACK and NACK', () => {
    it("require the message's id: 'id' in STOMP 1.2, 'message-id' before", () => {
      expect(refusalOf(() => effects.apply(frame('ACK', { 'message-id': 'm' })))).toEqual(['STOMP_ERR_MISSING_HEADER', "ACK frame must have a 'id' header"]);
      effects.apply(frame('NACK', { id: 'm-2' }));
      session.version = '1.1';
      effects.apply(frame('ACK', { 'message-id': 'm-3' }));
      expect(router.calls).toEqual(['NACK m-2', 'ACK m-3']);
    });
  });

  describe('SUBSCRIBE and UNSUBSCRIBE', () => {
    it('records a subscription and says so once the router took it', async () => {
      const pending = effects.apply(frame('SUBSCRIBE', { id: 's1', destination: '/app/slow' }));
      expect([...table.destinations]).toEqual([]);
      router.pending.shift()!();
      await pending;
      expect([...table.destinations]).toEqual([['s1', '/app/slow']]);
      expect(events.map((e) => e.type === 'subscribe' && [e.subscriptionId, e.destination])).toEqual([['s1', '/app/slow']]);
    });

    it('records nothing for a session that ended while the router was busy', async () => {
      const pending = effects.apply(frame('SUBSCRIBE', { id: 's1', destination: '/app/slow' }));
      session.isClosed = true;
      router.pending.shift()!();
      await pending;
      expect(table.destinations.size).toBe(0);
      expect(events).toEqual([]);
    });

    it('unsubscribes a known id once; an unknown one is harmless', () => {
      effects.apply(frame('SUBSCRIBE', { id: 's1', destination: '/topic/a' }));
      effects.apply(frame('UNSUBSCRIBE', { id: 's1' }));
      effects.apply(frame('UNSUBSCRIBE', { id: 's1' }));
      expect(router.calls).toEqual(['subscribe s1 /topic/a', 'unsubscribe s1 /topic/a']);
      expect(events.map((e) => e.type)).toEqual(['subscribe', 'unsubscribe']);
    });
  });

  it('lets DISCONNECT through without an effect of its own', () => {
    expect(effects.apply(frame('DISCONNECT', { receipt: 'bye' }))).toBeUndefined();
    expect(router.calls).toEqual([]);
  });
});
