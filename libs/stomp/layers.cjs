// The library's stages, highest first. A file may import from its own stage or any stage below
// it, never from one above (ARCHITECTURE: "imports only descend"). Read by the dependency-cruiser
// configuration and by the layering test.
module.exports.LAYERS = [
  { name: 'testing', folders: ['testing'], why: "nest-stomp/testing, the test client of the package's users: outside the main barrel, a client of everything below" },
  { name: 'module', folders: ['.'], why: 'StompModule, its options and the public barrel: wires everything below' },
  { name: 'cli', folders: ['cli'], why: 'the nest-stomp command: a typed client generated from an AsyncAPI document, in plain Node' },
  { name: 'operations', folders: ['metrics', 'admin', 'health'], why: 'stats, Prometheus metrics, health and session administration: read what the stages below count' },
  { name: 'decorators', folders: ['decorators'], why: 'what applications put on their classes' },
  { name: 'asyncapi', folders: ['asyncapi'], why: 'the AsyncAPI document of the handlers, served over HTTP through the transport' },
  { name: 'transport', folders: ['transport'], why: 'WebSocket and SockJS on the HTTP server' },
  { name: 'session', folders: ['session'], why: 'one STOMP session per connection, and the registry' },
  { name: 'dispatch', folders: ['dispatch'], why: 'SEND/SUBSCRIBE to handler, user destination or broker' },
  { name: 'handlers', folders: ['handlers'], why: '@MessageMapping discovery, invocation, replies, errors' },
  { name: 'messaging', folders: ['messaging'], why: 'SimpMessagingTemplate and message conversion' },
  { name: 'users', folders: ['users'], why: 'the user registry and user destinations' },
  { name: 'destinations', folders: ['destinations'], why: 'which stage a destination belongs to' },
  { name: 'events', folders: ['events'], why: 'session and broker events' },
  { name: 'broker', folders: ['broker'], why: 'MessageBroker and its implementations' },
  { name: 'interfaces', folders: ['interfaces'], why: 'contracts every stage shares: the session view, principals, tokens' },
  { name: 'protocol', folders: ['protocol'], why: 'frames, codec, escaping, versions, patterns' },
  { name: 'base', folders: ['errors', 'util'], why: 'typed errors and small helpers' },
];
