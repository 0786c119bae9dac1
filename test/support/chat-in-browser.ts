import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { AppModule } from '../../apps/chat/src/app.module.js';
import { startApp, type RunningApp } from './apps.js';
import { launchChromium } from './browser.js';
import { ChatPage } from './chat-page.js';

/** Where the browser specs write their screenshots. */
export const ARTIFACTS = 'test/artifacts';

/** The chat app and a Chromium for the tests of the enclosing describe block. */
export interface ChatInBrowser {
  /** The running chat app (another one after `restartChat`). */
  readonly chat: RunningApp;
  /** A person signed in on their own browser context; closed after the test. */
  signIn(name: string, query?: string, contextOptions?: BrowserContextOptions): Promise<ChatPage>;
  /** Stops the chat app, awaits `whileDown`, and starts it again on the same port (the pages stay open). */
  restartChat(whileDown?: () => Promise<void>): Promise<void>;
}

/** Starts Chromium and the chat app before the tests of the enclosing describe block, and closes both after them. */
export function useChatInBrowser(): ChatInBrowser {
  let browser: Browser | undefined;
  let chat: RunningApp | undefined;
  const people: ChatPage[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    chat = await startApp(AppModule);
  });

  afterEach(async () => {
    await Promise.all(people.splice(0).map((person) => person.close()));
  });

  afterAll(async () => {
    await browser?.close();
    await chat?.close();
  });

  const running = (): RunningApp => {
    if (!chat) throw new Error('useChatInBrowser(): the chat starts in beforeAll; use it inside a test');
    return chat;
  };
  return {
    get chat() {
      return running();
    },
    async signIn(name, query = '', contextOptions = {}) {
      const person = await ChatPage.signIn(browser!, running().httpUrl, name, query, contextOptions);
      people.push(person);
      return person;
    },
    async restartChat(whileDown) {
      const { port } = running();
      await running().close();
      chat = undefined;
      await whileDown?.();
      chat = await startApp(AppModule, undefined, port);
    },
  };
}
