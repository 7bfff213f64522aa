// A whitespace tokenizer over bytes for ASCII STL and PLY bodies. Tracks the line number for
// error messages; creates no strings unless asked.
import { ScanfuseError } from '../errors.js';
import { parseNumber, parseInteger } from './parse-number.js';

const SPACE = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c, 0x00]) SPACE[c] = 1;

export class AsciiLexer {
  readonly bytes: Uint8Array;
  readonly #file: string | undefined;
  readonly #api: string;
  /** Start and end (exclusive) of the current token. */
  start = 0;
  end = 0;
  /** 1-based line of the current token. */
  line = 1;
  #pos: number;
  readonly #limit: number;
  readonly #number = { value: 0 };

  constructor(bytes: Uint8Array, offset: number, line: number, api: string, file?: string) {
    this.bytes = bytes;
    this.#pos = offset;
    this.#limit = bytes.length;
    this.line = line;
    this.#api = api;
    this.#file = file;
  }

  /** Advances to the next token; false at the end of the input. */
  next(): boolean {
    const b = this.bytes;
    let i = this.#pos;
    const n = this.#limit;
    while (i < n && SPACE[b[i]]) {
      if (b[i] === 0x0a) this.line++;
      else if (b[i] === 0x0d && b[i + 1] !== 0x0a) this.line++; // lone CR ends a line too
      i++;
    }
    if (i >= n) {
      this.start = this.end = this.#pos = n;
      return false;
    }
    const s = i;
    while (i < n && !SPACE[b[i]]) i++;
    this.start = s;
    this.end = i;
    this.#pos = i;
    return true;
  }

  /** Byte offset just after the current token. */
  get position(): number {
    return this.#pos;
  }

  /** True when only spaces and tabs follow the current token on its line. */
  atLineEnd(): boolean {
    const b = this.bytes;
    for (let i = this.#pos; i < this.#limit; i++) {
      const c = b[i];
      if (c === 0x0a || c === 0x0d) return true;
      if (c !== 0x20 && c !== 0x09 && c !== 0x00 && c !== 0x0b && c !== 0x0c) return false;
    }
    return true;
  }

  /** The rest of the current line after the current token (consumed), trimmed. */
  restOfLine(): string {
    const b = this.bytes;
    let i = this.#pos;
    while (i < this.#limit && b[i] !== 0x0a && b[i] !== 0x0d) i++;
    const text = new TextDecoder('utf-8').decode(b.subarray(this.#pos, i)).trim();
    this.#pos = i;
    return text;
  }

  /** True when the current token equals `word` (ASCII, case-insensitive; `word` lower case). */
  is(word: string): boolean {
    if (this.end - this.start !== word.length) return false;
    for (let k = 0; k < word.length; k++) {
      if ((this.bytes[this.start + k] | 0x20) !== word.charCodeAt(k)) return false;
    }
    return true;
  }

  /** The current token as text (for messages). */
  text(): string {
    const t = new TextDecoder('utf-8').decode(this.bytes.subarray(this.start, Math.min(this.end, this.start + 40)));
    return this.end - this.start > 40 ? `${t}...` : t;
  }

  /** Consumes the next token and requires it to be `word`. */
  expect(word: string): void {
    if (!this.next()) throw this.error(`unexpected end of file, expected '${word}'`, word, 'end of file');
    if (!this.is(word)) throw this.error(`expected '${word}'`, word, this.text());
  }

  /** Consumes the next token as a number. */
  number(what: string): number {
    if (!this.next()) throw this.error(`unexpected end of file, expected ${what}`, what, 'end of file');
    if (!parseNumber(this.bytes, this.start, this.end, this.#number)) throw this.error(`${what} is not a number`, what, this.text());
    return this.#number.value;
  }

  /** Consumes the next token as an integer. */
  integer(what: string): number {
    if (!this.next()) throw this.error(`unexpected end of file, expected ${what}`, what, 'end of file');
    const v = parseInteger(this.bytes, this.start, this.end);
    if (v === null) throw this.error(`${what} is not an integer`, what, this.text());
    return v;
  }

  /** A MALFORMED_INPUT error at the current token. */
  error(message: string, expected?: string | number, actual?: string | number): ScanfuseError {
    return new ScanfuseError('MALFORMED_INPUT', `${this.#api}: ${message}`, {
      file: this.#file, line: this.line, byteOffset: this.start, expected, actual,
    });
  }
}
