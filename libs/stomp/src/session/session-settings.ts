import type { StompAuthenticator } from '../interfaces/stomp-principal.interface.js';
import type { StompChannelInterceptor } from './stomp-channel-interceptor.js';

/** What a session reads of the module's options (see StompModuleOptions for each one's meaning). */
export interface SessionSettings {
  readonly maxFrameSize: number;
  readonly maxHeaders: number;
  readonly maxHeaderLineLength: number;
  readonly heartbeat: readonly [number, number];
  readonly heartbeatGraceFactor: number;
  readonly connectTimeout: number;
  readonly authenticate: StompAuthenticator | undefined;
  readonly interceptors: readonly StompChannelInterceptor[];
  readonly maxSubscriptionsPerSession: number;
  readonly maxFramesPerSecond: number;
  readonly sendBufferSizeLimit: number;
  readonly sendTimeLimit: number;
  readonly maxTransactionBytes: number;
  readonly incompleteFrameTimeout: number;
  readonly minFrameDataRate: number;
  readonly maxTransactionsPerSession: number;
  readonly maxFramesPerTransaction: number;
  readonly maxUnconfirmedSends: number;
  /** Derived from `maxFrameSize` by the options resolver: bytes of frames waiting behind a slow one. */
  readonly maxQueuedInboundBytes: number;
  /** Derived from `maxFrameSize` by the options resolver: bytes of pipelined SENDs awaiting the broker. */
  readonly maxUnconfirmedSendBytes: number;
}

/** What the acceptor reads on top: the connection limits. */
export interface AcceptorSettings extends SessionSettings {
  readonly maxConnections: number;
  /** `Infinity`: no per-address limit. */
  readonly maxConnectionsPerAddress: number;
}
