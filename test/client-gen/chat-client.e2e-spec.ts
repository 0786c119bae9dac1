import { jest } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppModule } from '../../apps/chat/src/app.module.js';
import { useApp } from '../support/apps.js';
import type { DriverReport } from './chat-driver.js';
import { ClientWorkspace, COMMITTED_CHAT_CLIENT } from './client-workspace.js';

// Compiling the command, then a tsc per client project, on a machine shared with other builds.
jest.setTimeout(240_000);

/**
 * What a client team does with the chat: `npx nest-stomp client --from <the running chat's
 * /asyncapi.json>`, tsc (strict) over the client and its own code, then chat through it.
 */
describe('the chat client generated from the running chat', () => {
  const chat = useApp(AppModule);
  let workspace: ClientWorkspace;

  beforeAll(async () => {
    workspace = await ClientWorkspace.create();
  });

  afterAll(async () => {
    await workspace?.remove();
  });

  const documentUrl = () => `${chat.httpUrl}/asyncapi.json`;

  it('is the committed apps/chat/client/chat-client.ts, byte for byte (npm run generate:client keeps it so)', async () => {
    const project = await workspace.project('committed', documentUrl());
    const committed = (await readFile(COMMITTED_CHAT_CLIENT, 'utf8')).split('\n');
    const generated = (await project.client).split('\n');
    const at = Array.from({ length: Math.max(committed.length, generated.length) }, (_, index) => index).find((index) => committed[index] !== generated[index]);
    const verdict = at === undefined ? 'up to date' : `line ${at + 1} differs (run npm run generate:client):\n  committed: ${committed[at]}\n  generated: ${generated[at]}`;
    expect(verdict).toBe('up to date');
  });

  it('type-checks with a driver under strict, and chats through it: a room message, a private message, an error report', async () => {
    const project = await workspace.project('chatting', documentUrl());
    const compiled = await project.compile();
    expect(compiled).toEqual(expect.objectContaining({ code: 0, stdout: '' }));

    const suffix = Math.random().toString(36).slice(2, 8);
    const run = await project.drive(`${chat.wsUrl}/portfolio/websocket`, suffix);
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(run.stdout) as DriverReport;
    expect(report.rooms).toEqual(['general', 'random', 'nestjs']);
    expect(report.online).toEqual(expect.arrayContaining([`alice${suffix}`, `bob${suffix}`]));
    expect(report.room).toEqual({ room: 'general', sender: `alice${suffix}`, content: 'Hello, general' });
    expect(report.private).toEqual({ from: `alice${suffix}`, to: `bob${suffix}`, content: 'Psst' });
    expect(report.error).toEqual({ destination: '/app/chat.send', error: 'BadRequestException', details: ['content must not be blank'] });
  });

  it('fails the type-check, naming the field, once a payload class renames a field the driver uses', async () => {
    // What the document says after `content` of RoomMessageDto became `text` (and the room reply followed).
    const document = JSON.parse(await (await fetch(documentUrl())).text());
    const dto = document.components.schemas.RoomMessageDto;
    dto.properties = { text: dto.properties.content };
    dto.required = ['text'];
    const reply = document.channels.topic_room_roomId.messages.RoomMessage.payload;
    reply.properties = { room: reply.properties.room, sender: reply.properties.sender, text: reply.properties.content };
    reply.required = ['room', 'sender', 'text'];
    const changed = join(workspace.dir, 'renamed-asyncapi.json');
    await writeFile(changed, JSON.stringify(document));

    const compiled = await (await workspace.project('renamed', changed)).compile();
    expect(compiled.code).not.toBe(0);
    const diagnostics = compiled.stdout.split('\n').filter((line) => line.includes('error TS'));
    expect(diagnostics).toEqual([
      expect.stringMatching(/^driver\.ts\(\d+,\d+\): error TS2353: Object literal may only specify known properties, and 'content' does not exist in type 'RoomMessageDto'\.$/),
      expect.stringMatching(/^driver\.ts\(\d+,\d+\): error TS2339: Property 'content' does not exist on type 'RoomMessage'\.$/),
    ]);
  });

  it('exits with 1 and says why when it cannot read the document, writing nothing', async () => {
    const wrongPath = `${chat.httpUrl}/no-such-document.json`;
    const missing = await workspace.cli(['client', '--from', wrongPath, '--out', join(workspace.dir, 'none.ts')]);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: expect.stringContaining(`Cannot read the AsyncAPI document from ${wrongPath}: HTTP 404`) });
    const usage = await workspace.cli(['client', '--out', 'x.ts']);
    expect(usage).toEqual({ code: 1, stdout: '', stderr: expect.stringContaining('--from is required') });
    await expect(readFile(join(workspace.dir, 'none.ts'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
