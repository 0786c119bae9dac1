import { messageFrame } from './sockjs-framing.js';

/**
 * The SockJS frame (`a["..."]`) of the payload last sent, for the next session that sends the very
 * same Buffer. A fan-out hands every subscriber with the same subscription id one shared MESSAGE
 * Buffer in a row (MessageFrameTemplate), so the UTF-8 decoding, JSON quoting and framing are done
 * once per message instead of once per session. The check is by identity: the frames sessions send
 * are never modified once made (the encoders allocate a Buffer per frame), so the same Buffer holds
 * the same bytes. Holds one payload and its frame until the next differs.
 */
export class SockJsMessageFrames {
  private lastPayload: Buffer | undefined;
  private lastFrame: Buffer = Buffer.alloc(0);

  frameOf(payload: Buffer): Buffer {
    if (payload !== this.lastPayload) {
      this.lastFrame = messageFrame(payload.toString('utf8'));
      this.lastPayload = payload;
    }
    return this.lastFrame;
  }
}
