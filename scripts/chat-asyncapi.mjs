#!/usr/bin/env node
// Writes the chat's AsyncAPI document to the file given (default dist/apps/chat/asyncapi.json) from
// its built module (`npm run build` first), initialised but not listening: `npm run generate:client`
// turns it into apps/chat/client/chat-client.ts.
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { createAsyncApiDocument } from 'nest-stomp';
import { AppModule } from '../dist/apps/chat/app.module.js';

const out = process.argv[2] ?? 'dist/apps/chat/asyncapi.json';
const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
await app.init();
try {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(createAsyncApiDocument(app), null, 2)}\n`);
  console.log(`Wrote ${out}`);
} finally {
  await app.close();
}
