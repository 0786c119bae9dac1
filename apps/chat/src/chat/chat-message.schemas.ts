/**
 * JSON Schemas of what the chat's handlers return, for its AsyncAPI document: they return
 * interfaces (and Promises of them), of which TypeScript keeps nothing at run time, so
 * `@AsyncApiReply` gives them. The payloads they receive are classes and need none.
 */
export const CHAT_MESSAGE_SCHEMA = {
  type: 'object',
  properties: {
    sender: { type: 'string', description: "The signed-in sender's name, else the one it gave, else 'anonymous'." },
    content: { type: 'string', maxLength: 1000 },
  },
  required: ['sender', 'content'],
};

export const ROOM_MESSAGE_SCHEMA = {
  type: 'object',
  properties: {
    room: { type: 'string', description: "The room's id." },
    ...CHAT_MESSAGE_SCHEMA.properties,
    sentAt: { type: 'string', format: 'date-time', description: 'When the server took the message.' },
  },
  required: ['room', 'sender', 'content', 'sentAt'],
  description: 'Kept as room history: each MESSAGE carries its x-stream-offset, and a SUBSCRIBE with x-stream-offset replays the room.',
};

export const PRIVATE_MESSAGE_SCHEMA = {
  type: 'object',
  properties: {
    from: { type: 'string', description: "The sender's user name." },
    to: { type: 'string', description: "The addressee's user name." },
    content: { type: 'string', maxLength: 1000 },
  },
  required: ['from', 'to', 'content'],
};

export const ROOM_LIST_SCHEMA = {
  type: 'array',
  items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } }, required: ['id', 'name'] },
};

export const USER_NAMES_SCHEMA = { type: 'array', items: { type: 'string' }, description: 'The names of the users online, sorted.' };
