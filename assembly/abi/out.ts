// Writing the shared fields of the out record (layout.ts). Kernels call fail() to report a
// malformed input and return its value.
import { OUT_ERROR_REASON, OUT_ERROR_OFFSET, OUT_ERROR_ACTUAL, OUT_ERROR_EXPECTED } from "./layout";
import { STATUS_MALFORMED_INPUT } from "./status";

/** Records why and where an input is malformed; returns STATUS_MALFORMED_INPUT. */
export function fail(out: usize, reason: i32, offset: f64, actual: f64, expected: f64): i32 {
  store<i32>(out + OUT_ERROR_REASON, reason);
  store<f64>(out + OUT_ERROR_OFFSET, offset);
  store<f64>(out + OUT_ERROR_ACTUAL, actual);
  store<f64>(out + OUT_ERROR_EXPECTED, expected);
  return STATUS_MALFORMED_INPUT;
}
