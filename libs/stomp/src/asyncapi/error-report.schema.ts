import type { JsonSchema } from './payload-schemas.js';

/**
 * `StompErrorReport` (handlers/handler-error.handler.ts) as a JSON Schema: what the sender of a
 * failed message receives on its error destination. Written by hand, as an interface leaves no
 * trace at run time; a spec checks it against a real report.
 */
export const STOMP_ERROR_REPORT_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'Why a message sent to an application destination failed; only the sending session receives it.',
  properties: {
    destination: { type: 'string', description: 'The destination of the message that failed.' },
    error: { type: 'string', description: "The error's class name, e.g. BadRequestException." },
    message: { type: 'string', description: 'What was wrong.' },
    details: { type: 'array', items: { type: 'string' }, description: 'Every message of an error that has several, such as a validation failure.' },
  },
  required: ['destination', 'error', 'message'],
  additionalProperties: false,
};
