import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';

/** One person in the chat page: their own browser context (cookies, storage), signed in by name. */
export class ChatPage {
  /** Paths of every HTTP request the page made, and how many WebSockets it opened. */
  readonly requests: string[] = [];
  webSockets = 0;

  private constructor(
    readonly name: string,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('request', (request) => this.requests.push(new URL(request.url()).pathname));
    page.on('websocket', () => this.webSockets++);
  }

  /** `contextOptions`: the browser context's, e.g. `{ viewport: { width: 390, height: 844 } }` for a phone. */
  static async signIn(browser: Browser, baseUrl: string, name: string, query = '', contextOptions: BrowserContextOptions = {}): Promise<ChatPage> {
    const context = await browser.newContext(contextOptions);
    const page = await context.newPage();
    const person = new ChatPage(name, context, page);
    await page.goto(`${baseUrl}/${query}`);
    await page.fill('#name', name);
    await page.click('#sign-in-button');
    await person.waitConnected();
    // The room list and who is online arrive by @SubscribeMapping right after CONNECTED.
    await page.locator('#rooms button').first().waitFor();
    return person;
  }

  async waitConnected(): Promise<void> {
    await this.page.locator('#status[data-state="connected"]').waitFor();
  }

  /** Reloads the tab; it signs in again by itself (the page keeps its name in sessionStorage). */
  async reload(): Promise<void> {
    await this.page.reload();
    await this.waitConnected();
  }

  async waitState(state: string): Promise<void> {
    await this.page.locator(`#status[data-state="${state}"]`).waitFor();
  }

  async say(text: string): Promise<void> {
    await this.page.fill('#content', text);
    await this.page.press('#content', 'Enter');
  }

  async whisper(to: string, text: string): Promise<void> {
    await this.page.locator(`#private-to option[value="${to}"]`).waitFor({ state: 'attached' });
    await this.page.selectOption('#private-to', to);
    await this.page.fill('#private-content', text);
    await this.page.press('#private-content', 'Enter');
  }

  async joinRoom(id: string): Promise<void> {
    await this.page.click(`#rooms button[data-room="${id}"]`);
    await this.page.locator('#room-title', { hasText: `#${id}` }).waitFor();
  }

  /** Waits until the room shows a message with this text, from this sender. */
  async sees(sender: string, text: string): Promise<void> {
    await this.page.locator('#messages li', { hasText: text }).filter({ hasText: sender }).waitFor();
  }

  async seesPrivate(from: string, text: string): Promise<void> {
    await this.page.locator('#private-messages li', { hasText: text }).filter({ hasText: from }).waitFor();
  }

  async seesOnline(name: string): Promise<void> {
    await this.page.locator('#online li', { hasText: name }).waitFor();
  }

  async seesError(text: string): Promise<void> {
    await this.page.locator('#errors li', { hasText: text }).waitFor();
  }

  /** The visible text of each match, white space folded. */
  async texts(selector: string): Promise<string[]> {
    const texts = await this.page.locator(selector).allTextContents();
    return texts.map((text) => text.replace(/\s+/g, ' ').trim());
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}
