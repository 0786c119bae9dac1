import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';

export interface RunningApp {
  readonly app: INestApplication;
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly httpUrl: string;
  /** `ws://127.0.0.1:PORT` */
  readonly wsUrl: string;
  close(): Promise<void>;
}

/** Boots a Nest application module on a free port (or `port`), as `main.ts` would, without its logs. */
export async function startApp(module: unknown, configure?: (app: INestApplication) => void | Promise<void>, port = 0): Promise<RunningApp> {
  const app = await NestFactory.create(module as never, { logger: false });
  await configure?.(app);
  await app.listen(port, '127.0.0.1');
  return describe(app);
}

export function describe(app: INestApplication): RunningApp {
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    close: () => app.close(),
  };
}
