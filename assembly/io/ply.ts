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
          storeValue(dst + index * typeSize(dt), dt, readValue(src + pos, t, bigEndian));
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
      if (action == PLY_ACTION_TRIANGULATE) {
        let p = src + pos;
        for (let i: u32 = 0; i < n; i++) {
          let v = readInteger(p + <usize>i * size, t, bigEndian);
          if (v < 0 || v >= <i64>vertexCount) {
            return fail(out, REASON_INDEX_OUT_OF_RANGE, <f64>(pos + <usize>i * size), <f64>v, <f64>vertexCount);
          }
        }
        if (n < 3) shortFaces++;
        else {
          if (n > 3) polygons++;
          if (dst != 0) {
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
          } else {
            triangles += n - 2;
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
 * Encodes `records` records of one element at `dst` (which must hold the exact byte size that
 * src/io/ply computes). Scalars: PLY_ACTION_STORE reads src[record * stride + offset] of
 * PLY_PROP_DST_TYPE at PLY_PROP_DST and writes PLY_PROP_TYPE. Lists: PLY_ACTION_TRIANGULATE writes
 * count 3 (PLY_PROP_COUNT_TYPE) and the record's 3 u32 indices from PLY_PROP_DST.
 * Returns STATUS_OK; out: PLY_OUT_END = bytes written.
 */
export function ply_encode_binary(
  dst: usize, records: u32, props: usize, propCount: u32, bigEndian: bool, out: usize,
): i32 {
  for (let k: u32 = 0; k < propCount; k++) {
    let d = props + <usize>k * PLY_PROP_BYTES;
    if (typeSize(load<u32>(d, PLY_PROP_TYPE)) == 0) return STATUS_INVALID_ARGUMENT;
    let action = load<u32>(d, PLY_PROP_ACTION);
    if (action != PLY_ACTION_STORE && action != PLY_ACTION_TRIANGULATE) return STATUS_INVALID_ARGUMENT;
  }
  // Fast path: the common face element "list uchar int|uint vertex_indices", little-endian.
  if (propCount == 1 && !bigEndian) {
    let d = props;
    let t = load<u32>(d, PLY_PROP_TYPE);
    if (load<u32>(d, PLY_PROP_ACTION) == PLY_ACTION_TRIANGULATE && typeSize(load<u32>(d, PLY_PROP_COUNT_TYPE)) == 1
      && (t == PLY_TYPE_I32 || t == PLY_TYPE_U32)) {
      let s = <usize>load<u32>(d, PLY_PROP_DST);
      let q = dst;
      for (let r: u32 = 0; r < records; r++) {
        store<u8>(q, 3);
        v128.store(q + 1, v128.load(s)); // 12 index bytes + 4 spare, overwritten next record
        s += 12;
        q += 13;
      }
      store<f64>(out + PLY_OUT_END, <f64>(q - dst));
      return STATUS_OK;
    }
  }
  // Fast path: only f32 scalars from f32 sources, little-endian (x y z [nx ny nz] ...).
  let allF32 = !bigEndian;
  for (let k: u32 = 0; k < propCount && allF32; k++) {
    let d = props + <usize>k * PLY_PROP_BYTES;
    allF32 = load<u32>(d, PLY_PROP_ACTION) == PLY_ACTION_STORE && load<u32>(d, PLY_PROP_TYPE) == PLY_TYPE_F32
      && load<u32>(d, PLY_PROP_DST_TYPE) == PLY_TYPE_F32;
  }
  let q = dst;
  if (allF32) {
    for (let r: u32 = 0; r < records; r++) {
      for (let k: u32 = 0; k < propCount; k++) {
        let d = props + <usize>k * PLY_PROP_BYTES;
        let index = <usize>r * load<u32>(d, PLY_PROP_DST_STRIDE) + load<u32>(d, PLY_PROP_DST_OFFSET);
        store<u32>(q, load<u32>(<usize>load<u32>(d, PLY_PROP_DST) + (index << 2)));
        q += 4;
      }
    }
    store<f64>(out + PLY_OUT_END, <f64>(q - dst));
    return STATUS_OK;
  }
  for (let r: u32 = 0; r < records; r++) {
    for (let k: u32 = 0; k < propCount; k++) {
      let d = props + <usize>k * PLY_PROP_BYTES;
      let t = load<u32>(d, PLY_PROP_TYPE);
      let s = <usize>load<u32>(d, PLY_PROP_DST);
      if (load<u32>(d, PLY_PROP_ACTION) == PLY_ACTION_STORE) {
        let st = load<u32>(d, PLY_PROP_DST_TYPE);
        let index = <usize>r * load<u32>(d, PLY_PROP_DST_STRIDE) + load<u32>(d, PLY_PROP_DST_OFFSET);
        writeValue(q, t, bigEndian, loadValue(s + index * typeSize(st), st));
        q += typeSize(t);
      } else {
        let ct = load<u32>(d, PLY_PROP_COUNT_TYPE);
        writeValue(q, ct, bigEndian, 3);
        q += typeSize(ct);
        let size = <usize>typeSize(t);
        let ip = s + <usize>r * 12;
        for (let i: u32 = 0; i < 3; i++) {
          writeValue(q, t, bigEndian, <f64>load<u32>(ip + (<usize>i << 2)));
          q += size;
        }
      }
    }
  }
  store<f64>(out + PLY_OUT_END, <f64>(q - dst));
  return STATUS_OK;
}
