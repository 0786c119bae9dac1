import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import { createHeaders, type StompFrame } from '../protocol/stomp-frame.js';
import { STOMP_DEFAULTS } from '../stomp.options.js';
import { HELD_FRAME_OVERHEAD, SessionTransactions } from './session-transactions.js';
import { protocolErrorOf } from '../errors/protocol-error.testing.js';

const MAX_OPEN_TRANSACTIONS = STOMP_DEFAULTS.maxTransactionsPerSession;
const MAX_FRAMES_PER_TRANSACTION = STOMP_DEFAULTS.maxFramesPerTransaction;
/** The count limits in force by default, and no byte budget in the way of them. */
const LIMITS = { maxTransactionsPerSession: MAX_OPEN_TRANSACTIONS, maxFramesPerTransaction: MAX_FRAMES_PER_TRANSACTION, maxTransactionBytes: Number.MAX_SAFE_INTEGER };
/** A transaction budget of `maxTransactionBytes`, the count limits as by default. */
const withBytes = (maxTransactionBytes: number) => ({ ...LIMITS, maxTransactionBytes });

function frame(command: string, body = '', transaction = 'tx'): StompFrame {
  const headers = createHeaders();
  headers.transaction = transaction;
  return { command, headers, body: Buffer.from(body) };
}

function expectProtocolError(action: () => unknown, code: StompProtocolError['code'], message: string): void {
  const error = protocolErrorOf(action);
  expect(error.code).toBe(code);
  expect(error.message).toBe(message);
}

