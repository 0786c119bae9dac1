import type { MessageFrameTemplate } from '../../protocol/message-frame-template.js';

interface Held {
  readonly template: MessageFrameTemplate;
  readonly messageId: string;
  readonly stream: string | undefined;
  readonly sequence: number | undefined;
}

/**
 * A live subscriber that joined readers made for an earlier one: they may still deliver messages
 * stored before its SUBSCRIBE, which reading from now (`next`) leaves out. Until the streams'
 * positions at its SUBSCRIBE are known, what comes is held; then only what was stored from those
 * positions on is written. A stream's reader delivers in order, so once a message of a stream has
 * passed, that stream needs no more checking; once every stream has, {@link done} is true.
 */
export class LateStart {
  /** Per stream, the first sequence to write; `undefined` while being looked up. */
  private starts: Map<string, number> | undefined;
  private readonly held: Held[] = [];

  constructor(private readonly write: (template: MessageFrameTemplate, messageId: string) => void) {}

  get done(): boolean {
    return this.starts !== undefined && this.starts.size === 0;
  }

  /** A message the readers delivered; `stream` and `sequence` are absent for core NATS (always new). */
  offer(template: MessageFrameTemplate, messageId: string, stream: string | undefined, sequence: number | undefined): void {
    if (this.starts) this.pass(this.starts, template, messageId, stream, sequence);
    else this.held.push({ template, messageId, stream, sequence });
  }

  /** The positions of the subscriber's streams at its SUBSCRIBE: what was held goes out as they allow. */
  begin(starts: Map<string, number>): void {
    this.starts = starts;
    for (const held of this.held.splice(0)) this.pass(starts, held.template, held.messageId, held.stream, held.sequence);
  }

  private pass(starts: Map<string, number>, template: MessageFrameTemplate, messageId: string, stream: string | undefined, sequence: number | undefined): void {
    const start = stream === undefined ? undefined : starts.get(stream);
    if (start !== undefined && sequence !== undefined) {
      if (sequence < start) return;
      starts.delete(stream!);
    }
    this.write(template, messageId);
  }
}
