// ScanfuseError across a worker boundary: a comlink transfer handler for thrown values that keeps
// `code`, `details` and the message of a ScanfuseError thrown in the worker, so the caller gets a
// real ScanfuseError (instanceof, isScanfuseError) with the same code and details. Any other
// thrown value goes through comlink's own handler unchanged. Both sides of a connection install it
// (installErrorTransfer is idempotent).
import { transferHandlers, type TransferHandler } from 'comlink';
import { ScanfuseError, type ScanfuseErrorCode, type ScanfuseErrorDetails } from '../errors.js';

/** A ScanfuseError as structured-clone data. */
export interface WireScanfuseError {
  scanfuseError: true;
  code: ScanfuseErrorCode;
  /** The full message (details already formatted in, as the worker's error had it). */
  message: string;
  /** Details; values that cannot be cloned become their String(). */
  details: ScanfuseErrorDetails;
  /** The worker-side stack. */
  stack?: string;
  /** The worker-side cause (name, message, stack), when there was one. */
  cause?: { name: string; message: string; stack?: string };
}

const INSTALLED = Symbol.for('scanfuse.worker.errorTransfer');

function cloneable(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return String(value);
  }
}

/** The wire form of a ScanfuseError; null for anything else. */
export function toWireError(e: unknown): WireScanfuseError | null {
  if (!(e instanceof ScanfuseError)) return null;
  const details: ScanfuseErrorDetails = {};
  for (const [key, value] of Object.entries(e.details ?? {})) details[key] = cloneable(value);
  const wire: WireScanfuseError = { scanfuseError: true, code: e.code, message: e.message, details, stack: e.stack };
  const cause = e.cause as { name?: unknown; message?: unknown; stack?: unknown } | undefined;
  if (cause !== undefined && cause !== null) {
    wire.cause = typeof cause === 'object'
      ? { name: String(cause.name ?? 'Error'), message: String(cause.message ?? ''), stack: typeof cause.stack === 'string' ? cause.stack : undefined }
      : { name: 'Error', message: String(cause) };
  }
  return wire;
}

/** True when `value` is the wire form of a ScanfuseError. */
export function isWireError(value: unknown): value is WireScanfuseError {
  return typeof value === 'object' && value !== null && (value as WireScanfuseError).scanfuseError === true;
}

/**
 * Rebuilds the ScanfuseError on this side: same code, message and details; the worker's stack is
 * appended to this side's, and the worker's cause (if any) becomes `cause` (an Error).
 */
export function fromWireError(wire: WireScanfuseError): ScanfuseError {
  let cause: Error | undefined;
  if (wire.cause) {
    cause = new Error(wire.cause.message);
    cause.name = wire.cause.name;
    if (wire.cause.stack) cause.stack = wire.cause.stack;
  }
  // Built without details so the message is not formatted twice, then given the worker's details.
  const error = new ScanfuseError(wire.code, wire.message, {}, cause ? { cause } : undefined);
  Object.assign(error as { details: ScanfuseErrorDetails }, { details: wire.details });
  if (wire.stack) error.stack = `${error.stack ?? ''}\n    --- thrown in the worker ---\n${wire.stack}`;
  return error;
}

type Thrown = { value: unknown };

/**
 * Replaces comlink's handler of thrown values (its 'throw' transfer handler) by one that sends
 * ScanfuseErrors as WireScanfuseError and delegates everything else to the original. Call on
 * both sides before the first message; calling again does nothing.
 */
export function installErrorTransfer(): void {
  const original = transferHandlers.get('throw') as (TransferHandler<Thrown, unknown> & { [INSTALLED]?: true }) | undefined;
  if (!original || original[INSTALLED]) return;
  const handler: TransferHandler<Thrown, unknown> & { [INSTALLED]: true } = {
    [INSTALLED]: true,
    canHandle: (value: unknown): value is Thrown => original.canHandle(value),
    serialize(thrown: Thrown) {
      const wire = toWireError(thrown.value);
      return wire ? [wire, []] : original.serialize(thrown);
    },
    deserialize(serialized: unknown): Thrown {
      if (isWireError(serialized)) throw fromWireError(serialized);
      return original.deserialize(serialized);
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