describe('SessionTransactions', () => {
  it('has the documented bounds', () => {
    expect(MAX_OPEN_TRANSACTIONS).toBe(16);
    expect(MAX_FRAMES_PER_TRANSACTION).toBe(1000);
  });

  it('holds the limits it is given', () => {
    const transactions = new SessionTransactions({ ...LIMITS, maxTransactionsPerSession: 1, maxFramesPerTransaction: 2 });
    transactions.begin('a');
    expectProtocolError(() => transactions.begin('b'), 'STOMP_ERR_LIMIT', 'Too many open transactions: a session may have at most 1 (option maxTransactionsPerSession)');
    transactions.hold('a', frame('SEND'));
    transactions.hold('a', frame('SEND'));
    expectProtocolError(() => transactions.hold('a', frame('SEND')), 'STOMP_ERR_LIMIT', "Transaction 'a' holds its limit of 2 frames (option maxFramesPerTransaction): COMMIT it first");
  });

  describe('begin', () => {
    it('opens a transaction that then holds frames', () => {
      const transactions = new SessionTransactions(LIMITS);
      transactions.begin('tx');
      expect(() => transactions.checkHold('tx', 'SEND')).not.toThrow();
      expect(transactions.commit('tx')).toEqual([]);
    });

    it('refuses a transaction that is already open', () => {
      const transactions = new SessionTransactions(LIMITS);
      transactions.begin('tx');
      expectProtocolError(() => transactions.begin('tx'), 'STOMP_ERR_DUPLICATE_TRANSACTION', "Transaction 'tx' has already begun");
    });

    it('reports a duplicate before the limit when both apply', () => {
      const transactions = new SessionTransactions(LIMITS);
      for (let i = 0; i < MAX_OPEN_TRANSACTIONS; i++) transactions.begin(`tx-${i}`);
      expect(protocolErrorOf(() => transactions.begin('tx-0')).code).toBe('STOMP_ERR_DUPLICATE_TRANSACTION');
    });

    it('allows 16 open transactions and refuses the 17th', () => {
      const transactions = new SessionTransactions(LIMITS);
      for (let i = 0; i < MAX_OPEN_TRANSACTIONS; i++) {
        expect(() => transactions.begin(`tx-${i}`)).not.toThrow();
      }
      expectProtocolError(
        () => transactions.begin('one-too-many'),
        'STOMP_ERR_LIMIT',
        'Too many open transactions: a session may have at most 16 (option maxTransactionsPerSession)',
      );
      // The refused one was not opened.
      expect(protocolErrorOf(() => transactions.commit('one-too-many')).code).toBe('STOMP_ERR_UNKNOWN_TRANSACTION');
    });

    it('makes room again once a transaction is committed or aborted', () => {
      const transactions = new SessionTransactions(LIMITS);
      for (let i = 0; i < MAX_OPEN_TRANSACTIONS; i++) transactions.begin(`tx-${i}`);
      transactions.commit('tx-0');
      expect(() => transactions.begin('after-commit')).not.toThrow();
      expect(protocolErrorOf(() => transactions.begin('refused')).code).toBe('STOMP_ERR_LIMIT');
      transactions.abort('tx-1');
      expect(() => transactions.begin('after-abort')).not.toThrow();
    });
  });

  describe('hold and commit', () => {
    it('returns the held frames in arrival order, the very same frames', () => {
      const transactions = new SessionTransactions(LIMITS);
      transactions.begin('tx');
      const held = [frame('SEND', 'one'), frame('ACK'), frame('SEND', 'two'), frame('NACK'), frame('SEND', 'three')];
      for (const f of held) transactions.hold('tx', f);
      const committed = transactions.commit('tx');
      expect(committed).toHaveLength(held.length);
      committed.forEach((f, i) => expect(f).toBe(held[i]));
    });

    it('keeps the frames of different transactions apart', () => {
      const transactions = new SessionTransactions(LIMITS);
      transactions.begin('a');
      transactions.begin('b');
      const a1 = frame('SEND', 'a1', 'a');
      const b1 = frame('SEND', 'b1', 'b');
      const a2 = frame('SEND', 'a2', 'a');
      transactions.hold('a', a1);
      transactions.hold('b', b1);
      transactions.hold('a', a2);
      expect(transactions.commit('b')).toEqual([b1]);
      expect(transactions.commit('a')).toEqual([a1, a2]);
    });

    it('ends the transaction: a second commit names an unknown one', () => {
      const transactions = new SessionTransactions(LIMITS);
      transactions.begin('tx');
      transactions.hold('tx', frame('SEND'));
      transactions.commit('tx');
      expectProtocolError(
        () => transactions.commit('tx'),
        'STOMP_ERR_UNKNOWN_TRANSACTION',
        "COMMIT names transaction 'tx', which was not begun",
      );
      expect(protocolErrorOf(() => transactions.hold('tx', frame('SEND'))).code).toBe('STOMP_ERR_UNKNOWN_TRANSACTION');
    });

    it('lets the same name begin afresh after a commit, with nothing held', () => {
      const transactions = new SessionTransactions(LIMITS);
      transactions.begin('tx');
      transactions.hold('tx', frame('SEND', 'old'));
      transactions.commit('tx');
      transactions.begin('tx');
      expect(transactions.commit('tx')).toEqual([]);
    });

    it('checkHold holds nothing', () => {
      const transactions = new SessionTransactions(LIMITS);
      transactions.begin('tx');
      transactions.checkHold('tx', 'SEND');
      transactions.checkHold('tx', 'ACK');
      expect(transactions.commit('tx')).toEqual([]);
    });

    it(`holds ${MAX_FRAMES_PER_TRANSACTION} frames and refuses the next, which checkHold refuses the same way`, () => {
      const transactions = new SessionTransactions(LIMITS);
      transactions.begin('tx');
      const held: StompFrame[] = [];
      for (let i = 0; i < MAX_FRAMES_PER_TRANSACTION; i++) {
        const f = frame('SEND', String(i));
        held.push(f);
        transactions.hold('tx', f);
      }
      const message = "Transaction 'tx' holds its limit of 1000 frames (option maxFramesPerTransaction): COMMIT it first";
      expectProtocolError(() => transactions.checkHold('tx', 'SEND'), 'STOMP_ERR_LIMIT', message);
      expectProtocolError(() => transactions.checkHold('tx', 'ACK'), 'STOMP_ERR_LIMIT', message);
      expectProtocolError(() => transactions.hold('tx', frame('SEND', 'too many')), 'STOMP_ERR_LIMIT', message);
      expectProtocolError(() => transactions.hold('tx', frame('NACK')), 'STOMP_ERR_LIMIT', message);
      // The refused frames were not held; the others are intact.
      const committed = transactions.commit('tx');
      expect(committed).toHaveLength(MAX_FRAMES_PER_TRANSACTION);
      expect(committed).toEqual(held);
    });

    it('does not refuse a frame one short of the limit', () => {
      const transactions = new SessionTransactions(LIMITS);
      transactions.begin('tx');
      for (let i = 0; i < MAX_FRAMES_PER_TRANSACTION - 1; i++) transactions.hold('tx', frame('SEND'));
      expect(() => transactions.checkHold('tx', 'SEND')).not.toThrow();
      expect(() => transactions.hold('tx', frame('SEND'))).not.toThrow();
      expect(protocolErrorOf(() => transactions.checkHold('tx', 'SEND')).code).toBe('STOMP_ERR_LIMIT');
    });
  });

  describe('abort', () => {
    it('drops the held frames and ends the transaction', () => {
      const transactions = new SessionTransactions(LIMITS);
      transactions.begin('tx');
      transactions.hold('tx', frame('SEND', 'dropped'));
      transactions.hold('tx', frame('ACK'));
      transactions.abort('tx');
      expectProtocolError(() => transactions.commit('tx'), 'STOMP_ERR_UNKNOWN_TRANSACTION', "COMMIT names transaction 'tx', which was not begun");
      expectProtocolError(() => transactions.abort('tx'), 'STOMP_ERR_UNKNOWN_TRANSACTION', "ABORT names transaction 'tx', which was not begun");
      // Begun again, it holds none of the aborted frames.
      transactions.begin('tx');
      expect(transactions.commit('tx')).toEqual([]);
    });

    it('leaves the other transactions alone', () => {
      const transactions = new SessionTransactions(LIMITS);
      transactions.begin('a');
      transactions.begin('b');
      const kept = frame('SEND', 'kept', 'b');
      transactions.hold('a', frame('SEND', 'dropped', 'a'));
      transactions.hold('b', kept);
      transactions.abort('a');
      expect(transactions.commit('b')).toEqual([kept]);
    });

    it('aborts a transaction that holds its limit of frames (the limit is on holding, not on ending)', () => {
      const transactions = new SessionTransactions(LIMITS);
      transactions.begin('tx');
      for (let i = 0; i < MAX_FRAMES_PER_TRANSACTION; i++) transactions.hold('tx', frame('SEND'));
      transactions.abort('tx');
      expectProtocolError(() => transactions.abort('tx'), 'STOMP_ERR_UNKNOWN_TRANSACTION', "ABORT names transaction 'tx', which was not begun");
    });
  });

  describe('unknown transactions', () => {
    it.each([
      ['hold (SEND)', (t: SessionTransactions) => t.hold('nope', frame('SEND', '', 'nope')), "SEND names transaction 'nope', which was not begun"],
      ['hold (ACK)', (t: SessionTransactions) => t.hold('nope', frame('ACK', '', 'nope')), "ACK names transaction 'nope', which was not begun"],
      ['checkHold (SEND)', (t: SessionTransactions) => t.checkHold('nope', 'SEND'), "SEND names transaction 'nope', which was not begun"],
      ['checkHold (NACK)', (t: SessionTransactions) => t.checkHold('nope', 'NACK'), "NACK names transaction 'nope', which was not begun"],
      ['commit', (t: SessionTransactions) => t.commit('nope'), "COMMIT names transaction 'nope', which was not begun"],
      ['abort', (t: SessionTransactions) => t.abort('nope'), "ABORT names transaction 'nope', which was not begun"],
    ])('%s refuses one that was not begun', (_name, action, message) => {
      const transactions = new SessionTransactions(LIMITS);
      transactions.begin('other');
      expectProtocolError(() => action(transactions), 'STOMP_ERR_UNKNOWN_TRANSACTION', message);
    });

    it('quotes a long transaction name cut to 80 characters', () => {
      const transactions = new SessionTransactions(LIMITS);
      const name = 'x'.repeat(200);
      expectProtocolError(
        () => transactions.commit(name),
        'STOMP_ERR_UNKNOWN_TRANSACTION',
        `COMMIT names transaction '${'x'.repeat(80)}...', which was not begun`,
      );
    });
  });

  describe('clear', () => {
    it('forgets every open transaction and its frames', () => {
      const transactions = new SessionTransactions(LIMITS);
      for (let i = 0; i < MAX_OPEN_TRANSACTIONS; i++) {
        transactions.begin(`tx-${i}`);
        transactions.hold(`tx-${i}`, frame('SEND', String(i), `tx-${i}`));
      }
      transactions.clear();
      for (let i = 0; i < MAX_OPEN_TRANSACTIONS; i++) {
        expect(protocolErrorOf(() => transactions.commit(`tx-${i}`)).code).toBe('STOMP_ERR_UNKNOWN_TRANSACTION');
        expect(protocolErrorOf(() => transactions.checkHold(`tx-${i}`, 'SEND')).code).toBe('STOMP_ERR_UNKNOWN_TRANSACTION');
      }
      // The limit counts from zero again, and old names begin afresh with nothing held.
      for (let i = 0; i < MAX_OPEN_TRANSACTIONS; i++) transactions.begin(`tx-${i}`);
      expect(transactions.commit('tx-3')).toEqual([]);
    });
  });
});

