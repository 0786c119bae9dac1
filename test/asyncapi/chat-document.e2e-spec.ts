import { Parser, DiagnosticSeverity } from '@asyncapi/parser';
import { AppModule } from '../../apps/chat/src/app.module.js';
import { useApp } from '../support/apps.js';

/** The chat's AsyncAPI document, as a client team downloads it. */
describe('the chat app serves its AsyncAPI document', () => {
  const chat = useApp(AppModule);
  let document: any;

  beforeAll(async () => {
    const response = await fetch(`${chat.httpUrl}/asyncapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    document = await response.json();
  });

  const channelAt = (address: string) => Object.entries<any>(document.channels).find(([, channel]) => channel.address === address);
  const operationsOn = (channelId: string) => Object.values<any>(document.operations).filter((op) => op.channel.$ref === `#/channels/${channelId}`);

  it('passes the official parser with no error', async () => {
    const { diagnostics, document: parsed } = await new Parser().parse(JSON.stringify(document));
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
    expect(errors.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(parsed?.version()).toBe('3.0.0');
  });

  it('names the endpoint over WebSocket and SockJS, on the host that was asked', () => {
    const host = new URL(chat.httpUrl).host;
    expect(document.servers).toEqual({
      'portfolio-websocket': expect.objectContaining({ host, protocol: 'stomp', pathname: '/portfolio/websocket' }),
      'portfolio-sockjs': expect.objectContaining({ host, protocol: 'stomp', pathname: '/portfolio' }),
    });
    expect(document.info).toEqual({ title: 'Chat', version: '1.0.0', description: expect.stringContaining('STOMP') });
  });

  it('lists every destination of the chat', () => {
    const addresses = Object.values<any>(document.channels).map((channel) => channel.address);
    expect(addresses.sort()).toEqual(
      [
        '/app/chat.send',
        '/app/room.{roomId}',
        '/app/chat.private',
        '/app/rooms',
        '/app/presence',
        '/topic/messages',
        '/topic/room.{roomId}',
        '/user/queue/private',
        '/user/queue/errors',
        '/topic/presence',
      ].sort(),
    );
  });

  it('gives /app/chat.send the fields of ChatMessageDto with their constraints, and its reply on /topic/messages', () => {
    const [id, channel] = channelAt('/app/chat.send')!;
    expect(Object.values<any>(channel.messages)[0].payload).toEqual({ $ref: '#/components/schemas/ChatMessageDto' });
    const schema = document.components.schemas.ChatMessageDto;
    // A custom validator (@IsChatName) adds no constraint: the schema says only what it knows.
    expect(schema.properties.sender).toEqual({ type: 'string' });
    expect(schema.properties.content).toEqual(expect.objectContaining({ type: 'string', maxLength: 1000, minLength: 1, pattern: '\\S' }));
    expect(schema.required).toEqual(['content']);
    expect(operationsOn(id)).toEqual([expect.objectContaining({ action: 'receive' })]);

    const [topicId, topic] = channelAt('/topic/messages')!;
    expect(Object.values<any>(topic.messages)[0].payload.required).toEqual(['sender', 'content']);
    expect(operationsOn(topicId)).toEqual([expect.objectContaining({ action: 'send' })]);
  });

  it('makes the room variable a channel parameter on both sides', () => {
    expect(channelAt('/app/room.{roomId}')![1].parameters).toEqual({ roomId: expect.any(Object) });
    expect(channelAt('/topic/room.{roomId}')![1].parameters).toEqual({ roomId: expect.any(Object) });
    expect(document.components.schemas.RoomMessageDto.required).toEqual(['content']);
  });

  it('shows the private reply as a reply to the sender on /user/queue/private', () => {
    const [id] = channelAt('/app/chat.private')!;
    const [userId, userChannel] = channelAt('/user/queue/private')!;
    const [receive] = operationsOn(id);
    expect(receive.reply.channel).toEqual({ $ref: `#/channels/${userId}` });
    expect(userChannel.messages.PrivateMessage.payload.required).toEqual(['from', 'to', 'content']);
    expect(document.components.schemas.PrivateMessageDto.required).toEqual(['to', 'content']);
  });

  it('shows @SubscribeMapping as request and reply on the same destination', () => {
    const [id, channel] = channelAt('/app/rooms')!;
    const [operation] = operationsOn(id);
    expect(operation.action).toBe('receive');
    expect(operation.reply.channel).toEqual({ $ref: `#/channels/${id}` });
    expect(channel.messages.RoomList.payload.items.required).toEqual(['id', 'name']);
  });

  it('describes the error reports and the declared presence topic', () => {
    const [, errors] = channelAt('/user/queue/errors')!;
    expect(errors.messages.StompErrorReport.payload.required).toEqual(['destination', 'error', 'message']);
    const [presenceId, presence] = channelAt('/topic/presence')!;
    expect(presence.messages.UsersOnline.payload.items).toEqual({ type: 'string' });
    expect(operationsOn(presenceId)).toEqual([expect.objectContaining({ action: 'send' })]);
  });

  it('tells a client generator which destinations are whose: the x-stomp extension and the frame of each handler', () => {
    expect(document['x-stomp']).toEqual({ applicationDestinationPrefixes: ['/app/'], userDestinationPrefix: '/user/', errorDestination: '/user/queue/errors' });
    const frameOn = (address: string) => operationsOn(channelAt(address)![0]).map((operation) => operation['x-stomp-frame']);
    expect(frameOn('/app/chat.send')).toEqual(['SEND']);
    expect(frameOn('/app/rooms')).toEqual(['SUBSCRIBE']);
    // What the server sends carries no frame of a handler.
    expect(frameOn('/topic/messages')).toEqual([undefined]);
  });

  it('serves the page and its bundle from node_modules', async () => {
    const page = await fetch(`${chat.httpUrl}/asyncapi`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<script src="/asyncapi/asyncapi-ui.js">');
    expect(html).not.toMatch(/https?:\/\//);
    const bundle = await fetch(`${chat.httpUrl}/asyncapi/asyncapi-ui.js`, { method: 'HEAD' });
    expect([bundle.status, bundle.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    const refused = await fetch(`${chat.httpUrl}/asyncapi.json`, { method: 'POST' });
    expect(refused.status).toBe(405);
  });
});
