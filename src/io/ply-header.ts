// PLY headers: format, elements with their properties, comments and obj_info. The body offset
// accounts for CR, LF or CRLF after end_header. Every count is checked against the bytes present.
import { ScanfuseError } from '../errors.js';

export type PlyScalarType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';
export type PlyFormat = 'ascii' | 'binary_little_endian' | 'binary_big_endian';

export interface PlyProperty {
  name: string;
  /** Value type (list item type for lists). */
  type: PlyScalarType;
  /** Present for list properties: the type of the count. */
  countType?: PlyScalarType;
}

export interface PlyElement {
  name: string;
  count: number;
  properties: PlyProperty[];
  /** 1-based header line of the `element` keyword. */
  line: number;
}

export interface PlyHeader {
  format: PlyFormat;
  elements: PlyElement[];
  comments: string[];
  objInfo: string[];
  /** Byte offset of the first body byte. */
  bodyOffset: number;
  /** 1-based line number of the first body line (ASCII). */
  bodyLine: number;
  /** Header lines with no PLY keyword (some old exporters write bare text); they are ignored. */
  unknownLines: string[];
}

/** Canonical type for every PLY type name and alias. */
export const PLY_TYPE_NAMES: Readonly<Record<string, PlyScalarType>> = {
  char: 'int8', int8: 'int8', uchar: 'uint8', uint8: 'uint8',
  short: 'int16', int16: 'int16', ushort: 'uint16', uint16: 'uint16',
  int: 'int32', int32: 'int32', uint: 'uint32', uint32: 'uint32',
  float: 'float32', float32: 'float32', double: 'float64', float64: 'float64',
};

export const PLY_TYPE_SIZE: Readonly<Record<PlyScalarType, number>> = {
  int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8,
};

/** Limit on the header's size: a header is text; 1 MiB of it is already absurd. */
const MAX_HEADER_BYTES = 1 << 20;

