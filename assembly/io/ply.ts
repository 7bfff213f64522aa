// Binary PLY bodies, driven by property descriptors (layout.ts PLY_PROP_*) that src/io/ply
// builds from the header. One call decodes (or scans) one element.
import {
  STATUS_OK, STATUS_INVALID_ARGUMENT,
  REASON_TRUNCATED, REASON_INDEX_OUT_OF_RANGE, REASON_BAD_LIST_COUNT, REASON_BAD_TYPE,
} from "../abi/status";
import {
  PLY_PROP_BYTES, PLY_PROP_KIND, PLY_PROP_TYPE, PLY_PROP_COUNT_TYPE, PLY_PROP_ACTION, PLY_PROP_DST,
  PLY_PROP_DST_TYPE, PLY_PROP_DST_STRIDE, PLY_PROP_DST_OFFSET,
  PLY_KIND_LIST, PLY_TYPE_U32, PLY_TYPE_I32, PLY_TYPE_F32,
  PLY_ACTION_STORE, PLY_ACTION_TRIANGULATE, PLY_ACTION_LIST_RAW, PLY_ACTION_SKIP,
  PLY_OUT_END, PLY_OUT_TRIANGLES, PLY_OUT_SHORT_FACES, PLY_OUT_POLYGONS, PLY_OUT_LIST_ITEMS,
} from "../abi/layout";
import { fail } from "../abi/out";
import { typeSize, readValue, readInteger, storeValue, loadValue, writeValue } from "./ply-values";

/**
 * Decodes `records` records of one element from src[start .. srcLength) following the
 * `propCount` descriptors at `props`. With every dst = 0 it only validates and counts (the scan
 * pass that finds where the element ends and how many triangles its faces make).
 * `vertexCount` bounds PLY_ACTION_TRIANGULATE indices. `triangleFace` (u32 per emitted
 * triangle, may be 0) receives the record number each triangle came from.
 * out: PLY_OUT_END, PLY_OUT_TRIANGLES, PLY_OUT_SHORT_FACES, PLY_OUT_POLYGONS, PLY_OUT_LIST_ITEMS.
 * Errors: REASON_TRUNCATED, REASON_BAD_LIST_COUNT, REASON_INDEX_OUT_OF_RANGE, REASON_BAD_TYPE,
 * with OUT_ERROR_OFFSET = the byte offset in src.
 */
