import { AvpView, findAllAvps, findAvp, iterateAvps } from './avp-view.js';
import {
  CommandFlag,
  HEADER_LENGTH,
  readApplicationId,
  readCommandCode,
  readCommandFlags,
  readEndToEnd,
  readHopByHop,
  readMessageLength,
  readVersion,
} from './header.js';

/** A zero-copy view of one Diameter message (a frame from the Framer). Nothing is decoded until read. */
export class MessageView {
  constructor(readonly frame: Buffer) {}

  get version(): number {
    return readVersion(this.frame);
  }
  get length(): number {
    return readMessageLength(this.frame);
  }
  get flags(): number {
    return readCommandFlags(this.frame);
  }
  get isRequest(): boolean {
    return (this.flags & CommandFlag.R) !== 0;
  }
  get isProxiable(): boolean {
    return (this.flags & CommandFlag.P) !== 0;
  }
  get isError(): boolean {
    return (this.flags & CommandFlag.E) !== 0;
  }
  get isRetransmit(): boolean {
    return (this.flags & CommandFlag.T) !== 0;
  }
  get commandCode(): number {
    return readCommandCode(this.frame);
  }
  get applicationId(): number {
    return readApplicationId(this.frame);
  }
  get hopByHop(): number {
    return readHopByHop(this.frame);
  }
  get endToEnd(): number {
    return readEndToEnd(this.frame);
  }
  /** End of the AVP area: the declared length, bounded by the frame. */
  get #end(): number {
    return Math.min(this.length, this.frame.length);
  }
  /** End of the AVP area, for hand-written walks with `nextAvpOffset` (AVPs start at HEADER_LENGTH). */
  get avpEnd(): number {
    return this.#end;
  }
  /** Top-level AVPs in order. */
  avps(): IterableIterator<AvpView> {
    return iterateAvps(this.frame, HEADER_LENGTH, this.#end);
  }
  find(code: number, vendorId = 0): AvpView | undefined {
    return findAvp(this.frame, HEADER_LENGTH, this.#end, code, vendorId);
  }
  findAll(code: number, vendorId = 0): AvpView[] {
    return findAllAvps(this.frame, HEADER_LENGTH, this.#end, code, vendorId);
  }
}
