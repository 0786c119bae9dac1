import type { BrokerMessage } from '../message-broker.js';

/** First byte of every encoded message: lets a future format coexist with, or refuse, this one. */
const FORMAT_VERSION = 1;
/** Version byte, destination length, header count. */
const FIXED_PART = 1 + 4 + 4;
/** Two length prefixes per header. */
const PER_HEADER = 4 + 4;

/**
 * The wire format of broker messages on Redis: binary-safe and compact, no base64.
 *
 * `version:u8 | destinationLength:u32 | destination | headerCount:u32 | (keyLength:u32 | key |
 * valueLength:u32 | value)* | body` — lengths big-endian, strings UTF-8, the body is the rest.
 */
export function encodeRedisMessage(message: BrokerMessage): Buffer {
  // Sized first, then written straight into one buffer: no Buffer per header name and value.
  const { destination, headers, body } = message;
  let size = FIXED_PART + Buffer.byteLength(destination, 'utf8') + body.length;
  let count = 0;
  for (const name in headers) {
    if (!Object.hasOwn(headers, name)) continue;
    size += PER_HEADER + Buffer.byteLength(name, 'utf8') + Buffer.byteLength(headers[name]!, 'utf8');
    count++;
  }
  const out = Buffer.allocUnsafe(size);
  out[0] = FORMAT_VERSION;
  let offset = writeString(out, destination, 1);
  offset = out.writeUInt32BE(count, offset);
  for (const name in headers) {
    if (!Object.hasOwn(headers, name)) continue;
    offset = writeString(out, name, offset);
    offset = writeString(out, headers[name]!, offset);
  }
  body.copy(out, offset);
  return out;
}

/** `length:u32 | UTF-8 bytes` at `offset`; returns the offset after it. */
function writeString(out: Buffer, value: string, offset: number): number {
  const length = out.write(value, offset + 4, 'utf8');
  out.writeUInt32BE(length, offset);
  return offset + 4 + length;
}

/**
 * Reads what {@link encodeRedisMessage} wrote; throws on anything else (truncated, another format).
 * `added`: a header set after the stored ones (replacing a stored one of that name), so that a
 * caller adding one (the Redis Streams offset) does not copy the headers again.
 */
export function decodeRedisMessage(data: Buffer, added?: { readonly name: string; readonly value: string }): BrokerMessage {
  const reader = new Reader(data);
  const version = reader.u8();
  if (version !== FORMAT_VERSION) throw new Error(`unknown message format ${version} (expected ${FORMAT_VERSION})`);
  const destination = reader.string();
  const count = reader.u32();
  // Each header takes at least its two length prefixes: a count beyond that is corrupt, not a loop to run.
  if (count > reader.remaining / PER_HEADER) throw new Error(`header count ${count} exceeds the message size`);
  const headers: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const name = reader.string();
    setHeader(headers, name, reader.string());
  }
  if (added) setHeader(headers, added.name, added.value);
  return { destination, headers, body: reader.rest() };
}

/** Sets an own property, as Object.fromEntries would: a header named `__proto__` stays a header. */
function setHeader(headers: Record<string, string>, name: string, value: string): void {
  if (name === '__proto__') Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
  else headers[name] = value;
}

class Reader {
  private offset = 0;

  constructor(private readonly data: Buffer) {}

  get remaining(): number {
    return this.data.length - this.offset;
  }

  u8(): number {
    this.need(1);
    return this.data.readUInt8(this.offset++);
  }

  u32(): number {
    this.need(4);
    const value = this.data.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  string(): string {
    const length = this.u32();
    this.need(length);
    const value = this.data.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /** The body: a copy, so a delivered message never pins the whole Redis reply buffer. */
  rest(): Buffer {
    const body = Buffer.from(this.data.subarray(this.offset));
    this.offset = this.data.length;
    return body;
  }

  private need(bytes: number): void {
    if (this.remaining < bytes) throw new Error(`truncated message: ${bytes} more bytes expected at offset ${this.offset} of ${this.data.length}`);
  }
}