export function ply_decode_binary(
  src: usize, srcLength: usize, start: usize, records: u32, props: usize, propCount: u32,
  bigEndian: bool, vertexCount: u32, triangleFace: usize, out: usize,
): i32 {
  if (start > srcLength) return STATUS_INVALID_ARGUMENT;
  for (let k: u32 = 0; k < propCount; k++) {
    let d = props + <usize>k * PLY_PROP_BYTES;
    let t = load<u32>(d, PLY_PROP_TYPE);
    if (typeSize(t) == 0) return fail(out, REASON_BAD_TYPE, <f64>start, <f64>t, 8);
    if (load<u32>(d, PLY_PROP_KIND) == PLY_KIND_LIST && typeSize(load<u32>(d, PLY_PROP_COUNT_TYPE)) == 0) {
      return fail(out, REASON_BAD_TYPE, <f64>start, <f64>load<u32>(d, PLY_PROP_COUNT_TYPE), 8);
    }
  }
  if (!hasList(props, propCount)) return decodeFixed(src, srcLength, start, records, props, propCount, bigEndian, out);
  let pos = start;
  let triangles: u32 = 0;
  let shortFaces: u32 = 0;
  let polygons: u32 = 0;
  let listItems: u32 = 0;
  for (let r: u32 = 0; r < records; r++) {
    for (let k: u32 = 0; k < propCount; k++) {
      let d = props + <usize>k * PLY_PROP_BYTES;
      let t = load<u32>(d, PLY_PROP_TYPE);
      let size = <usize>typeSize(t);
      let action = load<u32>(d, PLY_PROP_ACTION);
      let dst = <usize>load<u32>(d, PLY_PROP_DST);
      if (load<u32>(d, PLY_PROP_KIND) != PLY_KIND_LIST) {
        if (srcLength - pos < size) return fail(out, REASON_TRUNCATED, <f64>pos, <f64>(srcLength - pos), <f64>size);
        if (action == PLY_ACTION_STORE && dst != 0) {
          let dt = load<u32>(d, PLY_PROP_DST_TYPE);
          let index = <usize>r * load<u32>(d, PLY_PROP_DST_STRIDE) + load<u32>(d, PLY_PROP_DST_OFFSET);
          // Same type: copy the bits (keeps NaN payloads); otherwise convert.
          if (dt == t) copyColumn(src + pos, 0, dst + index * size, 0, 1, <u32>size, bigEndian && size > 1);
          else storeValue(dst + index * typeSize(dt), dt, readValue(src + pos, t, bigEndian));
        }
        pos += size;
        continue;
      }
      // A list: count, then count items.
      let ct = load<u32>(d, PLY_PROP_COUNT_TYPE);
      let cs = <usize>typeSize(ct);
      if (srcLength - pos < cs) return fail(out, REASON_TRUNCATED, <f64>pos, <f64>(srcLength - pos), <f64>cs);
      let count = readInteger(src + pos, ct, bigEndian);
      let left = srcLength - pos - cs;
      if (count < 0 || <u64>count * size > <u64>left) {
        return fail(out, count < 0 ? REASON_BAD_LIST_COUNT : REASON_TRUNCATED, <f64>pos, <f64>count, <f64>(<u64>left / size));
      }
      pos += cs;
      let n = <u32>count;
      if (action == PLY_ACTION_TRIANGULATE && dst == 0) {
        // Scan pass: count only; indices are range-checked by the decode pass.
        if (n < 3) shortFaces++;
        else {
          if (n > 3) polygons++;
          triangles += n - 2;
        }
      } else if (action == PLY_ACTION_TRIANGULATE && n == 3 && size == 4 && !bigEndian && (t == PLY_TYPE_I32 || t == PLY_TYPE_U32)) {
        // The common case: a triangle of 32-bit little-endian indices. Negative i32 values
        // compare as huge u32, so one unsigned test covers both ends of the range.
        let p = src + pos;
        let a = load<u32>(p), b = load<u32>(p, 4), c = load<u32>(p, 8);
        if (a >= vertexCount || b >= vertexCount || c >= vertexCount) {
          let k: u32 = a >= vertexCount ? 0 : b >= vertexCount ? 1 : 2;
          let v = readInteger(p + (<usize>k << 2), t, false);
          return fail(out, REASON_INDEX_OUT_OF_RANGE, <f64>(pos + (<usize>k << 2)), <f64>v, <f64>vertexCount);
        }
        let q = dst + <usize>triangles * 12;
        store<u32>(q, a);
        store<u32>(q, b, 4);
        store<u32>(q, c, 8);
        if (triangleFace != 0) store<u32>(triangleFace + (<usize>triangles << 2), r);
        triangles++;
      } else if (action == PLY_ACTION_TRIANGULATE) {
        let p = src + pos;
        for (let i: u32 = 0; i < n; i++) {
          let v = readInteger(p + <usize>i * size, t, bigEndian);
          if (v < 0 || v >= <i64>vertexCount) {
            return fail(out, REASON_INDEX_OUT_OF_RANGE, <f64>(pos + <usize>i * size), <f64>v, <f64>vertexCount);
          }
        }
        if (n >= 3) {
          // Fan: (first, previous, current).
          let first = <u32>readInteger(p, t, bigEndian);
          let prev = <u32>readInteger(p + size, t, bigEndian);
          for (let i: u32 = 2; i < n; i++) {
            let cur = <u32>readInteger(p + <usize>i * size, t, bigEndian);
            let q = dst + <usize>triangles * 12;
            store<u32>(q, first);
            store<u32>(q, prev, 4);
            store<u32>(q, cur, 8);
            if (triangleFace != 0) store<u32>(triangleFace + (<usize>triangles << 2), r);
            prev = cur;
            triangles++;
          }
        }
      } else if (action == PLY_ACTION_LIST_RAW) {
        if (dst != 0) {
          for (let i: u32 = 0; i < n; i++) {
            store<i32>(dst + (<usize>(listItems + i) << 2), <i32>readInteger(src + pos + <usize>i * size, t, bigEndian));
          }
        }
        listItems += n;
      }
      pos += <usize>n * size;
    }
  }
  store<f64>(out + PLY_OUT_END, <f64>pos);
  store<u32>(out + PLY_OUT_TRIANGLES, triangles);
  store<u32>(out + PLY_OUT_SHORT_FACES, shortFaces);
  store<u32>(out + PLY_OUT_POLYGONS, polygons);
  store<u32>(out + PLY_OUT_LIST_ITEMS, listItems);
  return STATUS_OK;
}

