import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createStompTestClient } from 'nest-stomp/testing';
import { AppModule } from '../../apps/chat/src/app.module.js';

describe('ChatController', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
  });

  afterAll(() => app.close());

  it('sends a chat message to everyone on /topic/messages, signed by its sender', async () => {
    const client = await createStompTestClient(app).connect({ login: 'alice' });
    const messages = await client.subscribe('/topic/messages');

    await client.send('/app/chat.send', { content: 'Hello' });

    const message = await messages.expectMessage((m) => m.json().content === 'Hello');
    expect(message.json()).toEqual({ sender: 'alice', content: 'Hello' });
    await client.disconnect();
  });
});
// End of the README example.

/** The example above is README.md's, word for word but for where AppModule is imported from. */
describe('the README example of "Testing your handlers"', () => {
  it('is this file', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('\n## Testing your handlers\n');
    const section = readme.slice(readme.indexOf('\n## Testing your handlers\n'));
    const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    const source = await readFile(new URL(import.meta.url), 'utf8');
    const tested = source.slice(0, source.indexOf('// End of the README example.')).replace("'../../apps/chat/src/app.module.js'", "'./app.module'");
    expect(example).toBe(tested);
  });
});
