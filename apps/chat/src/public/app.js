// The chat page: @stomp/stompjs over SockJS, as Spring's documentation shows it, with automatic reconnect.
// `?transports=xhr-streaming` (or xhr-polling, ...) restricts SockJS to those transports.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const transports = new URLSearchParams(location.search).get('transports');
  const sockJsOptions = transports ? { transports: transports.split(',') } : {};

  let client = null;
  let me = null;
  let room = 'general';
  let roomSubscription = null;

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

  function line(parts) {
    const item = document.createElement('li');
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

  function joinRoom(id) {
    room = id;
    roomSubscription?.unsubscribe();
    $('messages').replaceChildren();
    $('room-title').textContent = `#${id}`;
    $('content').placeholder = `Message #${id}`;
    for (const button of $('rooms').querySelectorAll('button')) button.setAttribute('aria-current', String(button.dataset.room === id));
    if (client?.connected) subscribeRoom();
  }

  function subscribeRoom() {
    roomSubscription = client.subscribe(`/topic/room.${room}`, (message) => {
      const { sender, content } = JSON.parse(message.body);
      append($('messages'), line([['sender', sender], ['content', content]]));
    });
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
      append($('private-messages'), line([['sender', from], ['to', `→ ${to}`], ['content', content]]));
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
        setStatus('refused', 'Not signed in');
        $('chat').hidden = true;
        $('sign-in').hidden = false;
      }
    };
    setStatus('connecting', 'Connecting…');
    enableForms(false);
    client.activate();
  }

  $('sign-in').addEventListener('submit', (event) => {
    event.preventDefault();
    $('sign-in').hidden = true;
    $('chat').hidden = false;
    connect($('name').value.trim());
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
})();
