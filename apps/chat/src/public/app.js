// The chat page: @stomp/stompjs over SockJS, as Spring's documentation shows it, with automatic reconnect.
// `?transports=xhr-streaming` (or xhr-polling, ...) restricts SockJS to those transports.
// Room history: each room message carries its x-stream-offset; the page remembers the last one it saw
// per room (and the messages it shows), in memory and in sessionStorage, and subscribes again from the
// next offset after a reconnect or a reload, so what was said meanwhile appears once, in order. A room
// it never saw is read from its first kept message (the server keeps the last 50).
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const transports = new URLSearchParams(location.search).get('transports');
  const sockJsOptions = transports ? { transports: transports.split(',') } : {};
  const STORAGE_KEY = 'nest-stomp-chat';
  // Messages per room the page keeps to show again after a reload.
  const KEPT_PER_ROOM = 200;
  const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

  let client = null;
  let me = null;
  let room = 'general';
  let roomSubscription = null;
  /** { name, room, rooms: { [id]: { offset, messages: [{ sender, content, sentAt }] } } } */
  const saved = load();

  function load() {
    try {
      const value = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null');
      if (value && typeof value === 'object' && value.rooms && typeof value.rooms === 'object') return value;
    } catch {
      // Unreadable: start afresh.
    }
    return { name: null, room: 'general', rooms: {} };
  }

  function save() {
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(saved));
    } catch {
      // Storage full or off: the page still works, it only forgets on reload.
    }
  }

  function roomState(id) {
    saved.rooms[id] ??= { offset: null, messages: [] };
    return saved.rooms[id];
  }

  function setStatus(state, text) {
    $('status').dataset.state = state;
    $('status').textContent = text;
  }

  function enableForms(enabled) {
    for (const form of [$('send'), $('send-private')]) {
      for (const control of form.elements) control.disabled = !enabled;
    }
  }

  function showError(text) {
    const item = document.createElement('li');
    item.textContent = text;
    $('errors').append(item);
    setTimeout(() => item.remove(), 8000);
  }

  function timeOf(iso) {
    const time = document.createElement('time');
    const date = new Date(iso);
    // A message without a valid time (an older server, a client's own SEND to a topic) shows none.
    if (Number.isNaN(date.getTime())) return document.createTextNode('');
    time.className = 'time';
    time.dateTime = date.toISOString();
    time.title = date.toLocaleString();
    time.textContent = clock.format(date);
    return time;
  }

  function line(parts, sentAt) {
    const item = document.createElement('li');
    if (sentAt) item.append(timeOf(sentAt));
    for (const [className, text] of parts) {
      const span = document.createElement('span');
      span.className = className;
      span.textContent = text;
      item.append(span);
    }
    return item;
  }

  function append(list, item) {
    list.append(item);
    list.scrollTop = list.scrollHeight;
  }

  function renderRooms(rooms) {
    $('rooms').replaceChildren(
      ...rooms.map(({ id, name }) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = `# ${name}`;
        button.dataset.room = id;
        button.setAttribute('aria-current', String(id === room));
        button.addEventListener('click', () => joinRoom(id));
        const item = document.createElement('li');
        item.append(button);
        return item;
      }),
    );
  }

  function renderOnline(names) {
    $('online').replaceChildren(
      ...names.map((name) => {
        const item = document.createElement('li');
        item.textContent = name;
        if (name === me) item.className = 'me';
        return item;
      }),
    );
    const select = $('private-to');
    const chosen = select.value;
    select.replaceChildren(
      ...names.filter((name) => name !== me).map((name) => new Option(name, name, false, name === chosen)),
    );
  }

  function roomLine({ sender, content, sentAt }) {
    return line([['sender', sender], ['content', content]], sentAt);
  }

  /** Shows a room: what the page kept of it, then (once connected) what it missed and what comes. */
  function joinRoom(id) {
    room = id;
    saved.room = id;
    save();
    roomSubscription?.unsubscribe();
    roomSubscription = null;
    $('messages').replaceChildren(...roomState(id).messages.map(roomLine));
    $('messages').scrollTop = $('messages').scrollHeight;
    $('room-title').textContent = `#${id}`;
    $('content').placeholder = `Message #${id}`;
    for (const button of $('rooms').querySelectorAll('button')) button.setAttribute('aria-current', String(button.dataset.room === id));
    if (client?.connected) subscribeRoom();
  }

  function subscribeRoom() {
    const id = room;
    const { offset } = roomState(id);
    const from = offset === null ? 'first' : `offset=${offset + 1}`;
    roomSubscription = client.subscribe(`/topic/room.${id}`, (message) => receiveRoomMessage(id, message), { 'x-stream-offset': from });
  }

  function receiveRoomMessage(id, message) {
    const state = roomState(id);
    const header = message.headers['x-stream-offset'];
    if (header !== undefined) {
      const offset = Number(header);
      // Already shown (a broker that replays from before what was asked): once is enough.
      if (state.offset !== null && offset <= state.offset) return;
      state.offset = offset;
    }
    const { sender, content, sentAt } = JSON.parse(message.body);
    const kept = { sender, content, sentAt };
    state.messages.push(kept);
    if (state.messages.length > KEPT_PER_ROOM) state.messages.splice(0, state.messages.length - KEPT_PER_ROOM);
    save();
    if (id === room) append($('messages'), roomLine(kept));
  }

  /** Everything is subscribed again after each (re)connect: a new session starts empty. */
  function onConnected(frame) {
    // The server normalises names (ＢＯＢ and Bob sign in as bob): show the one it chose.
    me = frame.headers['user-name'] ?? me;
    setStatus('connected', `Connected as ${me}`);
    enableForms(true);
    const rooms = client.subscribe('/app/rooms', (message) => {
      renderRooms(JSON.parse(message.body));
      rooms.unsubscribe();
    });
    const presence = client.subscribe('/app/presence', (message) => {
      renderOnline(JSON.parse(message.body));
      presence.unsubscribe();
    });
    client.subscribe('/topic/presence', (message) => renderOnline(JSON.parse(message.body)));
    client.subscribe('/user/queue/private', (message) => {
      const { from, to, content } = JSON.parse(message.body);
      // Private messages are not kept by the server: their time is when they arrived.
      append($('private-messages'), line([['sender', from], ['to', `→ ${to}`], ['content', content]], new Date().toISOString()));
    });
    client.subscribe('/user/queue/errors', (message) => showError(JSON.parse(message.body).message));
    subscribeRoom();
  }

  function connect(name) {
    me = name;
    client = new StompJs.Client({
      webSocketFactory: () => new SockJS('/portfolio', null, sockJsOptions),
      connectHeaders: { login: name },
      reconnectDelay: 1000,
      heartbeatIncoming: 10000,
      heartbeatOutgoing: 10000,
    });
    client.onConnect = onConnected;
    client.onWebSocketClose = () => {
      enableForms(false);
      if (client.active) setStatus('reconnecting', 'Reconnecting…');
    };
    client.onStompError = (frame) => {
      const message = frame.headers.message ?? 'The server refused the connection';
      showError(message);
      if (message.startsWith('CONNECT refused')) {
        // Retrying the same name would be refused again: back to the sign-in form.
        void client.deactivate();
        saved.name = null;
        save();
        setStatus('refused', 'Not signed in');
        $('chat').hidden = true;
        $('sign-in').hidden = false;
      }
    };
    setStatus('connecting', 'Connecting…');
    enableForms(false);
    client.activate();
  }

  function start(name) {
    saved.name = name;
    save();
    $('sign-in').hidden = true;
    $('chat').hidden = false;
    joinRoom(saved.room ?? 'general');
    connect(name);
  }

  $('sign-in').addEventListener('submit', (event) => {
    event.preventDefault();
    start($('name').value.trim());
  });

  $('send').addEventListener('submit', (event) => {
    event.preventDefault();
    const content = $('content');
    client.publish({ destination: `/app/room.${room}`, body: JSON.stringify({ content: content.value }) });
    content.value = '';
  });

  $('send-private').addEventListener('submit', (event) => {
    event.preventDefault();
    const content = $('private-content');
    client.publish({ destination: '/app/chat.private', body: JSON.stringify({ to: $('private-to').value, content: content.value }) });
    content.value = '';
  });

  // A reload of a signed-in tab: the same name, the same room, from where it was.
  if (saved.name) start(saved.name);
})();
