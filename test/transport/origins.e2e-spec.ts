import { Module } from '@nestjs/common';
import { StompModule } from 'nest-stomp';
import { useApp } from '../support/apps.js';
import { RawStompClient } from '../support/raw-stomp-client.js';

@Module({
  imports: [
    StompModule.forRoot({
      endpoint: [
        { path: '/same-origin', sockJs: true },
        { path: '/partners', sockJs: true, allowedOrigins: ['https://app.example.com', 'https://*.partner.test'] },
      ],
    }),
  ],
})
class OriginsTestModule {}

describe('allowed origins', () => {
  const server = useApp(OriginsTestModule);

  async function handshake(path: string, origin?: string): Promise<'open' | string> {
    try {
      const client = await RawStompClient.open(`${server.wsUrl}${path}`, ['v12.stomp'], origin ? { Origin: origin } : undefined);
      client.terminate();
      return 'open';
    } catch (error) {
      return (error as Error).message;
    }
  }

  it('accepts same-origin and non-browser (no Origin) WebSocket handshakes by default', async () => {
    expect(await handshake('/same-origin')).toBe('open');
    expect(await handshake('/same-origin', `http://127.0.0.1:${server.port}`)).toBe('open');
    expect(await handshake('/same-origin/websocket', `http://127.0.0.1:${server.port}`)).toBe('open');
  });

  it('refuses a foreign Origin with HTTP 403, on raw WebSocket and on SockJS', async () => {
    expect(await handshake('/same-origin', 'https://evil.example')).toBe('HTTP 403 at handshake');
    expect(await handshake('/same-origin/websocket', 'https://evil.example')).toBe('HTTP 403 at handshake');
    expect(await handshake('/same-origin/123/abcdef/websocket', 'https://evil.example')).toBe('HTTP 403 at handshake');
    const info = await fetch(`${server.httpUrl}/same-origin/info`, { headers: { Origin: 'https://evil.example' } });
    expect(info.status).toBe(403);
    const xhr = await fetch(`${server.httpUrl}/same-origin/123/abcdef/xhr`, { method: 'POST', headers: { Origin: 'https://evil.example' } });
    expect(xhr.status).toBe(403);
  });

  it('accepts the origins and patterns listed in allowedOrigins, and only those', async () => {
    expect(await handshake('/partners', 'https://app.example.com')).toBe('open');
    expect(await handshake('/partners', 'https://eu.partner.test')).toBe('open');
    expect(await handshake('/partners', 'https://partner.test.evil.example')).toBe('HTTP 403 at handshake');
    const info = await fetch(`${server.httpUrl}/partners/info`, { headers: { Origin: 'https://eu.partner.test' } });
    expect(info.status).toBe(200);
  });
});
