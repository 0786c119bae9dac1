import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port);
  new Logger('Chat').log(`Chat running at http://localhost:${port}/ (STOMP endpoint /portfolio)`);
}

bootstrap().catch((error: unknown) => {
  new Logger('Chat').error('The chat could not start', error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
