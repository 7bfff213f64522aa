// Per-value math for PLY bodies: type sizes, reading a typed value in either byte order, and
// storing a value converted to a destination type. The loops live in ply.ts.
import {
  PLY_TYPE_I8, PLY_TYPE_U8, PLY_TYPE_I16, PLY_TYPE_U16, PLY_TYPE_I32, PLY_TYPE_U32,
  PLY_TYPE_F32, PLY_TYPE_F64, PLY_DST_UNORM8,
} from "../abi/layout";

/** Byte size of a PLY_TYPE_* (PLY_DST_UNORM8 counts as 1); 0 for an unknown code. */
@inline export function typeSize(t: u32): u32 {
  if (t == PLY_TYPE_I8 || t == PLY_TYPE_U8 || t == PLY_DST_UNORM8) return 1;
  if (t == PLY_TYPE_I16 || t == PLY_TYPE_U16) return 2;
  if (t == PLY_TYPE_I32 || t == PLY_TYPE_U32 || t == PLY_TYPE_F32) return 4;
  if (t == PLY_TYPE_F64) return 8;
  return 0;
}

/** Reads a value of PLY type `t` at `p` (big-endian when `be`), exactly, as f64. */
@inline export function readValue(p: usize, t: u32, be: bool): f64 {
  switch (t) {
    case PLY_TYPE_I8: return <f64>load<i8>(p);
    case PLY_TYPE_U8: return <f64>load<u8>(p);
    case PLY_TYPE_I16: { let v = load<u16>(p); return <f64><i16>(be ? bswap<u16>(v) : v); }
    case PLY_TYPE_U16: { let v = load<u16>(p); return <f64>(be ? bswap<u16>(v) : v); }
    case PLY_TYPE_I32: { let v = load<u32>(p); return <f64><i32>(be ? bswap<u32>(v) : v); }
    case PLY_TYPE_U32: { let v = load<u32>(p); return <f64>(be ? bswap<u32>(v) : v); }
    case PLY_TYPE_F32: { let v = load<u32>(p); return <f64>reinterpret<f32>(be ? bswap<u32>(v) : v); }
    default: { let v = load<u64>(p); return reinterpret<f64>(be ? bswap<u64>(v) : v); }
  }
}

/** Reads an integer (list count or index) of PLY type `t` at `p` as i64 (floats truncate). */
@inline export function readInteger(p: usize, t: u32, be: bool): i64 {
  switch (t) {
    case PLY_TYPE_I8: return <i64>load<i8>(p);
    case PLY_TYPE_U8: return <i64>load<u8>(p);
    case PLY_TYPE_I16: { let v = load<u16>(p); return <i64><i16>(be ? bswap<u16>(v) : v); }
    case PLY_TYPE_U16: { let v = load<u16>(p); return <i64>(be ? bswap<u16>(v) : v); }
    case PLY_TYPE_I32: { let v = load<u32>(p); return <i64><i32>(be ? bswap<u32>(v) : v); }
    case PLY_TYPE_U32: { let v = load<u32>(p); return <i64>(be ? bswap<u32>(v) : v); }
    default: {
      let f = readValue(p, t, be);
      // NaN and out-of-range floats become -1, which every caller rejects.
      return f >= -2147483648.0 && f < 4294967296.0 ? <i64>f : -1;
    }
  }
}

/** Stores `v` at `p` as destination type `t` (little-endian, the WASM order). */
@inline export function storeValue(p: usize, t: u32, v: f64): void {
  switch (t) {
    case PLY_TYPE_I8: { store<i8>(p, <i8><i32>v); break; }
    case PLY_TYPE_U8: { store<u8>(p, <u8><u32><i32>v); break; }
    case PLY_TYPE_I16: { store<i16>(p, <i16><i32>v); break; }
    case PLY_TYPE_U16: { store<u16>(p, <u16><u32><i32>v); break; }
    case PLY_TYPE_I32: { store<i32>(p, <i32>v); break; }
    case PLY_TYPE_U32: { store<u32>(p, <u32><i64>v); break; }
    case PLY_TYPE_F32: { store<f32>(p, <f32>v); break; }
    case PLY_TYPE_F64: { store<f64>(p, v); break; }
    default: {
      // PLY_DST_UNORM8
      let s = v * 255.0;
      store<u8>(p, s >= 255.0 ? 255 : s > 0 ? <u8><i32>Math.round(s) : 0);
    }
  }
}

/** Writes `v` at `p` as PLY type `t` in the file's byte order (the inverse of readValue). */
@inline export function writeValue(p: usize, t: u32, be: bool, v: f64): void {
  switch (t) {
    case PLY_TYPE_I8: { store<i8>(p, <i8><i32>v); break; }
    case PLY_TYPE_U8: { store<u8>(p, <u8><u32><i32>v); break; }
    case PLY_TYPE_I16: { let b = <u16><i32>v; store<u16>(p, be ? bswap<u16>(b) : b); break; }
    case PLY_TYPE_U16: { let b = <u16><u32><i32>v; store<u16>(p, be ? bswap<u16>(b) : b); break; }
    case PLY_TYPE_I32: { let b = <u32><i32>v; store<u32>(p, be ? bswap<u32>(b) : b); break; }
    case PLY_TYPE_U32: { let b = <u32><i64>v; store<u32>(p, be ? bswap<u32>(b) : b); break; }
    case PLY_TYPE_F32: { let b = reinterpret<u32>(<f32>v); store<u32>(p, be ? bswap<u32>(b) : b); break; }
    default: { let b = reinterpret<u64>(v); store<u64>(p, be ? bswap<u64>(b) : b); }
  }
}

/** Reads a value of destination type `t` at `p` (little-endian) as f64; the inverse of storeValue. */
@inline export function loadValue(p: usize, t: u32): f64 {
  switch (t) {
    case PLY_TYPE_I8: return <f64>load<i8>(p);
    case PLY_TYPE_U8: return <f64>load<u8>(p);
    case PLY_TYPE_I16: return <f64>load<i16>(p);
    case PLY_TYPE_U16: return <f64>load<u16>(p);
    case PLY_TYPE_I32: return <f64>load<i32>(p);
    case PLY_TYPE_U32: return <f64>load<u32>(p);
    case PLY_TYPE_F32: return <f64>load<f32>(p);
    case PLY_TYPE_F64: return load<f64>(p);
    default: return <f64>load<u8>(p) / 255.0;
  }
}
