import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableOrSkipped } from './availability.js';
import { freePort, killProcess, spawnListening } from './processes.js';

export const NGINX = '/usr/sbin/nginx';

/** Whether Debian's nginx can be run; when it cannot, see `availableOrSkipped`. */
export function nginxInstalled(): boolean {
  const { error, status } = spawnSync(NGINX, ['-v'], { stdio: 'ignore' });
  const works = error === undefined && status === 0;
  return availableOrSkipped(works, 'nginx deployment specs', `${NGINX} cannot be run (${error?.message ?? `exit ${status}`})`, '.ci/run installs it: apt-get install -y nginx-light');
}

/**
 * The README's nginx configuration ("Deployment behind a proxy or load balancer") for `upstreams`,
 * with every path nginx writes to (pid, logs, temp files) in `dir`, so it runs as any user beside
 * the system's own nginx. One process (`master_process off`): killing it leaves no worker behind.
 */
export function nginxConfig(dir: string, port: number, upstreams: readonly number[]): string {
  return `
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }

http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;

  # WebSocket upgrade: pass the client's Upgrade on, and Connection: upgrade only when there is one.
  map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
  }

  # The SockJS session id of /{endpoint}/{server}/{session}/{transport}; empty for anything else
  # (raw WebSocket, /info), which the hash then spreads round-robin.
  map $uri $sockjs_session {
    ~^/portfolio/[^/]+/([^/]+)/[^/]+$ $1;
    default "";
  }

  upstream chat {
    hash $sockjs_session consistent;
${upstreams.map((upstream) => `    server 127.0.0.1:${upstream} max_fails=0;`).join('\n')}
    keepalive 16;
  }

  server {
    listen 127.0.0.1:${port};

    location / {
      proxy_pass http://chat;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # Longer than heart-beats (10 s) and SockJS's own (25 s): an idle connection is not cut.
      proxy_read_timeout 75s;
      proxy_send_timeout 75s;
      # SockJS streaming sends each frame as it comes.
      proxy_buffering off;
      # An instance going away answers 503 to new handshakes: try the next one.
      proxy_next_upstream error timeout http_502 http_503;
    }
  }
}
`;
}

/** An nginx of the test's own, on a free port, in front of `upstreams` (ports on 127.0.0.1). */
export class NginxProcess {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly child: ChildProcess,
    private readonly output: () => string,
  ) {}

  static async start(upstreams: readonly number[]): Promise<NginxProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'nest-stomp-nginx-'));
    const port = await freePort();
    writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, port, upstreams));
    try {
      const { child, output } = await spawnListening(`nginx on port ${port}`, NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], port, 5000);
      return new NginxProcess(port, dir, child, output);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** What nginx printed (startup errors). */
  printed(): string {
    return this.output();
  }

  async stop(): Promise<void> {
    await killProcess(this.child);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
