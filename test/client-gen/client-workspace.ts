import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WORKSPACE = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(WORKSPACE, 'node_modules/typescript/bin/tsc');

/** The committed client of the chat, which `npm run generate:client` writes. */
export const COMMITTED_CHAT_CLIENT = join(WORKSPACE, 'apps/chat/client/chat-client.ts');
const CHAT_DRIVER = join(WORKSPACE, 'test/client-gen/chat-driver.ts');

/** How long one tsc or node run may take on a machine shared with other builds. */
const COMMAND_TIMEOUT_MS = 120_000;

/** The compiler options of a strict client project: the generated code must pass all of them. */
const STRICT_PROJECT = {
  target: 'ES2022',
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  lib: ['ES2022'],
  types: ['node'],
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noUnusedLocals: true,
  noImplicitReturns: true,
  skipLibCheck: true,
};

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node args...`; resolves with its exit code and output, whatever the code. */
export function runNode(args: readonly string[], cwd: string, timeout = COMMAND_TIMEOUT_MS): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...args], { cwd, timeout, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr: error && code === -1 ? `${stderr}\n${error.message}` : stderr });
    });
  });
}

/**
 * A client project in a temporary folder outside the workspace (its node_modules a link to the
 * workspace's): the `nest-stomp` command compiled from the library's sources and run with plain
 * node, generated clients, the driver, and tsc over them.
 */
export class ClientWorkspace {
  private constructor(readonly dir: string) {}

  static async create(): Promise<ClientWorkspace> {
    const dir = await mkdtemp(join(tmpdir(), 'nest-stomp-client-gen-'));
    await symlink(join(WORKSPACE, 'node_modules'), join(dir, 'node_modules'), 'dir');
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'client-team', private: true, type: 'module' }));
    const workspace = new ClientWorkspace(dir);
    await workspace.compileCommand();
    return workspace;
  }

  /** `nest-stomp client ...`, the compiled command run with node. */
  cli(args: readonly string[]): Promise<CommandResult> {
    return runNode([join(this.dir, 'cli/cli/main.js'), ...args], this.dir);
  }

  /**
   * A project of its own under `name`: `client.ts`, generated from `from` by the command, and
   * `driver.ts`, the program using it (default: test/client-gen/chat-driver.ts).
   */
  async project(name: string, from: string, driver?: string): Promise<ClientProject> {
    const dir = join(this.dir, name);
    await mkdir(dir, { recursive: true });
    const generated = await this.cli(['client', '--from', from, '--out', join(dir, 'client.ts')]);
    if (generated.code !== 0) throw new Error(`nest-stomp client failed (${generated.code}):\n${generated.stdout}${generated.stderr}`);
    const source = driver ?? (await readFile(CHAT_DRIVER, 'utf8')).replace("'../../apps/chat/client/chat-client.js'", "'./client.js'");
    await writeFile(join(dir, 'driver.ts'), source);
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...STRICT_PROJECT, rootDir: '.', outDir: 'out' }, files: ['client.ts', 'driver.ts'] }, null, 2));
    return new ClientProject(dir);
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  /** The library's `cli` folder and what it imports, compiled as the package's build does. */
  private async compileCommand(): Promise<void> {
    const outDir = join(this.dir, 'cli');
    const compilerOptions = { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', types: ['node'], strict: true, skipLibCheck: true, rootDir: join(WORKSPACE, 'libs/stomp/src'), outDir };
    await writeFile(join(this.dir, 'tsconfig.cli.json'), JSON.stringify({ compilerOptions, files: [join(WORKSPACE, 'libs/stomp/src/cli/main.ts')] }, null, 2));
    const compiled = await runNode([TSC, '-p', 'tsconfig.cli.json'], this.dir);
    if (compiled.code !== 0) throw new Error(`The nest-stomp command did not compile:\n${compiled.stdout}${compiled.stderr}`);
    await writeFile(join(outDir, 'package.json'), JSON.stringify({ type: 'module' }));
  }
}

/** A generated client and the driver, type-checked and built together. */
export class ClientProject {
  constructor(readonly dir: string) {}

  get client(): Promise<string> {
    return readFile(join(this.dir, 'client.ts'), 'utf8');
  }

  /** tsc -p: its exit code and diagnostics (the JavaScript lands in `out/`). */
  compile(): Promise<CommandResult> {
    return runNode([TSC, '-p', 'tsconfig.json', '--pretty', 'false'], this.dir);
  }

  /** Runs the built driver with `args` (the chat driver's: the endpoint's URL and a suffix for names). */
  drive(...args: string[]): Promise<CommandResult> {
    return runNode([join(this.dir, 'out/driver.js'), ...args], this.dir, 60_000);
  }
}
