import { Logger, Module, type LoggerService, type LogLevel } from '@nestjs/common';
import { StompModule, type StompModuleOptions } from 'nest-stomp';
import { startApp, type RunningApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { wsHandshake } from '../support/websockets.js';

/** Every line the app logs, with its level and context. */
class LogCollector implements LoggerService {
  readonly lines: { level: LogLevel; message: string; context: string | undefined }[] = [];
  private add(level: LogLevel, message: unknown, params: unknown[]): void {
    this.lines.push({ level, message: String(message), context: params.at(-1) as string | undefined });
  }
  log(message: unknown, ...params: unknown[]): void {
    this.add('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.add('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.add('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.add('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.add('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.add('fatal', message, params);
  }
  at(level: LogLevel): string[] {
    return this.lines.filter((line) => line.level === level).map((line) => line.message);
  }
}

function moduleWith(options: Partial<StompModuleOptions>): unknown {
  @Module({ imports: [StompModule.forRoot({ endpoint: { path: '/ws', sockJs: true }, ...options })] })
  class LoggingModule {}
  return LoggingModule;
}

/** Issue 14, item 6: routine client events at debug, floods and the shutdown summed up, the library's levels apart. */
describe('logging', () => {
  let server: RunningApp | undefined;
  let log: LogCollector;
  const clients: RawStompClient[] = [];

  async function start(options: Partial<StompModuleOptions> = {}): Promise<RunningApp> {
    log = new LogCollector();
    server = await startApp(moduleWith(options), (app) => app.useLogger(log));
    return server;
  }

  afterEach(async () => {
    for (const client of clients.splice(0)) client.terminate();
    await server?.close();
    server = undefined;
  });

  it('writes routine client events at debug: connect, a protocol error, disconnect, SockJS requests', async () => {
    const { wsUrl, httpUrl } = await start();
    const client = await RawStompClient.connect(`${wsUrl}/ws`);
    clients.push(client);
    client.write('BOGUS\n\n\0');
    const error = await client.nextFrame('ERROR');
    await client.waitClosed();
    expect((await fetch(`${httpUrl}/ws/info`)).status).toBe(200);

    const debug = log.at('debug');
    expect(debug.find((line) => / connected \(websocket from 127\.0\.0\.1\)$/.test(line))).toBeDefined();
    expect(debug).toContainEqual(expect.stringContaining(error.headers.message!));
    expect(debug.find((line) => / disconnected \(error\)$/.test(line))).toBeDefined();
    expect(debug.find((line) => line.startsWith('SockJS: GET /ws/info'))).toBeDefined();
    expect(log.at('verbose')).toEqual([]);
    expect(log.at('warn')).toEqual([]);
  });

  it('writes one line for a flood of refused handshakes, and the count of the rest', async () => {
    const { wsUrl } = await start({ maxConnectionsPerAddress: 2 });
    const opened = [await wsHandshake(`${wsUrl}/ws`), await wsHandshake(`${wsUrl}/ws`)];
    const refused = [];
    for (let i = 0; i < 20; i++) refused.push(await wsHandshake(`${wsUrl}/ws`));
    expect(refused.map(({ status }) => status)).toEqual(Array(20).fill(429));
    for (const { socket } of opened) socket?.terminate();

    expect(log.at('warn')).toEqual([
      '/ws: WebSocket handshake from 127.0.0.1 refused: Too many connections from 127.0.0.1: at most 2 (option maxConnectionsPerAddress) (more WebSocket handshakes refused are counted and reported every 60 s)',
    ]);
    // The rest is counted: the count comes at the end of the minute, or at shutdown.
    await server!.close();
    server = undefined;
    expect(log.at('warn')[1]).toBe('/ws: 19 more WebSocket handshakes refused in the last 60 s: 19 × maxConnectionsPerAddress');
  });

  it('warns once, then counts, when SockJS sends come for sessions this instance does not hold (a balancer without stickiness)', async () => {
    const { httpUrl } = await start();
    for (let i = 0; i < 5; i++) {
      const sent = await fetch(`${httpUrl}/ws/000/elsewhere${i}/xhr_send`, { method: 'POST', body: JSON.stringify(['SEND\n\n\0']) });
      expect(sent.status).toBe(404);
    }
    const warnings = log.at('warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^\/ws: SockJS send \/ws\/000\/elsewhere0\/xhr_send for a session this instance does not hold: answered 404/);
    expect(warnings[0]).toContain('hash on the session id in the URL');
    await server!.close();
    server = undefined;
    expect(log.at('warn')[1]).toBe('/ws: 4 more SockJS sends for unknown sessions in the last 60 s: 4 × unknown session');
  });

  it('sums up a burst of new sessions (a failover) in one line at log level, each session at debug', async () => {
    const { wsUrl } = await start();
    for (let i = 0; i < 12; i++) clients.push(await RawStompClient.connect(`${wsUrl}/ws`));
    expect(log.at('log').filter((line) => line.startsWith('Accepted'))).toEqual([]);
    // The count comes at the end of its 10 s interval, or at shutdown.
    await server!.close();
    server = undefined;
    expect(log.at('log').filter((line) => line.startsWith('Accepted'))).toEqual(['Accepted 12 sessions in the last 10 s (12 × websocket); 0 open']);
    expect(log.at('debug').filter((line) => / connected \(websocket from 127\.0\.0\.1\)$/.test(line))).toHaveLength(12);
  });

  it('writes nothing at log level for a few sessions: routine', async () => {
    const { wsUrl } = await start();
    for (let i = 0; i < 3; i++) clients.push(await RawStompClient.connect(`${wsUrl}/ws`));
    await server!.close();
    server = undefined;
    expect(log.at('log').filter((line) => line.startsWith('Accepted'))).toEqual([]);
  });

  it('sums up the shutdown in one line, each session at debug', async () => {
    const { wsUrl } = await start();
    for (let i = 0; i < 3; i++) clients.push(await RawStompClient.connect(`${wsUrl}/ws`));
    await server!.close();
    server = undefined;

    expect(log.at('log')).toContain('Shutting down: closing 3 sessions');
    expect(log.at('warn')).toEqual([]);
    expect(log.at('debug').filter((line) => line.endsWith(': Server is shutting down'))).toHaveLength(3);
  });

  it("keeps the library's levels apart with logLevels; the application's lines still come", async () => {
    const { wsUrl } = await start({ logLevels: ['error', 'warn'], maxConnectionsPerAddress: 1 });
    const client = await RawStompClient.connect(`${wsUrl}/ws`);
    clients.push(client);
    const refused = await wsHandshake(`${wsUrl}/ws`);
    expect(refused.status).toBe(429);
    new Logger('ChatApp').log('the application speaks');
    new Logger('ChatApp').debug('the application debugs');

    const library = log.lines.filter(({ context }) => context?.startsWith('Stomp'));
    expect(library.map(({ level }) => level)).toEqual(['warn']);
    expect(library[0]!.message).toContain('refused: Too many connections from 127.0.0.1');
    expect(log.lines.filter(({ context }) => context === 'ChatApp').map(({ message }) => message)).toEqual(['the application speaks', 'the application debugs']);
  });
});
