// In-process: HandlerInvoker.dispatch for the bench's echo handler; bytes allocated and CPU per message.
// Run: node --expose-gc --min-semi-space-size=256 --max-semi-space-size=256 bench/micro/handler-path.mjs (after npm run build:lib and tsc -p bench/tsconfig.json)
import 'reflect-metadata';
import { bytesPerOperation, cpuMicrosPerOperation, perMessageReport } from './measure.mjs';
import { NestFactory } from '@nestjs/core';
const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const { BenchAppModule } = await import(`${root}/bench/dist/servers/bench-app.module.js`);
const { HandlerInvoker } = await import(`${root}/libs/stomp/dist/handlers/handler-invoker.js`);
const app = await NestFactory.create(BenchAppModule, { logger: false });
await app.init();
const invoker = app.get(HandlerInvoker);
const session = { id: 's1', principal: undefined, attributes: new Map(), version: '1.2', userName: 's1', deliver() {}, deliverFrame() {}, deliverMessage() {} };
const text = JSON.stringify({ seq: 1, sender: 'p7', content: 'x'.repeat(220) });
const body = Buffer.from(text);
const headers = { destination: '/app/echo/7', 'content-type': 'application/json', 'content-length': String(body.length) };
const call = { session, destination: '/app/echo/7', lookup: '/echo/7', headers, body };
async function run(n) { for (let i = 0; i < n; i++) await invoker.dispatch('message', call); }
await run(200_000);
const bytes = await bytesPerOperation(() => run(20_000), 20_000);
const cpu = await cpuMicrosPerOperation(() => run(100_000), 100_000);
console.log(perMessageReport(bytes, cpu));
await app.close();