/**
 * Encodes `records` records of one element at `dst` (which must hold records * the record size,
 * + 16 spare bytes). Scalars: PLY_ACTION_STORE reads src[record * stride + offset] of
 * PLY_PROP_DST_TYPE at PLY_PROP_DST and writes PLY_PROP_TYPE. Lists: PLY_ACTION_TRIANGULATE writes
 * count 3 (PLY_PROP_COUNT_TYPE) and the record's 3 u32 indices from PLY_PROP_DST. Records have a
 * fixed size, so each property is written as a column. out: PLY_OUT_END = bytes written.
 */
export function ply_encode_binary(
  dst: usize, records: u32, props: usize, propCount: u32, bigEndian: bool, out: usize,
): i32 {
  let recordBytes: usize = 0;
  for (let k: u32 = 0; k < propCount; k++) {
    let d = props + <usize>k * PLY_PROP_BYTES;
    let t = load<u32>(d, PLY_PROP_TYPE);
    if (typeSize(t) == 0) return STATUS_INVALID_ARGUMENT;
    let action = load<u32>(d, PLY_PROP_ACTION);
    if (action == PLY_ACTION_STORE) {
      if (typeSize(load<u32>(d, PLY_PROP_DST_TYPE)) == 0) return STATUS_INVALID_ARGUMENT;
      recordBytes += typeSize(t);
    } else if (action == PLY_ACTION_TRIANGULATE) {
      let cs = typeSize(load<u32>(d, PLY_PROP_COUNT_TYPE));
      if (cs == 0) return STATUS_INVALID_ARGUMENT;
      recordBytes += cs + 3 * typeSize(t);
    } else return STATUS_INVALID_ARGUMENT;
  }
  let offset: usize = 0;
  for (let k: u32 = 0; k < propCount; k++) {
    let d = props + <usize>k * PLY_PROP_BYTES;
    let t = load<u32>(d, PLY_PROP_TYPE);
    let size = <usize>typeSize(t);
    let s = <usize>load<u32>(d, PLY_PROP_DST);
    let q = dst + offset;
    if (load<u32>(d, PLY_PROP_ACTION) == PLY_ACTION_STORE) {
      let st = load<u32>(d, PLY_PROP_DST_TYPE);
      let ssize = <usize>typeSize(st);
      let stride = <usize>load<u32>(d, PLY_PROP_DST_STRIDE) * ssize;
      let p = s + <usize>load<u32>(d, PLY_PROP_DST_OFFSET) * ssize;
      if (st == t) copyColumn(p, stride, q, recordBytes, records, <u32>size, bigEndian && size > 1);
      else for (let r: u32 = 0; r < records; r++, p += stride, q += recordBytes) writeValue(q, t, bigEndian, loadValue(p, st));
      offset += size;
    } else {
      let ct = load<u32>(d, PLY_PROP_COUNT_TYPE);
      let cs = <usize>typeSize(ct);
      if (cs == 1 && size == 4 && !bigEndian) {
        for (let r: u32 = 0; r < records; r++, s += 12, q += recordBytes) {
          store<u8>(q, 3);
          store<u32>(q, load<u32>(s), 1);
          store<u32>(q, load<u32>(s, 4), 5);
          store<u32>(q, load<u32>(s, 8), 9);
        }
      } else {
        for (let r: u32 = 0; r < records; r++, s += 12, q += recordBytes) {
          writeValue(q, ct, bigEndian, 3);
          for (let i: u32 = 0; i < 3; i++) writeValue(q + cs + <usize>i * size, t, bigEndian, <f64>load<u32>(s + (<usize>i << 2)));
        }
      }
      offset += cs + 3 * size;
    }
  }
  store<f64>(out + PLY_OUT_END, <f64>(<usize>records * recordBytes));
  return STATUS_OK;
}

