import { jest } from '@jest/globals';
import { chromiumAvailable } from '../support/browser.js';
import { ARTIFACTS, useChatInBrowser } from '../support/chat-in-browser.js';
import { RawStompClient } from '../support/raw-stomp-client.js';

const PHONE = { viewport: { width: 390, height: 844 } };
const describeInBrowser = chromiumAvailable() ? describe : describe.skip;

jest.setTimeout(90_000);

describeInBrowser('chat page in Chromium: room history, resume, narrow screens', () => {
  const browserChat = useChatInBrowser();
  const signIn = (name: string, contextOptions = {}) => browserChat.signIn(name, '', contextOptions);

  it('reloads mid-conversation: what was said meanwhile appears once, in order, with its time', async () => {
    const alice = await signIn('alice');
    const bob = await signIn('bob');
    const said: string[] = [];
    for (let i = 1; i <= 4; i++) {
      const [speaker, text] = i % 2 ? [alice, `before ${i}`] : [bob, `before ${i}`];
      await speaker.say(text);
      said.push(text);
      await alice.sees(speaker.name, text);
    }

    // alice's tab leaves the page while bob talks, then comes back: it resumes from the offset it saw.
    const subscribes: string[] = [];
    alice.page.on('websocket', (socket) => socket.on('framesent', ({ payload }) => subscribes.push(...String(payload).match(/x-stream-offset:[^\\"]+/g) ?? [])));
    await alice.page.goto('about:blank');
    for (const text of ['while gone 1', 'while gone 2']) {
      await bob.say(text);
      await bob.sees('bob', text);
      said.push(text);
    }
    await alice.page.goto(`${browserChat.chat.httpUrl}/`);
    await alice.waitConnected();
    await alice.sees('bob', 'while gone 2');
    expect(subscribes).toEqual([expect.stringMatching(/^x-stream-offset:offset=\d+$/)]);

    // bob talks while alice's tab reloads.
    const reloading = alice.reload();
    for (const text of ['while away 1', 'while away 2']) {
      await bob.say(text);
      await bob.sees('bob', text);
      said.push(text);
    }
    await reloading;
    await bob.say('after');
    said.push('after');
    await alice.sees('bob', 'after');

    expect(await alice.texts('#messages li .content')).toEqual(said);
    const times = await alice.page.locator('#messages li time').evaluateAll((nodes) => nodes.map((node) => (node as HTMLTimeElement).dateTime));
    expect(times).toHaveLength(said.length);
    for (const time of times) expect(Math.abs(Date.parse(time) - Date.now())).toBeLessThan(120_000);

    // Nothing new: a reload shows the same, nothing twice.
    await alice.reload();
    expect(await alice.texts('#messages li .content')).toEqual(said);
    await alice.page.screenshot({ path: `${ARTIFACTS}/chat-history.png` });
  });

  it('shows a newcomer the last 50 messages of a room', async () => {
    const writer = await RawStompClient.connect(`${browserChat.chat.wsUrl}/portfolio`, { login: 'writer' });
    try {
      for (let i = 0; i < 60; i++) {
        writer.send('SEND', { destination: '/app/room.random', 'content-type': 'application/json', ...(i === 59 ? { receipt: 'done' } : {}) }, JSON.stringify({ content: `line ${i}` }));
      }
      await writer.nextFrame('RECEIPT');
    } finally {
      await writer.disconnect();
    }
    const carol = await signIn('carol');
    await carol.joinRoom('random');
    await carol.sees('writer', 'line 59');
    expect(await carol.texts('#messages li .content')).toEqual(Array.from({ length: 50 }, (_, i) => `line ${i + 10}`));
  });

  it('is usable 390 px wide: nothing wider than the screen, the message box and its button on screen', async () => {
    const dana = await signIn('dana', PHONE);
    await dana.say(`a-long-word-that-does-not-break-${'x'.repeat(200)}`);
    await dana.sees('dana', 'a-long-word');

    expect(await dana.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    for (const selector of ['#content', '#send button', '#rooms button[data-room="nestjs"]']) {
      const control = dana.page.locator(selector);
      expect(await control.isVisible()).toBe(true);
      const box = (await control.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      expect(box.y + box.height).toBeLessThanOrEqual(844);
    }
    await dana.page.screenshot({ path: `${ARTIFACTS}/chat-390.png`, fullPage: true });
  });
});
