// Kernel status codes: the value every exported kernel returns.
// >= 0 means success (some kernels document the value as a count); < 0 is an error,
// with the details written to the call's out record (see layout.ts: OUT_ERROR_*).
// TypeScript reads these at load time (src/wasm/abi.ts); tests/kernels/abi.test.ts checks both sides.

export const STATUS_OK: i32 = 0;
/** A scalar argument is out of its documented range (a bug in the caller, never in the data). */
export const STATUS_INVALID_ARGUMENT: i32 = -1;
/** The input bytes or values are malformed; OUT_ERROR_REASON / OFFSET / ACTUAL / EXPECTED say how. */
export const STATUS_MALFORMED_INPUT: i32 = -2;
/** A fixed-size output or table the caller provided is too small. */
export const STATUS_CAPACITY_EXCEEDED: i32 = -3;

// Reasons for STATUS_MALFORMED_INPUT (OUT_ERROR_REASON).
export const REASON_NONE: i32 = 0;
/** The data ends before the record that starts at OUT_ERROR_OFFSET is complete. */
export const REASON_TRUNCATED: i32 = 1;
/** A vertex index (OUT_ERROR_ACTUAL) is >= the vertex count (OUT_ERROR_EXPECTED) or negative. */
export const REASON_INDEX_OUT_OF_RANGE: i32 = 2;
/** A list count (OUT_ERROR_ACTUAL) is negative or larger than the bytes left allow. */
export const REASON_BAD_LIST_COUNT: i32 = 3;
/** A value type code in a descriptor is unknown. */
export const REASON_BAD_TYPE: i32 = 4;
