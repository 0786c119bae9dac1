import { SockJsOpeningRequests } from './sockjs-opening-requests.js';

describe('SockJsOpeningRequests', () => {
  it("hands the opening request's headers to the session sockjs opened on it, once", () => {
    const requests = new SockJsOpeningRequests();
    requests.remember('/ws/000/abc/xhr', { cookie: 'sid=1' });
    expect(requests.opened('/ws/000/abc/xhr?t=1')).toEqual({ cookie: 'sid=1' });
    expect(requests.opened('/ws/000/abc/xhr')).toBeUndefined();
  });

  it('remembers neither sends nor info nor the requests of a session already open', () => {
    const requests = new SockJsOpeningRequests();
    requests.remember('/ws/000/abc/xhr_send', { cookie: 'send' });
    requests.remember('/ws/info', { cookie: 'info' });
    expect(requests.opened('/ws/000/abc/xhr')).toBeUndefined();
    // abc is open now: its next polls are not kept; once it closed, a new session of that id is.
    requests.remember('/ws/000/abc/xhr', { cookie: 'poll' });
    expect(requests.opened('/ws/000/abc/xhr')).toBeUndefined();
    requests.closed('/ws/000/abc/xhr');
    requests.remember('/ws/000/abc/xhr_streaming', { cookie: 'again' });
    expect(requests.opened('/ws/000/abc/xhr_streaming')).toEqual({ cookie: 'again' });
  });

  it('keeps the first request of a session that is still opening, and at most 1000 waiting ones', () => {
    const requests = new SockJsOpeningRequests();
    requests.remember('/ws/000/first/xhr_streaming', { cookie: 'first' });
    requests.remember('/ws/000/first/xhr_streaming', { cookie: 'second' });
    for (let i = 0; i < 1000; i++) requests.remember(`/ws/000/flood${i}/xhr`, {});
    // The oldest made room for the newest.
    expect(requests.opened('/ws/000/first/xhr_streaming')).toBeUndefined();
    expect(requests.opened('/ws/000/flood999/xhr')).toEqual({});
  });
});
