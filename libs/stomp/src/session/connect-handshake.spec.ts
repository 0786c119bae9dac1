import { jest } from '@jest/globals';
import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import type { StompEvent } from '../events/stomp-event.js';
import type { StompAuthenticator, StompConnectRequest, StompPrincipal } from '../interfaces/stomp-principal.interface.js';
import type { SessionOutlet } from '../interfaces/stomp-session.interface.js';
import type { StompHeaders } from '../protocol/stomp-frame.js';
import { ConnectHandshake, type ConnectAgreement, type HandshakeSettings } from './connect-handshake.js';
import { protocolErrorOf } from '../errors/protocol-error.testing.js';

/** The few members of a session the handshake reads and writes. */
function fakeSession(overrides: Partial<{ isConnected: boolean; isClosed: boolean; principal: StompPrincipal }> = {}): SessionOutlet {
  return {
    id: 'session-1',
    principal: overrides.principal,
    isConnected: overrides.isConnected ?? false,
    isClosed: overrides.isClosed ?? false,
    handshake: { headers: { host: 'example.test' }, url: '/ws', remoteAddress: '10.0.0.1' },
  } as unknown as SessionOutlet;
}

describe('ConnectHandshake', () => {
  const events: StompEvent[] = [];
  const joined: StompHeaders[] = [];
  let join: (session: SessionOutlet, headers: StompHeaders) => void | Promise<void>;
  let timeouts: StompProtocolError[];
  let handshakes: ConnectHandshake[];

  function handshake(settings: Partial<HandshakeSettings> = {}): ConnectHandshake {
    const made = new ConnectHandshake(
      { authenticate: undefined, heartbeat: [10_000, 10_000], heartbeatGraceFactor: 1.5, connectTimeout: 5000, ...settings },
      { connect: (session, headers) => join(session, headers) },
      { emit: (event) => events.push(event) },
      (error) => timeouts.push(error),
    );
    handshakes.push(made);
    return made;
  }

  beforeEach(() => {
    events.length = 0;
    joined.length = 0;
    join = (_session, headers) => void joined.push(headers);
    timeouts = [];
    handshakes = [];
  });

  afterEach(() => {
    for (const h of handshakes) h.stopTimer();
    jest.useRealTimers();
  });

  it('agrees on the highest common version and the heart-beats, after the connect event and the router', () => {
    const session = fakeSession();
    const headers = { 'accept-version': '1.0,1.1', 'heart-beat': '4000,20000' };
    const agreement = handshake().accept(session, headers);
    expect(agreement).toEqual({ version: '1.1', heartBeat: { sendInterval: 20_000, receiveTimeout: 15_000 } });
    expect(events).toEqual([{ type: 'connect', session, headers }]);
    expect(joined).toEqual([headers]);
  });

  it('takes a CONNECT without accept-version as STOMP 1.0, and without heart-beat as none', () => {
    expect(handshake().accept(fakeSession(), {})).toEqual({ version: '1.0', heartBeat: { sendInterval: 0, receiveTimeout: 0 } });
  });

  it('refuses a second CONNECT', () => {
    const error = protocolErrorOf(() => handshake().accept(fakeSession({ isConnected: true }), { 'accept-version': '1.2' }));
    expect([error.code, error.message]).toEqual(['STOMP_ERR_ALREADY_CONNECTED', 'Session already exists: a connection takes one CONNECT frame']);
  });

  it('refuses a client with no version in common, before any event', () => {
    const error = protocolErrorOf(() => handshake().accept(fakeSession(), { 'accept-version': '2.0,3.0' }));
    expect([error.code, error.message]).toEqual([
      'STOMP_ERR_UNSUPPORTED_VERSION',
      "Supported protocol versions are 1.2, 1.1, 1.0; the client accepts '2.0,3.0'",
    ]);
    expect(events).toEqual([]);
  });

  it('refuses a malformed heart-beat header', () => {
    expect(protocolErrorOf(() => handshake().accept(fakeSession(), { 'accept-version': '1.2', 'heart-beat': 'often' })).code).toBe('STOMP_ERR_BAD_HEART_BEAT');
  });

  describe('authentication', () => {
    it('hands the authenticator the credentials and the HTTP handshake, and keeps the principal it gives', () => {
      const requests: StompConnectRequest[] = [];
      const authenticate: StompAuthenticator = (request) => {
        requests.push(request);
        return { name: 'alice' };
      };
      const session = fakeSession();
      handshake({ authenticate }).accept(session, { 'accept-version': '1.2', login: 'alice', passcode: 'secret' });
      expect(requests).toEqual([
        {
          headers: { 'accept-version': '1.2', login: 'alice', passcode: 'secret' },
          login: 'alice',
          passcode: 'secret',
          handshake: session.handshake,
          sessionId: 'session-1',
        },
      ]);
      expect(session.principal).toEqual({ name: 'alice' });
    });

    it('waits for an asynchronous authenticator before the router', async () => {
      const session = fakeSession();
      const pending = handshake({ authenticate: async () => ({ name: 'bob' }) }).accept(session, { 'accept-version': '1.2' });
      expect(joined).toEqual([]);
      await expect(pending).resolves.toEqual({ version: '1.2', heartBeat: { sendInterval: 0, receiveTimeout: 0 } });
      expect(session.principal).toEqual({ name: 'bob' });
      expect(joined).toHaveLength(1);
    });

    it('is skipped when an interceptor already set the principal', () => {
      const authenticate = jest.fn<StompAuthenticator>();
      handshake({ authenticate }).accept(fakeSession({ principal: { name: 'carol' } }), { 'accept-version': '1.2' });
      expect(authenticate).not.toHaveBeenCalled();
    });

    it('refuses the CONNECT with what the authenticator threw or rejected with', async () => {
      const thrown = protocolErrorOf(() =>
        handshake({
          authenticate: () => {
            throw new Error('bad password');
          },
        }).accept(fakeSession(), { 'accept-version': '1.2' }),
      );
      expect([thrown.code, thrown.message]).toEqual(['STOMP_ERR_REFUSED', 'CONNECT refused: bad password']);
      const rejected = handshake({ authenticate: () => Promise.reject(new Error('account locked')) }).accept(fakeSession(), { 'accept-version': '1.2' });
      await expect(rejected).rejects.toThrow('CONNECT refused: account locked');
      expect(joined).toEqual([]);
    });

    it('gives up without the router when the session closed while the authenticator was thinking', async () => {
      const session = fakeSession();
      let resolve!: (principal: StompPrincipal) => void;
      const pending = handshake({ authenticate: () => new Promise<StompPrincipal>((r) => (resolve = r)) }).accept(session, { 'accept-version': '1.2' });
      (session as { isClosed: boolean }).isClosed = true;
      resolve({ name: 'dave' });
      await expect(pending).resolves.toBeUndefined();
      expect(joined).toEqual([]);
    });
  });

  it('refuses the CONNECT when the router throws or rejects', async () => {
    join = () => {
      throw new Error('broker says no');
    };
    expect(protocolErrorOf(() => handshake().accept(fakeSession(), { 'accept-version': '1.2' })).message).toBe('CONNECT refused: broker says no');
    join = () => Promise.reject(new Error('broker unreachable'));
    await expect(handshake().accept(fakeSession(), { 'accept-version': '1.2' })).rejects.toThrow('CONNECT refused: broker unreachable');
  });

  it('writes CONNECTED with the version, the server heart-beat, the session id and the user name', () => {
    const h = handshake();
    const agreement: ConnectAgreement = { version: '1.1', heartBeat: { sendInterval: 0, receiveTimeout: 0 } };
    expect(h.connectedFrame(fakeSession(), agreement)).toEqual({
      command: 'CONNECTED',
      headers: { version: '1.1', 'heart-beat': '10000,10000', session: 'session-1', server: 'nest-stomp' },
    });
    expect(h.connectedFrame(fakeSession({ principal: { name: 'erin' } }), agreement).headers).toHaveProperty('user-name', 'erin');
  });

  describe('connect timeout', () => {
    beforeEach(() => jest.useFakeTimers());

    it('reports a session that sent no CONNECT in time', () => {
      handshake({ connectTimeout: 5000 });
      jest.advanceTimersByTime(4999);
      expect(timeouts).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(timeouts.map((e) => [e.code, e.message])).toEqual([['STOMP_ERR_NOT_CONNECTED', 'No CONNECT frame within 5000 ms of opening the connection']]);
    });

    it('no longer applies once stopped', () => {
      handshake({ connectTimeout: 5000 }).stopTimer();
      jest.advanceTimersByTime(10_000);
      expect(timeouts).toEqual([]);
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});