/** True when any descriptor is a list. */
function hasList(props: usize, propCount: u32): bool {
  for (let k: u32 = 0; k < propCount; k++) {
    if (load<u32>(props + <usize>k * PLY_PROP_BYTES, PLY_PROP_KIND) == PLY_KIND_LIST) return true;
  }
  return false;
}

/** Copies `n` values of `size` bytes from a strided source to a strided destination, swapping bytes when `swap`. */
@inline function copyColumn(src: usize, srcStride: usize, dst: usize, dstStride: usize, n: u32, size: u32, swap: bool): void {
  if (size == 4) {
    if (swap) for (let i: u32 = 0; i < n; i++, src += srcStride, dst += dstStride) store<u32>(dst, bswap<u32>(load<u32>(src)));
    else for (let i: u32 = 0; i < n; i++, src += srcStride, dst += dstStride) store<u32>(dst, load<u32>(src));
  } else if (size == 1) {
    for (let i: u32 = 0; i < n; i++, src += srcStride, dst += dstStride) store<u8>(dst, load<u8>(src));
  } else if (size == 2) {
    if (swap) for (let i: u32 = 0; i < n; i++, src += srcStride, dst += dstStride) store<u16>(dst, bswap<u16>(load<u16>(src)));
    else for (let i: u32 = 0; i < n; i++, src += srcStride, dst += dstStride) store<u16>(dst, load<u16>(src));
  } else {
    if (swap) for (let i: u32 = 0; i < n; i++, src += srcStride, dst += dstStride) store<u64>(dst, bswap<u64>(load<u64>(src)));
    else for (let i: u32 = 0; i < n; i++, src += srcStride, dst += dstStride) store<u64>(dst, load<u64>(src));
  }
}

/**
 * Elements without lists have a fixed record size: validate the extent once, then decode each
 * stored property as a column (one tight loop per property; a plain strided copy when the
 * destination type is the file's type, which is the case for everything but double positions
 * and float colours).
 */
function decodeFixed(src: usize, srcLength: usize, start: usize, records: u32, props: usize, propCount: u32, bigEndian: bool, out: usize): i32 {
  let recordBytes: usize = 0;
  for (let k: u32 = 0; k < propCount; k++) recordBytes += typeSize(load<u32>(props + <usize>k * PLY_PROP_BYTES, PLY_PROP_TYPE));
  let available = srcLength - start;
  if (<u64>records * recordBytes > <u64>available) {
    let record = recordBytes > 0 ? available / recordBytes : 0;
    return fail(out, REASON_TRUNCATED, <f64>(start + record * recordBytes), <f64>(available - record * recordBytes), <f64>recordBytes);
  }
  let offset: usize = 0;
  for (let k: u32 = 0; k < propCount; k++) {
    let d = props + <usize>k * PLY_PROP_BYTES;
    let t = load<u32>(d, PLY_PROP_TYPE);
    let size = typeSize(t);
    let dst = <usize>load<u32>(d, PLY_PROP_DST);
    if (load<u32>(d, PLY_PROP_ACTION) == PLY_ACTION_STORE && dst != 0) {
      let dt = load<u32>(d, PLY_PROP_DST_TYPE);
      let dsize = <usize>typeSize(dt);
      let stride = <usize>load<u32>(d, PLY_PROP_DST_STRIDE);
      let q = dst + <usize>load<u32>(d, PLY_PROP_DST_OFFSET) * dsize;
      let p = src + start + offset;
      if (dt == t) {
        copyColumn(p, recordBytes, q, stride * dsize, records, size, bigEndian && size > 1);
      } else {
        for (let r: u32 = 0; r < records; r++, p += recordBytes, q += stride * dsize) storeValue(q, dt, readValue(p, t, bigEndian));
      }
    }
    offset += size;
  }
  store<f64>(out + PLY_OUT_END, <f64>(start + <usize>records * recordBytes));
  store<u32>(out + PLY_OUT_TRIANGLES, 0);
  store<u32>(out + PLY_OUT_SHORT_FACES, 0);
  store<u32>(out + PLY_OUT_POLYGONS, 0);
  store<u32>(out + PLY_OUT_LIST_ITEMS, 0);
  return STATUS_OK;
}