export function parsePlyHeader(bytes: Uint8Array, api: string, file?: string): PlyHeader {
  const malformed = (message: string, line: number, byteOffset: number, extra: Record<string, unknown> = {}) =>
    new ScanfuseError('MALFORMED_INPUT', `${api}: ${message}`, { file, line, byteOffset, ...extra });
  // Magic: "ply" then LF, CRLF or CR. The same newline style is expected after end_header.
  if (!(bytes[0] === 0x70 && bytes[1] === 0x6c && bytes[2] === 0x79 && (bytes[3] === 0x0a || bytes[3] === 0x0d))) {
    throw new ScanfuseError('UNSUPPORTED_FORMAT', `${api}: not a PLY file (no 'ply' magic line)`, { file, byteOffset: 0 });
  }
  const limit = Math.min(bytes.length, MAX_HEADER_BYTES);
  let pos = 0;
  let line = 0;
  let format: PlyFormat | null = null;
  const elements: PlyElement[] = [];
  const comments: string[] = [];
  const objInfo: string[] = [];
  const unknownLines: string[] = [];
  const decoder = new TextDecoder('utf-8');
  let crlfCount = 0;
  let crCount = 0;
  for (;;) {
    if (pos >= limit) {
      throw malformed(bytes.length > MAX_HEADER_BYTES ? 'no end_header within the first 1 MiB' : 'no end_header line', line, pos);
    }
    const lineStart = pos;
    while (pos < limit && bytes[pos] !== 0x0a && bytes[pos] !== 0x0d) pos++;
    if (pos >= limit) throw malformed('no end_header line', line + 1, lineStart);
    const text = decoder.decode(bytes.subarray(lineStart, pos));
    line++;
    // Consume the newline: CRLF, LF or CR. After end_header a CR followed by LF is CRLF unless
    // every earlier line ended with a lone CR (then the LF is the first body byte).
    const isEnd = text.trim() === 'end_header';
    let newline = 1;
    if (bytes[pos] === 0x0d && bytes[pos + 1] === 0x0a && !(isEnd && crCount > 0 && crlfCount === 0)) {
      newline = 2;
      crlfCount++;
    } else if (bytes[pos] === 0x0d) crCount++;
    pos += newline;
    const trimmed = text.trim();
    if (line === 1) continue; // "ply"
    if (trimmed === '') continue;
    const words = trimmed.split(/[ \t]+/);
    const keyword = words[0];
    if (keyword === 'end_header') break;
    switch (keyword) {
      case 'format': {
        const f = words[1];
        if (f !== 'ascii' && f !== 'binary_little_endian' && f !== 'binary_big_endian') {
          throw new ScanfuseError('UNSUPPORTED_FORMAT', `${api}: unknown PLY format '${f ?? ''}'`, { file, line, byteOffset: lineStart, actual: f });
        }
        if (words[2] !== undefined && !/^1(\.0*)?$/.test(words[2])) {
          throw new ScanfuseError('UNSUPPORTED_FORMAT', `${api}: unsupported PLY version '${words[2]}'`, { file, line, byteOffset: lineStart, expected: '1.0', actual: words[2] });
        }
        format = f;
        break;
      }
      case 'comment':
        comments.push(text.replace(/^\s*comment\s?/, ''));
        break;
      case 'obj_info':
        objInfo.push(text.replace(/^\s*obj_info\s?/, ''));
        break;
      case 'element': {
        if (words.length !== 3) throw malformed(`'element' needs a name and a count`, line, lineStart, { actual: trimmed });
        if (!/^\d+$/.test(words[2]) || Number(words[2]) > 0xffffffff) {
          throw malformed(`element '${words[1]}' has an invalid count '${words[2]}'`, line, lineStart, { expected: 'an integer 0..4294967295', actual: words[2] });
        }
        if (elements.some((e) => e.name === words[1])) throw malformed(`element '${words[1]}' is declared twice`, line, lineStart);
        elements.push({ name: words[1], count: Number(words[2]), properties: [], line });
        break;
      }
      case 'property': {
        const element = elements[elements.length - 1];
        if (!element) throw malformed(`'property' before any 'element'`, line, lineStart);
        let property: PlyProperty;
        if (words[1] === 'list') {
          if (words.length !== 5) throw malformed(`'property list' needs a count type, an item type and a name`, line, lineStart, { actual: trimmed });
          const countType = PLY_TYPE_NAMES[words[2]];
          const type = PLY_TYPE_NAMES[words[3]];
          if (!countType) throw malformed(`unknown type '${words[2]}'`, line, lineStart, { actual: words[2] });
          if (!type) throw malformed(`unknown type '${words[3]}'`, line, lineStart, { actual: words[3] });
          if (countType === 'float32' || countType === 'float64') throw malformed(`a list count type must be an integer type`, line, lineStart, { actual: words[2] });
          property = { name: words[4], type, countType };
        } else {
          if (words.length !== 3) throw malformed(`'property' needs a type and a name`, line, lineStart, { actual: trimmed });
          const type = PLY_TYPE_NAMES[words[1]];
          if (!type) throw malformed(`unknown type '${words[1]}'`, line, lineStart, { actual: words[1] });
          property = { name: words[2], type };
        }
        if (element.properties.some((p) => p.name === property.name)) {
          throw malformed(`property '${property.name}' is declared twice in element '${element.name}'`, line, lineStart);
        }
        element.properties.push(property);
        break;
      }
      default:
        // Old exporters (Blender 2.4x) wrote bare text lines; a misspelt keyword shows up as a
        // body that does not match the header, which the body readers report.
        unknownLines.push(trimmed);
    }
  }
  if (!format) throw malformed(`no 'format' line in the header`, line, pos);
  const header: PlyHeader = { format, elements, comments, objInfo, bodyOffset: pos, bodyLine: line + 1, unknownLines };
  checkSizes(header, bytes.length, api, file);
  return header;
}

/** Minimum bytes one record of `element` occupies in this format. */
export function minRecordBytes(element: PlyElement, format: PlyFormat): number {
  let bytes = 0;
  for (const p of element.properties) {
    if (format === 'ascii') bytes += 2; // at least one character and one separator per value
    else bytes += p.countType ? PLY_TYPE_SIZE[p.countType] : PLY_TYPE_SIZE[p.type];
  }
  return bytes;
}

/** Rejects headers whose counts cannot fit in the bytes present, before anything is allocated. */
function checkSizes(header: PlyHeader, length: number, api: string, file?: string): void {
  const available = length - header.bodyOffset + (header.format === 'ascii' ? 1 : 0); // last value may lack a separator
  let needed = 0;
  for (const element of header.elements) {
    needed += element.count * minRecordBytes(element, header.format);
    if (needed > available) {
      throw new ScanfuseError('MALFORMED_INPUT',
        `${api}: element '${element.name}' claims ${element.count} records, more than the ${length - header.bodyOffset} body bytes can hold`,
        { file, line: element.line, byteOffset: header.bodyOffset, expected: `<= ${available} bytes`, actual: `>= ${needed} bytes` });
    }
  }
}
