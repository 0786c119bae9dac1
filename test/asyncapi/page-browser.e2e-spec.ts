import { mkdirSync } from 'node:fs';
import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { AppModule } from '../../apps/chat/src/app.module.js';
import { startApp, type RunningApp } from '../support/apps.js';
import { chromiumAvailable, launchChromium } from '../support/browser.js';

const ARTIFACTS = 'test/artifacts';
const describeInBrowser = chromiumAvailable() ? describe : describe.skip;

jest.setTimeout(60_000);

describeInBrowser("the chat's AsyncAPI page in Chromium", () => {
  let browser: Browser;
  let chat: RunningApp;
  let page: Page;
  const requested: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    chat = await startApp(AppModule);
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('request', (request) => requested.push(request.url()));
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${chat.httpUrl}/asyncapi`);
    // The component replaces the page's fallback text once it has fetched and parsed the document.
    await page.getByText('/app/chat.send').first().waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await chat?.close();
  });

  it('renders the document: title, servers, every destination', async () => {
    await page.screenshot({ path: `${ARTIFACTS}/asyncapi.png`, fullPage: false });
    const text = await page.locator('#asyncapi').innerText();
    expect(text).toContain('Chat');
    expect(text).toContain('Public rooms, private messages and presence over STOMP.');
    expect(text).toContain('/portfolio/websocket');
    for (const destination of ['/app/chat.send', '/app/room.{roomId}', '/app/chat.private', '/app/rooms', '/app/presence', '/topic/messages', '/topic/room.{roomId}', '/user/queue/private', '/user/queue/errors', '/topic/presence']) {
      expect(text).toContain(destination);
    }
    expect(text).not.toContain('npm install');
    expect(errors).toEqual([]);
  });

  it('shows the payload fields and their constraints, once expanded', async () => {
    const message = page.locator('[id="operation-receive-/app/chat.send-message"]');
    await message.getByRole('button', { name: 'Expand all' }).first().click();
    await message.getByText('content', { exact: true }).first().waitFor();
    await message.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}/asyncapi-payload.png` });
    const text = await message.innerText();
    expect(text).toContain('sender');
    expect(text).toContain('content');
    // class-validator's @IsNotEmpty() + @MaxLength(1000) and @Matches, as rendered.
    expect(text).toContain('[ 1 .. 1000 ] characters');
    expect(text).toContain('must match');
    expect(text).toContain('required');
    const all = await page.locator('#asyncapi').innerText();
    for (const name of ['roomId', 'StompErrorReport', 'ChatMessageDto', 'PrivateMessage', 'Expected Reply Message']) expect(all).toContain(name);
  });

  it('loads nothing from outside the application', () => {
    expect(requested.length).toBeGreaterThan(2);
    expect(requested.filter((url) => !url.startsWith(chat.httpUrl))).toEqual([]);
  });
});
