import { jest } from '@jest/globals';
import { chromiumAvailable } from '../support/browser.js';
import { ARTIFACTS, useChatInBrowser } from '../support/chat-in-browser.js';

const describeInBrowser = chromiumAvailable() ? describe : describe.skip;

jest.setTimeout(60_000);

describeInBrowser('chat page in Chromium', () => {
  const { signIn, restartChat } = useChatInBrowser();

  it('shows a message one person sends to another, live, and who is online', async () => {
    const alice = await signIn('alice');
    const bob = await signIn('bob');
    await alice.seesOnline('bob');
    await bob.seesOnline('alice');

    await alice.say('Hi! Nice meet you');
    await bob.sees('alice', 'Hi! Nice meet you');
    await alice.sees('alice', 'Hi! Nice meet you');

    await bob.say('Nice to meet you too');
    await alice.sees('bob', 'Nice to meet you too');
    await alice.whisper('bob', 'Lunch at noon?');
    await bob.seesPrivate('alice', 'Lunch at noon?');
    await bob.page.screenshot({ path: `${ARTIFACTS}/chat.png` });

    await bob.joinRoom('random');
    await alice.joinRoom('random');
    await bob.say('over here');
    await alice.sees('bob', 'over here');
    expect(await alice.texts('#messages li .content')).toEqual(['over here']);
  });

  it('delivers a private message to its addressee only', async () => {
    const alice = await signIn('alice');
    const bob = await signIn('bob');
    const carol = await signIn('carol');

    await alice.whisper('bob', 'just between us');
    await bob.seesPrivate('alice', 'just between us');
    await alice.seesPrivate('alice', 'just between us');
    // carol's session gets messages in publish order: once alice's later room message is on her
    // screen, a private message meant for her would already be there too.
    await alice.say('public again');
    await carol.sees('alice', 'public again');
    expect(await carol.texts('#private-messages li')).toEqual([]);
    await bob.page.screenshot({ path: `${ARTIFACTS}/chat-private.png` });
  });

  it('shows the server’s reason when a message fails validation', async () => {
    const alice = await signIn('alice');
    await alice.say('   ');
    await alice.seesError('content must not be blank');
    // The room's history (earlier tests' messages) is there; the blank message is not.
    const contents = await alice.texts('#messages li .content');
    expect(contents.length).toBeGreaterThan(0);
    expect(contents).not.toContain('');
  });

  it('recovers after the server restarts, without reloading', async () => {
    const alice = await signIn('alice');
    await restartChat(() => alice.waitState('reconnecting'));
    await alice.waitConnected();
    await alice.say('back online');
    await alice.sees('alice', 'back online');
  });

  it.each([
    ['xhr-streaming', '/xhr_streaming'],
    ['xhr-polling', '/xhr'],
    // An iframe from the endpoint, running the SockJS client the endpoint serves itself.
    ['iframe-htmlfile', '/htmlfile'],
  ])('works without WebSocket, over SockJS %s', async (transport, suffix) => {
    const alice = await signIn('alice', `?transports=${transport}`);
    const bob = await signIn('bob', `?transports=${transport}`);

    await bob.say(`hello over ${transport}`);
    await alice.sees('bob', `hello over ${transport}`);
    await alice.whisper('bob', 'and privately');
    await bob.seesPrivate('alice', 'and privately');

    for (const person of [alice, bob]) {
      expect(person.requests.some((path) => path.startsWith('/portfolio/') && path.endsWith(suffix))).toBe(true);
      expect(person.webSockets).toBe(0);
      if (transport.startsWith('iframe-')) expect(person.requests).toContain('/portfolio/sockjs.min.js');
    }
  });
});
