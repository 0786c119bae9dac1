import { Module, type LoggerService } from '@nestjs/common';
import { register, Registry } from 'prom-client';
import { StompModule, StompStats, type StompModuleOptions } from 'nest-stomp';
import { startApp, type RunningApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';
import { SockJsWebSocket } from '../support/sockjs-websocket.js';
import { wsHandshake } from '../support/websockets.js';

function moduleWith(options: Partial<StompModuleOptions>): unknown {
  @Module({ imports: [StompModule.forRoot({ endpoint: '/ws', ...options })] })
  class MetricsOptionsModule {}
  return MetricsOptionsModule;
}

describe('metrics and statsLogInterval options', () => {
  const running: RunningApp[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((app) => app.close()));
  });

  it('puts nothing on any registry unless enabled', async () => {
    running.push(await startApp(moduleWith({})));
    expect(register.getSingleMetric('stomp_sessions')).toBeUndefined();
  });

  it("registers on prom-client's default register by default, and takes its metrics off at shutdown", async () => {
    const app = await startApp(moduleWith({ metrics: { enabled: true } }));
    expect(await register.metrics()).toContain('stomp_sessions{transport="websocket"} 0');
    await app.close();
    expect(register.getSingleMetric('stomp_sessions')).toBeUndefined();
  });

  it('refuses a second module on the same registry, saying how to tell them apart; a prefix does', async () => {
    const registry = new Registry();
    running.push(await startApp(moduleWith({ metrics: { enabled: true, registry } })));
    await expect(startApp(moduleWith({ metrics: { enabled: true, registry } }))).rejects.toThrow(/give each its own \(metrics\.registry\) or a prefix \(metrics\.prefix\)/);
    running.push(await startApp(moduleWith({ metrics: { enabled: true, registry, prefix: 'second_' } })));
    const page = await registry.metrics();
    expect(page).toContain('\nstomp_sessions{transport="websocket"} 0');
    expect(page).toContain('\nsecond_stomp_sessions{transport="websocket"} 0');
  });

  it('logs the summary line every statsLogInterval ms', async () => {
    let resolveLine: (line: string) => void;
    const line = new Promise<string>((resolve) => (resolveLine = resolve));
    const logger: LoggerService = {
      log: (message: unknown, context?: unknown) => {
        if (context === 'StompStats') resolveLine(String(message));
      },
      error: () => undefined,
      warn: () => undefined,
    };
    running.push(await startApp(moduleWith({ statsLogInterval: 20 }), (app) => app.useLogger(logger)));
    expect(await line).toMatch(/^sessions 0 open .*; broker simple available, 0 reconnects$/);
  });

  it('counts a client that went silent as a heart-beat close, with its error code', async () => {
    const app = await startApp(moduleWith({ heartbeat: [0, 100], heartbeatGraceFactor: 2, metrics: { enabled: true, registry: new Registry() } }));
    running.push(app);
    const silent = await RawStompClient.connect(`${app.wsUrl}/ws`, { 'heart-beat': '50,0' });
    expect((await silent.nextFrame('ERROR')).headers.message).toContain('No frame or heart-beat');
    await silent.waitClosed();
    const { closes, errors } = app.app.get(StompStats).snapshot();
    expect(closes).toEqual({ 'heart-beat': 1 });
    expect(errors).toEqual({ STOMP_ERR_HEART_BEAT_TIMEOUT: 1 });
  });

  it('counts refused handshakes by reason: the per-address limit (raw WebSocket and SockJS), a foreign Origin', async () => {
    const registry = new Registry();
    const app = await startApp(
      moduleWith({ endpoint: { path: '/ws', sockJs: true }, maxConnectionsPerAddress: 1, metrics: { enabled: true, registry } }),
    );
    running.push(app);
    const admitted = await RawStompClient.connect(`${app.wsUrl}/ws`);
    try {
      expect((await wsHandshake(`${app.wsUrl}/ws`)).status).toBe(429);
      expect((await wsHandshake(`${app.wsUrl}/ws`)).status).toBe(429);
      expect((await wsHandshake(`${app.wsUrl}/ws`, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
      // A SockJS session is refused once open, with an ERROR: counted the same.
      const sockJs = await SockJsWebSocket.open(app.wsUrl, '/ws');
      await sockJs.until(() => sockJs.messages.some((m) => m.startsWith('ERROR')), 'the refusal');

      const page = await registry.metrics();
      expect(page).toContain('# TYPE stomp_connections_refused_total counter');
      expect(page).toContain('stomp_connections_refused_total{reason="maxConnectionsPerAddress"} 3');
      expect(page).toContain('stomp_connections_refused_total{reason="origin"} 1');
      expect(app.app.get(StompStats).snapshot().connectionsRefused).toEqual({ maxConnectionsPerAddress: 3, origin: 1 });
    } finally {
      await admitted.disconnect();
    }
  });
});
