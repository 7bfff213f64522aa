/**
 * The one error class of scanfuse. `code` is stable and safe to switch on; `details` says where
 * (file, byte offset, line) and what (expected vs actual). Messages start with the API name.
 */
export type ScanfuseErrorCode =
  /** An argument is of the wrong type, size or range (a bug in the calling code). */
  | 'INVALID_ARGUMENT'
  /** The input is not a format scanfuse reads (or a variant it does not support). */
  | 'UNSUPPORTED_FORMAT'
  /** The input claims to be a supported format but its bytes are inconsistent. */
  | 'MALFORMED_INPUT'
  /** The engine's memory limit (maxMemoryMiB) or the 4 GiB WASM limit would be exceeded. */
  | 'OUT_OF_MEMORY'
  /** The object was disposed and cannot be used any more. */
  | 'DISPOSED'
  /** The WASM core trapped; the engine is unusable and must be re-created. */
  | 'ENGINE_FAILED'
  /** A file-system operation failed (Node helpers and CLI only). */
  | 'IO_ERROR';

export interface ScanfuseErrorDetails {
  /** File name or path the input came from, when known. */
  file?: string;
  /** Byte offset into the input where the problem is. */
  byteOffset?: number;
  /** 1-based line number for text formats. */
  line?: number;
  /** What was expected (a size, a keyword, a limit). */
  expected?: string | number;
  /** What was found. */
  actual?: string | number;
  /** Any further context (element, property, argument name). */
  [key: string]: unknown;
}

export class ScanfuseError extends Error {
  readonly code: ScanfuseErrorCode;
  readonly details: ScanfuseErrorDetails;

  constructor(code: ScanfuseErrorCode, message: string, details: ScanfuseErrorDetails = {}, options?: { cause?: unknown }) {
    super(formatMessage(message, details), options);
    this.name = 'ScanfuseError';
    this.code = code;
    this.details = details;
  }

  /** A copy of this error with more details (for example the file name, added by a caller). */
  withDetails(more: ScanfuseErrorDetails): ScanfuseError {
    const merged = { ...this.details, ...more };
    const base = this.message.replace(/ \((file|byte|line|expected|actual)[^)]*\)$/, '');
    return new ScanfuseError(this.code, base, merged, { cause: this.cause });
  }
}

function formatMessage(message: string, d: ScanfuseErrorDetails): string {
  const parts: string[] = [];
  if (d.file !== undefined) parts.push(`file ${d.file}`);
  if (d.line !== undefined) parts.push(`line ${d.line}`);
  if (d.byteOffset !== undefined) parts.push(`byte ${d.byteOffset}`);
  if (d.expected !== undefined) parts.push(`expected ${d.expected}`);
  if (d.actual !== undefined) parts.push(`actual ${d.actual}`);
  return parts.length ? `${message} (${parts.join(', ')})` : message;
}

/** True when `e` is a ScanfuseError (optionally with this code). */
export function isScanfuseError(e: unknown, code?: ScanfuseErrorCode): e is ScanfuseError {
  return e instanceof ScanfuseError && (code === undefined || e.code === code);
}
