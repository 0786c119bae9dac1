import { StompProtocolError } from '../errors/stomp-protocol.error.js';
import type { StompEvents } from '../events/stomp-events.js';
import type { StompPrincipal } from '../interfaces/stomp-principal.interface.js';
import type { SessionOutlet } from '../interfaces/stomp-session.interface.js';
import type { OutgoingFrame } from '../protocol/frame-encoder.js';
import { negotiateHeartBeat, parseHeartBeat, type HeartBeat, type NegotiatedHeartBeat } from '../protocol/heart-beat.js';
import type { StompHeaders } from '../protocol/stomp-frame.js';
import { negotiateVersion, SUPPORTED_VERSIONS, type StompVersion } from '../protocol/stomp-version.js';
import type { SessionSettings } from './session-settings.js';
import type { StompFrameRouter } from './stomp-frame-router.js';

/** What CONNECT and the server agreed on: the session runs by it once CONNECTED is sent. */
export interface ConnectAgreement {
  readonly version: StompVersion;
  readonly heartBeat: NegotiatedHeartBeat;
}

export type HandshakeSettings = Pick<SessionSettings, 'authenticate' | 'heartbeat' | 'heartbeatGraceFactor' | 'connectTimeout'>;

/**
 * The opening of one session: CONNECT (or STOMP) within the connect timeout, the version both
 * speak, the client's heart-beat header, the authenticator (which may set the principal, unless
 * an inbound interceptor already did), then the router's consent (a relay opens the session's
 * broker connection). Any refusal throws (or rejects) a StompProtocolError; the session answers it
 * with an ERROR. The session sends CONNECTED itself, with {@link connectedFrame}.
 */
export class ConnectHandshake {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: HandshakeSettings,
    private readonly router: Pick<StompFrameRouter, 'connect'>,
    private readonly events: Pick<StompEvents, 'emit'>,
    /** No CONNECT came in time: the session ends with this error. */
    onTimeout: (error: StompProtocolError) => void,
  ) {
    this.timer = setTimeout(
      () => onTimeout(new StompProtocolError('STOMP_ERR_NOT_CONNECTED', `No CONNECT frame within ${settings.connectTimeout} ms of opening the connection`)),
      settings.connectTimeout,
    ).unref();
  }

  /** CONNECTED was sent, or the session ended: the connect timeout no longer applies. */
  stopTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Runs a CONNECT (or STOMP) frame's `headers` through the handshake. Gives what was agreed, or
   * `undefined` when the session closed while an authenticator or the router was thinking.
   */
  accept(session: SessionOutlet, headers: StompHeaders): ConnectAgreement | undefined | Promise<ConnectAgreement | undefined> {
    if (session.isConnected) {
      throw new StompProtocolError('STOMP_ERR_ALREADY_CONNECTED', 'Session already exists: a connection takes one CONNECT frame');
    }
    const version = negotiateVersion(headers['accept-version']);
    if (!version) {
      throw new StompProtocolError(
        'STOMP_ERR_UNSUPPORTED_VERSION',
        `Supported protocol versions are ${SUPPORTED_VERSIONS.join(', ')}; the client accepts '${headers['accept-version']}'`,
      );
    }
    const clientHeartBeat = parseHeartBeat(headers['heart-beat']);
    this.events.emit({ type: 'connect', session, headers });
    const authenticate = this.settings.authenticate;
    if (session.principal || !authenticate) return this.join(session, version, clientHeartBeat, headers);
    let principal: StompPrincipal | undefined | Promise<StompPrincipal | undefined>;
    try {
      principal = authenticate({
        headers,
        login: headers.login,
        passcode: headers.passcode,
        handshake: session.handshake,
        sessionId: session.id,
      });
    } catch (error) {
      throw StompProtocolError.refused('CONNECT', error);
    }
    const complete = (resolved: StompPrincipal | undefined) => {
      session.principal = resolved;
      return this.join(session, version, clientHeartBeat, headers);
    };
    if (!(principal instanceof Promise)) return complete(principal);
    return principal.then(complete, (error: unknown) => {
      throw StompProtocolError.refused('CONNECT', error);
    });
  }

  /** The CONNECTED frame for `session` under `agreement`. */
  connectedFrame(session: SessionOutlet, agreement: ConnectAgreement): OutgoingFrame {
    const [sx, sy] = this.settings.heartbeat;
    const headers: Record<string, string> = { version: agreement.version, 'heart-beat': `${sx},${sy}`, session: session.id, server: 'nest-stomp' };
    if (session.principal) headers['user-name'] = session.principal.name;
    return { command: 'CONNECTED', headers };
  }

  /** Lets the router (the broker) take the session on. */
  private join(
    session: SessionOutlet,
    version: StompVersion,
    clientHeartBeat: HeartBeat,
    headers: StompHeaders,
  ): ConnectAgreement | undefined | Promise<ConnectAgreement | undefined> {
    // The connection may have gone (or timed out) while an authenticator was thinking.
    if (session.isClosed) return undefined;
    let joined: void | Promise<void>;
    try {
      joined = this.router.connect(session, headers);
    } catch (error) {
      throw StompProtocolError.refused('CONNECT', error);
    }
    const agreement = () => ({ version, heartBeat: negotiateHeartBeat(clientHeartBeat, this.settings.heartbeat, this.settings.heartbeatGraceFactor) });
    if (!(joined instanceof Promise)) return agreement();
    return joined.then(agreement, (error: unknown) => {
      throw StompProtocolError.refused('CONNECT', error);
    });
  }
}
