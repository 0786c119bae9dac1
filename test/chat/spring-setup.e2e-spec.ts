import { jest } from '@jest/globals';
import { Stomp, type Client, type IMessage } from '@stomp/stompjs';
import SockJS from 'sockjs-client';
import { AppModule } from '../../apps/chat/src/app.module.js';
import { useApp } from '../support/apps.js';
import { Recorder } from '../support/recorder.js';
import { connectStompClient, deactivateAll, publishConfirmed, subscribeConfirmed } from '../support/stomp-clients.js';

describe('chat app: the Spring setup the README shows', () => {
  const chat = useApp(AppModule);

  it('serves the chat page and the client libraries at /', async () => {
    const page = await fetch(`${chat.httpUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<script src="/app.js"></script>');
    const app = await fetch(`${chat.httpUrl}/app.js`);
    expect(app.headers.get('content-type')).toContain('text/javascript');
    expect(await app.text()).toContain("new SockJS('/portfolio'");
    const style = await fetch(`${chat.httpUrl}/style.css`);
    expect(style.headers.get('content-type')).toContain('text/css');
    for (const script of ['/vendor/sockjs.min.js', '/vendor/stomp.umd.min.js']) {
      const res = await fetch(`${chat.httpUrl}${script}`);
      expect(res.status).toBe(200);
      expect((await res.text()).length).toBeGreaterThan(10_000);
    }
  });

  it('runs the README’s Spring browser client unchanged: SockJS + Stomp.over, /app/chat.send → /topic/messages', async () => {
    // The README's browser client code, with a full URL: Node has no page origin to resolve '/portfolio'.
    const socket = new SockJS(`${chat.httpUrl}/portfolio`);
    // stompjs warns that a socket (not a factory) cannot reconnect: true, and the README's choice.
    const warn = jest.spyOn(console, 'warn').mockImplementationOnce(() => undefined);
    const stompClient = Stomp.over(socket);
    warn.mockRestore();
    stompClient.debug = () => undefined;
    stompClient.reconnectDelay = 0;
    await new Promise<void>((resolve, reject) => stompClient.connect({}, () => resolve(), (error: unknown) => reject(error)));

    const received = new Recorder<IMessage>();
    const subscribed = new Promise<void>((resolve) => stompClient.watchForReceipt('subscribed', () => resolve()));
    stompClient.subscribe('/topic/messages', (message: IMessage) => received.push(message), { receipt: 'subscribed' });
    await subscribed;

    stompClient.send('/app/chat.send', {}, JSON.stringify({ sender: 'user1', content: 'Hi! Nice meet you' }));

    const [message] = await received.waitFor(1);
    expect(JSON.parse(message!.body).content).toBe('Hi! Nice meet you');
    expect(message!.headers.destination).toBe('/topic/messages');
    expect(message!.headers['content-type']).toBe('application/json;charset=UTF-8');
    await new Promise<void>((resolve) => stompClient.disconnect(() => resolve()));
  });

  it('fans a chat message out to every subscriber, whatever its transport', async () => {
    let alice: Client | undefined;
    let bob: Client | undefined;
    try {
      alice = await connectStompClient(`${chat.wsUrl}/portfolio`);
      bob = await connectStompClient(`${chat.wsUrl}/portfolio/websocket`);
      const aliceInbox = await subscribeConfirmed(alice, '/topic/messages');
      const bobInbox = await subscribeConfirmed(bob, '/topic/messages');

      await publishConfirmed(bob, '/app/chat.send', JSON.stringify({ sender: 'bob', content: 'hello' }));

      for (const inbox of [aliceInbox, bobInbox]) {
        const [message] = await inbox.waitFor(1);
        expect(JSON.parse(message!.body)).toEqual({ sender: 'bob', content: 'hello' });
      }
    } finally {
      await deactivateAll(alice, bob);
    }
  });
});
