import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

const WORKSPACE = fileURLToPath(new URL('../../', import.meta.url));
const LIBRARY = join(WORKSPACE, 'libs/stomp');
const TSC = join(WORKSPACE, 'node_modules/typescript/bin/tsc');

/** What a Nest 12 application installs beside nest-stomp, at the versions this workspace is tested with. */
const CONSUMER_DEPENDENCIES = ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', 'reflect-metadata', 'rxjs', '@types/node'];

/** How long one npm or tsc run may take on a busy machine before the test gives up on it. */
const COMMAND_TIMEOUT_MS = 90_000;
const START_TIMEOUT_MS = 20_000;

/**
 * A TypeScript setup a consumer may have. `commonJs` apps are compiled to CommonJS and load the
 * ESM-only nest-stomp (and Nest 12 itself) through Node's require(esm).
 */
export interface ConsumerSetup {
  readonly name: string;
  readonly compilerOptions: Record<string, unknown>;
  readonly commonJs?: boolean;
}

export const CONSUMER_SETUPS: readonly ConsumerSetup[] = [
  // The project's own setup and Nest 12's ESM template. Library checking on: our .d.ts files must
  // type-check for the strictest consumer too.
  { name: 'nodenext (ES module app)', compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: false } },
  // TypeScript 6 deprecates node10 (TS5107) but existing Nest apps still use it.
  { name: 'node10 (ES module app)', compilerOptions: { module: 'es2022', moduleResolution: 'node10', ignoreDeprecations: '6.0' } },
  { name: 'node10 (CommonJS app)', compilerOptions: { module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0' }, commonJs: true },
  // What @arethetypeswrong/cli calls "node16 (from CJS)": TypeScript allows it under nodenext since 5.8.
  { name: 'nodenext (CommonJS app)', compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' }, commonJs: true },
  { name: 'bundler', compilerOptions: { module: 'preserve', moduleResolution: 'bundler' } },
];

/**
 * The consumer's application: an echo controller on `StompModule.forRoot`. `declarationsAreTyped`
 * makes the compile fail if nest-stomp's declarations resolve only partly: an unresolved import
 * inside them turns an export into `any`, which `skipLibCheck` lets through silently, and then the
 * expected errors do not happen.
 */
const MAIN_TS = `import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessageMapping, Payload, SendTo, StompModule } from 'nest-stomp';

// Never called: it compiles only while the declarations reject each line.
export function declarationsAreTyped(): void {
  // @ts-expect-error an endpoint is a path or endpoint objects, not a number
  StompModule.forRoot({ endpoint: 42 });
  // @ts-expect-error destinations are strings
  MessageMapping(42);
  // @ts-expect-error destinations are strings
  SendTo(42);
}

interface Echo {
  text: string;
}

@Controller()
class EchoController {
  @MessageMapping('/echo')
  @SendTo('/topic/echo')
  echo(@Payload() message: Echo): Echo & { setup: string } {
    return { text: message.text, setup: process.env.CONSUMER_SETUP ?? '' };
  }
}

@Module({ imports: [StompModule.forRoot({ endpoint: '/ws' })], controllers: [EchoController] })
class AppModule {}

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  console.log(\`listening on \${port}\`);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;

/**
 * A test of the consumer's echo handler written with nest-stomp/testing, run as its own script
 * against the running app (`node kit-check.js <url>`): the subpath must resolve, for types and at
 * run time, under every setup. It prints what it saw as JSON.
 */
const KIT_CHECK_TS = `import { createStompTestClient, StompServerError, type StompTestMessage } from 'nest-stomp/testing';

// Never called: it compiles only while the kit's declarations reject each line.
export function kitDeclarationsAreTyped(message: StompTestMessage): void {
  // @ts-expect-error a target is an application or a URL
  createStompTestClient(42);
  // @ts-expect-error the transports are 'websocket' and 'sockjs'
  createStompTestClient('ws://127.0.0.1/ws', { transport: 'carrier-pigeon' });
  // @ts-expect-error a message's text is a string
  const length: number = message.text;
  void length;
}

async function check(url: string, setup: string): Promise<void> {
  const client = await createStompTestClient(url, { timeout: 20_000 }).connect();
  try {
    const echoes = await client.subscribe('/topic/echo');
    await client.send('/app/echo', { text: \`kit in \${setup}\` });
    const echo = await echoes.next();
    const refused = await client.send('/nowhere', {}).then(
      () => 'accepted',
      (error: unknown) => (error instanceof StompServerError ? error.code : String(error)),
    );
    console.log(JSON.stringify({ echo: echo.json(), destination: echo.destination, refused }));
  } finally {
    await client.disconnect();
  }
}

check(process.argv[2] ?? '', process.env.CONSUMER_SETUP ?? '').catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;

const COMMONJS_PACKAGE = JSON.stringify({ type: 'commonjs' });

/** A started consumer application. */
export interface RunningConsumer {
  readonly port: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * A fresh Nest application in a temporary folder outside the workspace, with nest-stomp installed
 * from the tarball `npm pack` makes of libs/stomp (its `prepack` builds the library first).
 */
export class ConsumerApp {
  private readonly children = new Set<ChildProcess>();

  private constructor(
    readonly root: string,
    readonly dir: string,
  ) {}

  /** The installed package, as a consumer's node_modules holds it. */
  get installedPackage(): string {
    return join(this.dir, 'node_modules/nest-stomp');
  }

  static async create(): Promise<ConsumerApp> {
    const root = await mkdtemp(join(tmpdir(), 'nest-stomp-consumer-'));
    const consumer = new ConsumerApp(root, join(root, 'app'));
    try {
      await consumer.install(await pack(root));
      return consumer;
    } catch (error) {
      await consumer.remove();
      throw error;
    }
  }

  /** Compiles the application with the workspace's TypeScript; resolves to the entry to run. */
  async compile(setup: ConsumerSetup): Promise<string> {
    const slug = setup.name.replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '');
    const outDir = join(this.dir, 'dist', slug);
    const tsconfig = join(this.dir, `tsconfig.${slug}.json`);
    // The app's package.json says "type": "module"; a nearer one makes a CommonJS app of the
    // sources (for TypeScript's nodenext) and of the build (for Node).
    const sources = setup.commonJs ? await this.commonJsSources() : 'src';
    const compilerOptions = {
      target: 'ES2022',
      strict: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      skipLibCheck: true,
      types: ['node'],
      rootDir: sources,
      outDir,
      ...setup.compilerOptions,
    };
    await writeFile(tsconfig, JSON.stringify({ compilerOptions, include: [sources] }, null, 2));
    try {
      await run(process.execPath, [TSC, '-p', tsconfig], { cwd: this.dir, timeout: COMMAND_TIMEOUT_MS });
    } catch (error) {
      throw new Error(`tsc failed for the ${setup.name} consumer:\n${commandOutput(error)}`);
    }
    if (setup.commonJs) await writeFile(join(outDir, 'package.json'), COMMONJS_PACKAGE);
    return join(outDir, 'main.js');
  }

  /** Runs a compiled entry with node; resolves once it prints the port it listens on. */
  async start(entry: string, env: Record<string, string>): Promise<RunningConsumer> {
    const child = spawn(process.execPath, [entry], { cwd: this.dir, env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${entry} did not listen within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
      const settle = (outcome: () => void) => {
        clearTimeout(timer);
        outcome();
      };
      const collect = (data: Buffer) => {
        output = (output + data.toString()).slice(-8000);
        const listening = /listening on (\d+)/.exec(output);
        if (listening) settle(() => resolve(Number(listening[1])));
      };
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      child.once('error', (error) => settle(() => reject(error)));
      child.once('exit', (code, signal) => settle(() => reject(new Error(`${entry} exited (${signal ?? code}) before listening:\n${output}`))));
    }).catch(async (error: unknown) => {
      await stopProcess(child);
      throw error;
    });
    return { port, output: () => output, stop: () => stopProcess(child) };
  }

  /**
   * Runs the kit check compiled beside `entry` (see `compile`) against `url`; resolves to what it
   * printed. It exits by itself once its client disconnects: a handle left open would hang it.
   */
  async runKitCheck(entry: string, url: string, env: Record<string, string>): Promise<string> {
    try {
      const { stdout } = await run(process.execPath, [join(dirname(entry), 'kit-check.js'), url], { cwd: this.dir, env: { ...cleanEnv(), ...env }, timeout: START_TIMEOUT_MS });
      return stdout;
    } catch (error) {
      throw new Error(`the nest-stomp/testing check failed:\n${commandOutput(error)}`);
    }
  }

  /** Stops what is still running and deletes the temporary folder. */
  async remove(): Promise<void> {
    await Promise.all([...this.children].map((child) => stopProcess(child)));
    await rm(this.root, { recursive: true, force: true });
  }

  /** The application's sources in a folder of their own whose package.json says CommonJS. */
  private async commonJsSources(): Promise<string> {
    const folder = 'src-commonjs';
    await mkdir(join(this.dir, folder), { recursive: true });
    await writeFile(join(this.dir, folder, 'package.json'), COMMONJS_PACKAGE);
    await writeFile(join(this.dir, folder, 'main.ts'), MAIN_TS);
    await writeFile(join(this.dir, folder, 'kit-check.ts'), KIT_CHECK_TS);
    return folder;
  }

  private async install(tarball: string): Promise<void> {
    const lock = JSON.parse(await readFile(join(WORKSPACE, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    const dependencies: Record<string, string> = { 'nest-stomp': `file:${tarball}` };
    for (const name of CONSUMER_DEPENDENCIES) dependencies[name] = lock.packages[`node_modules/${name}`].version;
    await mkdir(join(this.dir, 'src'), { recursive: true });
    await writeFile(join(this.dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }, null, 2));
    await writeFile(join(this.dir, 'src/main.ts'), MAIN_TS);
    await writeFile(join(this.dir, 'src/kit-check.ts'), KIT_CHECK_TS);
    // `npm ci` fills the cache with tarballs but not always with the registry metadata a lockless
    // install needs: offline first, then the registry for what is missing.
    try {
      await npm(['install', '--offline'], this.dir);
    } catch (offline) {
      try {
        await npm(['install', '--prefer-offline'], this.dir);
      } catch (online) {
        throw new Error(`npm install of the packed nest-stomp failed.\noffline:\n${commandOutput(offline)}\nprefer-offline:\n${commandOutput(online)}`);
      }
    }
  }
}

/** `npm pack` of libs/stomp into `destination`; resolves to the tarball's path. */
async function pack(destination: string): Promise<string> {
  await npm(['pack', '--pack-destination', destination], LIBRARY);
  const tarballs = (await readdir(destination)).filter((file) => file.endsWith('.tgz'));
  if (tarballs.length !== 1) throw new Error(`npm pack left ${tarballs.length} tarballs in ${destination}`);
  return join(destination, tarballs[0]);
}

async function npm(args: string[], cwd: string): Promise<void> {
  await run('npm', [...args, '--no-audit', '--no-fund'], { cwd, env: cleanEnv(), timeout: COMMAND_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
}

/**
 * The environment without what `npm test` sets for the workspace (its prefix, package fields,
 * lifecycle): a nested npm would read those as its own configuration.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const kept = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig', 'npm_config_globalconfig']);
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => (!key.startsWith('npm_') || kept.has(key)) && key !== 'INIT_CWD'));
}

function commandOutput(error: unknown): string {
  const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
  return [message, stdout, stderr].filter(Boolean).join('\n').slice(-6000);
}

/** SIGTERM (the app closes gracefully through its shutdown hooks), SIGKILL if it lingers. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
