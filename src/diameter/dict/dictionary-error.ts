/** A dictionary file that cannot be used; the message names the file and the entry. */
export class DictionaryError extends Error {
  readonly code = 'EDICTIONARY';
  constructor(
    readonly file: string,
    readonly entry: string,
    detail: string,
  ) {
    super(`${file}: ${entry}: ${detail}`);
    this.name = 'DictionaryError';
  }
}
