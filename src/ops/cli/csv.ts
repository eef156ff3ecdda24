/** RFC 4180 CSV: comma-separated fields, CRLF (LF accepted) records, `"` quoting with `""` escape. */

export interface CsvRecord {
  /** 1-based physical line on which the record starts. */
  readonly line: number;
  readonly fields: readonly string[];
}

export interface CsvSyntaxError {
  readonly line: number;
  readonly message: string;
}

export interface CsvParseResult {
  readonly records: CsvRecord[];
  readonly errors: CsvSyntaxError[];
}

const QUOTE = '"';
const COMMA = ',';
const CR = '\r';
const LF = '\n';
const BOM = '\uFEFF';
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/**
 * Parses the whole text. A malformed record (a quote inside an unquoted field, text after a
 * closing quote, an unterminated quote) is reported with its line and skipped; parsing goes on
 * with the next line, so every bad line is reported. Blank lines are ignored.
 */
export function parseCsv(input: string): CsvParseResult {
  const text = input.startsWith(BOM) ? input.substring(BOM.length) : input;
  const records: CsvRecord[] = [];
  const errors: CsvSyntaxError[] = [];
  let i = 0;
  let line = 1;

  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let error: string | undefined;
    let endOfRecord = false;

    while (!endOfRecord && error === undefined) {
      if (text[i] === QUOTE) {
        i++;
        for (;;) {
          if (i >= text.length) {
            error = 'unterminated quoted field';
            break;
          }
          const c = text[i]!;
          if (c === QUOTE) {
            if (text[i + 1] === QUOTE) {
              field += QUOTE;
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === LF) line++;
          field += c;
          i++;
        }
        if (error !== undefined) break;
        const next = text[i];
        if (next !== undefined && next !== COMMA && next !== CR && next !== LF) {
          error = 'text after a closing quote (a quote inside a field must be doubled)';
          break;
        }
      } else {
        while (i < text.length && text[i] !== COMMA && text[i] !== CR && text[i] !== LF) {
          if (text[i] === QUOTE) {
            error = 'quote inside an unquoted field (quote the whole field and double the quote)';
            break;
          }
          field += text[i];
          i++;
        }
        if (error !== undefined) break;
      }
      fields.push(field);
      field = '';
      const sep = text[i];
      if (sep === COMMA) {
        i++;
      } else {
        endOfRecord = true;
        i = skipNewline(text, i);
        if (sep !== undefined) line++;
      }
    }

    if (error !== undefined) {
      errors.push({ line: start, message: error });
      // Resume at the next line after the error position.
      while (i < text.length && text[i] !== LF) i++;
      if (i < text.length) {
        i++;
        line++;
      }
      continue;
    }
    const blank = fields.length === 1 && fields[0] === '';
    if (!blank) records.push({ line: start, fields });
  }
  return { records, errors };
}

/** Formats rows as RFC 4180 CSV with CRLF line ends, quoting only where needed. */
export function formatCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map(quoteField).join(COMMA) + CR + LF).join('');
}

function quoteField(value: string): string {
  return NEEDS_QUOTES.test(value) ? QUOTE + value.replaceAll(QUOTE, QUOTE + QUOTE) + QUOTE : value;
}

function skipNewline(text: string, i: number): number {
  if (text[i] === CR) return text[i + 1] === LF ? i + 2 : i + 1;
  if (text[i] === LF) return i + 1;
  return i;
}
