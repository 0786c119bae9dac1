import { jest } from '@jest/globals';
import { Controller, ForbiddenException, Module } from '@nestjs/common';
import { StompModule, SubscribeMapping } from 'nest-stomp';
import { useApp } from '../support/apps.js';
import { ClientWorkspace } from './client-workspace.js';

jest.setTimeout(240_000);

@Controller()
class RepliesController {
  @SubscribeMapping('/answer')
  answer(): number {
    return 42;
  }

  @SubscribeMapping('/secret')
  secret(): string {
    throw new ForbiddenException('Members only');
  }
}

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws', asyncApi: true })], controllers: [RepliesController] })
class RepliesModule {}

/** A program using the generated client of RepliesModule: the two replies, as promises. */
const DRIVER = `import { Client } from '@stomp/stompjs';
import { WebSocket } from 'ws';
import { createStompApi, StompReplyError } from './client.js';

const client = new Client({ webSocketFactory: () => new WebSocket(process.argv[2] ?? '', ['v12.stomp']), reconnectDelay: 0 });
client.onConnect = async () => {
  const api = createStompApi(client);
  const answer: number = await api.answer.get({ timeout: 30_000 });
  let refused: { name: string; text: string; error: string; destination: string } | undefined;
  try {
    const secret: string = await api.secret.get({ timeout: 30_000 });
    console.error('the secret came back', secret);
  } catch (error) {
    if (error instanceof StompReplyError) refused = { name: error.name, text: error.message, error: error.report.error, destination: error.report.destination };
  }
  console.log(JSON.stringify({ answer, refused }));
  await client.deactivate();
};
client.onWebSocketError = () => {
  console.error('could not connect');
  process.exitCode = 1;
};
client.activate();
`;

/** `@SubscribeMapping` replies through the generated client: a value, and a handler's error as a rejection. */
describe("a generated client's get()", () => {
  const app = useApp(RepliesModule);
  let workspace: ClientWorkspace;

  beforeAll(async () => {
    workspace = await ClientWorkspace.create();
  });

  afterAll(async () => {
    await workspace?.remove();
  });

  it("resolves with the reply, and rejects with the handler's error report as a StompReplyError", async () => {
    const project = await workspace.project('replies', `${app.httpUrl}/asyncapi.json`, DRIVER);
    expect(await project.compile()).toEqual(expect.objectContaining({ code: 0, stdout: '' }));
    const run = await project.drive(`${app.wsUrl}/ws`);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual({
      answer: 42,
      refused: { name: 'StompReplyError', text: '/app/secret: Members only', error: 'ForbiddenException', destination: '/app/secret' },
    });
  });
});
