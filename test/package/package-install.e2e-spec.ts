import { jest } from '@jest/globals';
import type { Client } from '@stomp/stompjs';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { dirname, join, relative } from 'node:path';
import { connectStompClient, deactivateAll, publishConfirmed, subscribeConfirmed } from '../support/stomp-clients.js';
import { CONSUMER_SETUPS, ConsumerApp, type ConsumerSetup, type RunningConsumer } from './consumer-app.js';

// Packing builds the library; then one install, and a compile and a run per setup. About 25 s on
// an idle machine; the margin is for a machine shared with other builds.
jest.setTimeout(180_000);

/** What `npm pack` of libs/stomp gives a consumer: installed, compiled under each module resolution, run. */
describe('the nest-stomp package, installed from its tarball into a fresh application', () => {
  let consumer: ConsumerApp;

  beforeAll(async () => {
    consumer = await ConsumerApp.create();
  });

  afterAll(async () => {
    await consumer?.remove();
  });

  it.each(CONSUMER_SETUPS.map((setup) => [setup.name, setup] as const))(
    'compiles under %s, echoes a client message through a @MessageMapping handler, and is tested with nest-stomp/testing',
    async (name: string, setup: ConsumerSetup) => {
      const entry = await consumer.compile(setup);
      let app: RunningConsumer | undefined;
      let client: Client | undefined;
      try {
        app = await consumer.start(entry, { CONSUMER_SETUP: name });
        client = await connectStompClient(`ws://127.0.0.1:${app.port}/ws`);
        const echoes = await subscribeConfirmed(client, '/topic/echo');
        await publishConfirmed(client, '/app/echo', JSON.stringify({ text: `hello from ${name}` }), { 'content-type': 'application/json' });
        const [echo] = await echoes.waitFor(1);
        expect(JSON.parse(echo.body)).toEqual({ text: `hello from ${name}`, setup: name });
        expect(echo.headers.destination).toBe('/topic/echo');

        // The consumer's own test of the handler, through the testing subpath of the installed package.
        const kitCheck = JSON.parse(await consumer.runKitCheck(entry, `ws://127.0.0.1:${app.port}/ws`, { CONSUMER_SETUP: name })) as unknown;
        expect(kitCheck).toEqual({ echo: { text: `kit in ${name}`, setup: name }, destination: '/topic/echo', refused: 'STOMP_ERR_SERVER_ERROR' });
      } finally {
        await deactivateAll(client);
        await app?.stop();
      }
    },
  );

  it('installs the nest-stomp command, which runs with plain node and writes a typed client (npx nest-stomp client)', async () => {
    const document = {
      asyncapi: '3.0.0',
      info: { title: 'Echo', version: '1.0.0' },
      channels: { echo: { address: '/app/echo', messages: { Echo: { name: 'Echo', payload: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } } } } },
      operations: { echo: { action: 'receive', channel: { $ref: '#/channels/echo' }, messages: [{ $ref: '#/channels/echo/messages/Echo' }] } },
    };
    await writeFile(join(consumer.dir, 'asyncapi.json'), JSON.stringify(document));
    // What npx runs: the link npm made in node_modules/.bin, through its #! line.
    const { stdout } = await promisify(execFile)(join(consumer.dir, 'node_modules/.bin/nest-stomp'), ['client', '--from', 'asyncapi.json', '--out', 'generated/echo-client.ts'], {
      cwd: consumer.dir,
    });
    expect(stdout).toBe(`Wrote ${join(consumer.dir, 'generated/echo-client.ts')}\n`);
    expect(await readFile(join(consumer.dir, 'generated/echo-client.ts'), 'utf8')).toContain('send(payload: Echo, headers?: StompHeaders): void;');
  });

  it('ships its README, LICENSE and CHANGELOG, and no specs or test helpers', async () => {
    const files = await listFiles(consumer.installedPackage);
    expect(files).toEqual(
      expect.arrayContaining(['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/testing/index.js', 'dist/testing/index.d.ts']),
    );
    expect(files.filter((file) => /\.spec\.|\.testing\./.test(file))).toEqual([]);
  });

  it("declares no member marked @internal: applications see read-only sessions, registry and events", async () => {
    const declarations = async (file: string) => readFile(join(consumer.installedPackage, 'dist', file), 'utf8');
    expect(await declarations('events/stomp-events.d.ts')).not.toMatch(/\bemit\(|internalEvents\$/);
    expect(await declarations('session/stomp-session.registry.d.ts')).not.toMatch(/\b(add|remove|closeAll|stopAccepting|refusal)\(/);
    expect(await declarations('session/stomp-session.registry.d.ts')).toMatch(/\bget\(sessionId: string\): StompSession \| undefined;/);
  });

  it('has source and declaration maps whose every source is in the package', async () => {
    const maps = (await listFiles(consumer.installedPackage)).filter((file) => file.endsWith('.map'));
    expect(maps).toEqual(expect.arrayContaining(['dist/index.js.map', 'dist/index.d.ts.map']));
    const unresolved: string[] = [];
    for (const map of maps) {
      const { sources, sourceRoot = '' } = JSON.parse(await readFile(join(consumer.installedPackage, map), 'utf8')) as { sources: string[]; sourceRoot?: string };
      for (const source of sources) {
        const target = join(consumer.installedPackage, dirname(map), sourceRoot, source);
        if (!existsSync(target)) unresolved.push(`${map} → ${relative(consumer.installedPackage, target)}`);
      }
    }
    expect(unresolved).toEqual([]);
  });
});

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(root, join(entry.parentPath, entry.name)));
}
