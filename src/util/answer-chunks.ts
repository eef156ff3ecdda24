/** Bytes per chunk: a few hundred answers of a few hundred octets. */
export const ANSWER_CHUNK_BYTES = 64 * 1024;
/** Chunk id of "no answer stored". */
export const NO_CHUNK = -1;
/** Emptied standard chunks kept for reuse rather than freed. */
const SPARE_CHUNKS = 4;

/**
 * Append-only byte chunks holding copies of stored answers (for the Diameter and RADIUS duplicate caches): one Buffer
 * per chunk instead of one per answer, so a cache of 200k answers holds a few thousand objects,
 * not 200k. Each chunk counts its live answers; a chunk with none left (and not being filled) is
 * released, and a few are kept for reuse. An answer larger than a chunk gets a chunk of its own.
 */
export class AnswerChunks {
  readonly #chunks: (Buffer | undefined)[] = [];
  readonly #liveAnswers: number[] = [];
  readonly #freeIds: number[] = [];
  readonly #spares: Buffer[] = [];
  #current = NO_CHUNK;
  #fill = 0;
  #lastOffset = 0;

  /** Offset of the answer stored by the last `store()`. */
  get lastOffset(): number {
    return this.#lastOffset;
  }

  /** Copies `answer` into a chunk; returns the chunk id (the offset is `lastOffset`). */
  store(answer: Buffer): number {
    const current = this.#current === NO_CHUNK ? undefined : this.#chunks[this.#current];
    if (current === undefined || this.#fill + answer.length > current.length) this.#open(answer.length);
    const id = this.#current;
    answer.copy(this.#chunks[id]!, this.#fill);
    this.#lastOffset = this.#fill;
    this.#fill += answer.length;
    this.#liveAnswers[id]! += 1;
    return id;
  }

  /** The stored bytes (shares memory with the chunk: copy before the answer is released). */
  view(chunk: number, offset: number, length: number): Buffer {
    return this.#chunks[chunk]!.subarray(offset, offset + length);
  }

  /** One answer of `chunk` is no longer needed. */
  release(chunk: number): void {
    const left = (this.#liveAnswers[chunk]! -= 1);
    if (left === 0 && chunk !== this.#current) this.#free(chunk);
  }

  #open(atLeast: number): void {
    const previous = this.#current;
    const buffer =
      atLeast <= ANSWER_CHUNK_BYTES
        ? (this.#spares.pop() ?? Buffer.allocUnsafeSlow(ANSWER_CHUNK_BYTES))
        : Buffer.allocUnsafeSlow(atLeast);
    const id = this.#freeIds.pop() ?? this.#chunks.length;
    this.#chunks[id] = buffer;
    this.#liveAnswers[id] = 0;
    this.#current = id;
    this.#fill = 0;
    // The chunk being filled was kept even when empty; now it can go.
    if (previous !== NO_CHUNK && this.#liveAnswers[previous] === 0) this.#free(previous);
  }

  #free(chunk: number): void {
    const buffer = this.#chunks[chunk]!;
    this.#chunks[chunk] = undefined;
    this.#freeIds.push(chunk);
    if (buffer.length === ANSWER_CHUNK_BYTES && this.#spares.length < SPARE_CHUNKS) this.#spares.push(buffer);
  }
}
