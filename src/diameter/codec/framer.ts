import { DIAMETER_VERSION, HEADER_LENGTH, HeaderOffset, UINT24_MAX, readUint24 } from './header.js';
import { ResultCode } from '../dict/constants.gen.js';

/** The stream cannot be parsed: close the connection, never resynchronise (RFC 6733 §2.1, §3). */
export interface FramerError {
  readonly fatal: true;
  /** What the stream broke (5011 version, 5015 length): for logs and metrics, not for an answer. */
  readonly resultCode: number;
  readonly message: string;
}

export interface FramerOptions {
  /** Largest accepted message (default 64 KiB, at most 2^24-1 per RFC 6733 §3). */
  readonly maxMessageLength?: number;
}

/** Version (1 octet) + Message Length (3 octets): enough to know the frame size. */
const PREFIX_LENGTH = HeaderOffset.FLAGS;
const DEFAULT_MAX_MESSAGE_LENGTH = 65536;
const ALIGN_MASK = 3;

/**
 * Joins TCP chunks into whole Diameter frames without streams. A chunk that holds whole messages
 * yields subarrays of that chunk (no copy); a message split across chunks is copied once into a
 * Buffer of its exact size. After a fatal error every push returns the same error.
 */
export class Framer {
  readonly #max: number;
  readonly #onFrame: (frame: Buffer) => void;
  /** Prefix bytes of a frame whose length is still unknown. */
  readonly #prefix = Buffer.alloc(PREFIX_LENGTH);
  #prefixFilled = 0;
  /** A frame being assembled across chunks. */
  #pending: Buffer | undefined;
  #pendingFilled = 0;
  #error: FramerError | undefined;

  constructor(onFrame: (frame: Buffer) => void, options: FramerOptions = {}) {
    this.#onFrame = onFrame;
    this.#max = Math.min(options.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH, UINT24_MAX);
  }

  /** Bytes held for an incomplete frame. */
  get buffered(): number {
    return this.#pending !== undefined ? this.#pendingFilled : this.#prefixFilled;
  }

  #check(version: number, length: number): number | FramerError {
    if (version !== DIAMETER_VERSION)
      return this.#fail(ResultCode.DIAMETER_UNSUPPORTED_VERSION, `unsupported Diameter version ${version}`);
    if (length < HEADER_LENGTH || (length & ALIGN_MASK) !== 0 || length > this.#max)
      return this.#fail(ResultCode.DIAMETER_INVALID_MESSAGE_LENGTH, `invalid message length ${length}`);
    return length;
  }

  #fail(resultCode: number, message: string): FramerError {
    this.#error = { fatal: true, resultCode, message };
    this.#pending = undefined;
    return this.#error;
  }

  /** Feeds one chunk; calls onFrame for each whole frame, in order. */
  push(chunk: Buffer): FramerError | undefined {
    if (this.#error !== undefined) return this.#error;
    let off = 0;
    const n = chunk.length;
    while (off < n) {
      const pending = this.#pending;
      if (pending !== undefined) {
        const take = Math.min(pending.length - this.#pendingFilled, n - off);
        chunk.copy(pending, this.#pendingFilled, off, off + take);
        this.#pendingFilled += take;
        off += take;
        if (this.#pendingFilled === pending.length) {
          this.#pending = undefined;
          this.#onFrame(pending);
        }
        continue;
      }
      if (this.#prefixFilled > 0 || n - off < PREFIX_LENGTH) {
        const take = Math.min(PREFIX_LENGTH - this.#prefixFilled, n - off);
        chunk.copy(this.#prefix, this.#prefixFilled, off, off + take);
        this.#prefixFilled += take;
        off += take;
        if (this.#prefixFilled < PREFIX_LENGTH) break;
        const length = this.#check(this.#prefix[0]!, readUint24(this.#prefix, HeaderOffset.LENGTH));
        if (typeof length !== 'number') return length;
        this.#pending = Buffer.allocUnsafe(length);
        this.#prefix.copy(this.#pending, 0);
        this.#pendingFilled = PREFIX_LENGTH;
        this.#prefixFilled = 0;
        continue;
      }
      const length = this.#check(chunk[off]!, readUint24(chunk, off + HeaderOffset.LENGTH));
      if (typeof length !== 'number') return length;
      if (off + length <= n) {
        this.#onFrame(chunk.subarray(off, off + length));
        off += length;
      } else {
        const p = Buffer.allocUnsafe(length);
        chunk.copy(p, 0, off, n);
        this.#pending = p;
        this.#pendingFilled = n - off;
        off = n;
      }
    }
    return undefined;
  }
}
