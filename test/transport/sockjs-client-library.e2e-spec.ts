import { Module } from '@nestjs/common';
import { StompModule } from 'nest-stomp';
import { useApp } from '../support/apps.js';

@Module({ imports: [StompModule.forRoot({ endpoint: { path: '/ws', sockJs: true } })] })
class ServedClientModule {}

@Module({ imports: [StompModule.forRoot({ endpoint: { path: '/ws', sockJs: { clientLibraryUrl: '/assets/sockjs.js' } } })] })
class OwnClientModule {}

/** SockJS's iframe page loads the SockJS client: from the endpoint itself, never from a CDN. */
describe('SockJS client library for the iframe transports', () => {
  describe('by default', () => {
    const server = useApp(ServedClientModule);

    it('links the iframe page to the client the endpoint serves', async () => {
      const page = await (await fetch(`${server.httpUrl}/ws/iframe.html`)).text();
      expect(page).toContain('<script src="/ws/sockjs.min.js"></script>');
      expect(page).not.toContain('cdn');
    });

    it('serves the installed sockjs-client bundle there, for GET and HEAD only', async () => {
      const response = await fetch(`${server.httpUrl}/ws/sockjs.min.js`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(await response.text()).toMatch(/^\/\* sockjs-client v\d+\.\d+\.\d+ \| http:\/\/sockjs\.org/);
      expect((await fetch(`${server.httpUrl}/ws/sockjs.min.js`, { method: 'HEAD' })).status).toBe(200);
      const post = await fetch(`${server.httpUrl}/ws/sockjs.min.js`, { method: 'POST', body: 'x' });
      expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    });
  });

  describe('with clientLibraryUrl', () => {
    const server = useApp(OwnClientModule);

    it('links the iframe page to the URL the application chose', async () => {
      const page = await (await fetch(`${server.httpUrl}/ws/iframe.html`)).text();
      expect(page).toContain('<script src="/assets/sockjs.js"></script>');
    });
  });
});
