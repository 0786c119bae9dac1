import { connect } from 'node:net';

/**
 * Where scenario (e) finds RabbitMQ: its STOMP port (for the relay) and its Web-STOMP endpoint (for
 * clients talking to RabbitMQ directly), and the login of both. The orchestrator and the relay
 * server read them from the same BENCH_RABBITMQ_* variables (the server inherits the environment).
 */
export interface RabbitMqSettings {
  readonly stompHost: string;
  readonly stompPort: number;
  readonly webStompUrl: string;
  readonly login: string;
  readonly passcode: string;
}

export function rabbitMqSettings(env: NodeJS.ProcessEnv): RabbitMqSettings {
  const [host, port] = (env.BENCH_RABBITMQ_STOMP || '127.0.0.1:61613').split(':');
  const stompPort = Number(port);
  if (!host || !Number.isInteger(stompPort) || stompPort <= 0) throw new Error(`BENCH_RABBITMQ_STOMP must be host:port, not '${env.BENCH_RABBITMQ_STOMP}'`);
  return {
    stompHost: host,
    stompPort,
    webStompUrl: env.BENCH_RABBITMQ_WEB_STOMP || 'ws://127.0.0.1:15674/ws',
    login: env.BENCH_RABBITMQ_LOGIN || 'guest',
    passcode: env.BENCH_RABBITMQ_PASSCODE || 'guest',
  };
}

const PROBE_TIMEOUT_MS = 5000;

/**
 * A STOMP CONNECT over plain TCP, as the relay's broker connections make it: resolves with the
 * broker's `server` header (e.g. `RabbitMQ/3.10.8`), rejects with why it cannot be used.
 */
export function probeStomp(settings: RabbitMqSettings): Promise<string> {
  const where = `${settings.stompHost}:${settings.stompPort}`;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: settings.stompHost, port: settings.stompPort });
    let received = '';
    const finish = (error: Error | undefined, server = '') => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(server);
    };
    const timer = setTimeout(() => finish(new Error(`no CONNECTED from STOMP at ${where} within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    socket.once('connect', () =>
      socket.write(`CONNECT\naccept-version:1.2\nlogin:${settings.login}\npasscode:${settings.passcode}\nheart-beat:0,0\n\n\0`),
    );
    socket.on('data', (data: Buffer) => {
      received += data.toString('utf8');
      const end = received.indexOf('\0');
      if (end === -1) return;
      const [command, ...headers] = received.slice(0, end).split('\n\n')[0]!.split('\n');
      const header = (name: string) => headers.find((line) => line.startsWith(`${name}:`))?.slice(name.length + 1);
      if (command === 'CONNECTED') finish(undefined, header('server') ?? 'unknown STOMP broker');
      else finish(new Error(`STOMP at ${where} answered ${command}: ${header('message') ?? ''}`.trim()));
    });
    socket.once('error', (error) => finish(new Error(`STOMP at ${where}: ${error.message}`)));
    socket.once('close', () => finish(new Error(`STOMP at ${where} closed the connection`)));
  });
}
