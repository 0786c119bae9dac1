import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { StompConfigurationError } from '../errors/stomp-configuration.error.js';
import { STOMP_SETTINGS } from '../interfaces/injection-tokens.js';
import type { TransportSettings } from '../transport/endpoint-settings.js';
import type { StompTestClientOptions } from './stomp-test-client.options.js';

/** What a test client connects to: a Nest application, or the URL of an endpoint. */
export type StompTestTarget = INestApplication | string;

interface HttpServerLike {
  readonly listening: boolean;
  address(): AddressInfo | string | null;
}

/** Applications this module started listening: two clients created at once listen only once. */
const listening = new WeakMap<object, Promise<void>>();

/**
 * The URL of the endpoint to connect to: `ws://` for a WebSocket, `http://` for SockJS. An
 * application that does not listen yet is made to listen on a free port of 127.0.0.1.
 */
export async function endpointUrl(target: StompTestTarget, options: StompTestClientOptions): Promise<string> {
  const scheme = options.transport === 'sockjs' ? 'http' : 'ws';
  if (typeof target === 'string') return target.replace(/^(ws|http)(s?):/, `${scheme}$2:`);
  const server = target.getHttpServer() as HttpServerLike;
  if (!server.listening) {
    if (!listening.has(server)) listening.set(server, target.listen(0, '127.0.0.1').then(() => undefined));
    await listening.get(server);
  }
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new StompConfigurationError(`The application listens on '${String(address)}', not on a TCP port: give the test client a URL`);
  }
  return `${scheme}://${hostOf(address)}:${address.port}${endpointPath(target, options)}`;
}

/** Where to reach a server listening on `address`: the loopback address when it listens on all of them. */
function hostOf({ address, family }: AddressInfo): string {
  if (address === '0.0.0.0' || address === '::') return '127.0.0.1';
  return family === 'IPv6' ? `[${address}]` : address;
}

function endpointPath(app: INestApplication, options: StompTestClientOptions): string {
  let settings: Pick<TransportSettings, 'endpoints'>;
  try {
    settings = app.get<Pick<TransportSettings, 'endpoints'>>(STOMP_SETTINGS, { strict: false });
  } catch (error) {
    throw new StompConfigurationError('The application has no StompModule: import StompModule.forRoot() in the module under test', { cause: error });
  }
  const paths = settings.endpoints.map((endpoint) => endpoint.path);
  const path = options.path ?? (paths.length === 1 ? paths[0] : undefined);
  if (path === undefined) {
    throw new StompConfigurationError(`The application has several STOMP endpoints (${paths.join(', ')}): choose one with the test client's 'path' option`);
  }
  const endpoint = settings.endpoints.find((candidate) => candidate.path === path);
  if (!endpoint) throw new StompConfigurationError(`The application has no STOMP endpoint at '${path}'; its endpoints are ${paths.join(', ')}`);
  if (options.transport === 'sockjs' && !endpoint.sockJs) {
    throw new StompConfigurationError(`The STOMP endpoint '${path}' does not serve SockJS: turn on its 'sockJs' option, or use the 'websocket' transport`);
  }
  return path;
}