describe('SessionTransactions: the byte budget of all open transactions together', () => {
  const cost = (body: string) => body.length + HELD_FRAME_OVERHEAD;

  it('holds frames up to the budget, across transactions, and refuses the one that would pass it, naming the option', () => {
    const body = 'x'.repeat(744);
    const transactions = new SessionTransactions(withBytes(3 * cost(body)));
    transactions.begin('a');
    transactions.begin('b');
    transactions.hold('a', frame('SEND', body, 'a'));
    transactions.hold('b', frame('SEND', body, 'b'));
    transactions.hold('a', frame('SEND', body, 'a'));
    expectProtocolError(
      () => transactions.hold('b', frame('SEND', 'y', 'b')),
      'STOMP_ERR_LIMIT',
      `Transactions would hold more than ${3 * cost(body)} bytes (option maxTransactionBytes): COMMIT or ABORT first`,
    );
    // The refused frame was not kept.
    expect(transactions.commit('b').map((f) => f.body.toString())).toEqual([body]);
  });

  it('gives the bytes of a committed or aborted transaction back', () => {
    const transactions = new SessionTransactions(withBytes(2 * cost('abc')));
    transactions.begin('a');
    transactions.hold('a', frame('SEND', 'abc', 'a'));
    transactions.hold('a', frame('SEND', 'abc', 'a'));
    transactions.commit('a');
    transactions.begin('b');
    transactions.hold('b', frame('SEND', 'abc', 'b'));
    transactions.hold('b', frame('SEND', 'abc', 'b'));
    transactions.abort('b');
    transactions.begin('c');
    expect(() => transactions.hold('c', frame('SEND', 'abc', 'c'))).not.toThrow();
    expect(() => transactions.hold('c', frame('SEND', 'abc', 'c'))).not.toThrow();
    expect(() => transactions.hold('c', frame('SEND', 'abc', 'c'))).toThrow(StompProtocolError);
  });

  it('counts a frame with an empty body at its overhead, so a budget also bounds the number of frames', () => {
    const transactions = new SessionTransactions(withBytes(10 * HELD_FRAME_OVERHEAD));
    transactions.begin('a');
    for (let i = 0; i < 10; i++) transactions.hold('a', frame('ACK', '', 'a'));
    expect(() => transactions.hold('a', frame('ACK', '', 'a'))).toThrow('option maxTransactionBytes');
  });
});
