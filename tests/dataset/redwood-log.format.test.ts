// Redwood .log trajectories: hand-made text in metres <-> column-major poses in mm, strict
// errors with line numbers, and the write -> read precision (< 1e-9 mm, see REDWOOD_LOG_DECIMALS).
import { describe, expect, it } from 'vitest';
import { formatRedwoodLog, parseRedwoodLog, REDWOOD_LOG_DECIMALS, ScanfuseError } from '../../src/index.js';
import { fromAxisAngle, multiply, normalize } from '../../src/math/pose.js';
import { Random } from '../../src/math/random.js';

function expectError(fn: () => unknown, code: string, details: Record<string, unknown> = {}): ScanfuseError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ScanfuseError);
    expect((e as ScanfuseError).code).toBe(code);
    expect((e as ScanfuseError).details).toMatchObject(details);
    return e as ScanfuseError;
  }
  throw new Error(`expected ScanfuseError ${code}`);
}

// Two blocks as Redwood prints them: a quarter turn about z, translation in metres.
const TWO_POSES = [
  '0 0 1',
  '1 0 0 0.0100',
  '0 1 0 -0.0200',
  '0 0 1 0.0300',
  '0 0 0 1',
  '1 1 2',
  '0.0 -1.0 0.0 2.5',
  '1.0 0.0 0.0 0',
  '0.0 0.0 1.0 -0.001',
  '0.0 0.0 0.0 1.0',
  '',
].join('\n');

describe('parseRedwoodLog', () => {
  it('reads metres into column-major mm poses with their metadata', () => {
    const log = parseRedwoodLog(TWO_POSES);
    expect(log.entries.map((e) => e.metadata)).toEqual([[0, 0, 1], [1, 1, 2]]);
    expect(log.entries.map((e) => e.line)).toEqual([1, 6]);
    expect(Array.from(log.cameraToWorld[0])).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 10, -20, 30, 1]);
    // Row-major text, column-major array: the first column is (0, 1, 0).
    const m = log.cameraToWorld[1];
    expect(Array.from(m.subarray(0, 12))).toEqual([0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1, 0]);
    expect(m[12]).toBeCloseTo(2500, 12);
    expect(m[13]).toBe(0);
    expect(m[14]).toBeCloseTo(-1, 12);
  });

  it('accepts CR LF, tabs, repeated spaces, blank lines, exponents and a missing final newline', () => {
    const text = '\r\n0\t0  1\r\n1e0 0 0 1e-3\r\n0 1 0 0\r\n\r\n0 0 1 -2.5E-3\r\n0 0 0 1';
    const [m] = parseRedwoodLog(text).cameraToWorld;
    expect(m[12]).toBeCloseTo(1, 12);
    expect(m[14]).toBeCloseTo(-2.5, 12);
  });

  it('reads millimetre files with unitsPerMm 1, and an empty file as no poses', () => {
    expect(parseRedwoodLog(TWO_POSES, { unitsPerMm: 1 }).cameraToWorld[0][12]).toBe(0.01);
    expect(parseRedwoodLog('').entries).toEqual([]);
    expect(parseRedwoodLog('\n \n').entries).toEqual([]);
  });

  it('rejects malformed text with the line number', () => {
    const lines = TWO_POSES.split('\n');
    const edit = (line: number, text: string) => lines.map((l, i) => (i === line - 1 ? text : l)).join('\n');
    expectError(() => parseRedwoodLog(edit(3, '0 1 zero -0.02'), { fileName: 'a.log' }), 'MALFORMED_INPUT', { line: 3, file: 'a.log' });
    expectError(() => parseRedwoodLog(edit(4, '0 0 1')), 'MALFORMED_INPUT', { line: 4, expected: 4, actual: 3 });
    expectError(() => parseRedwoodLog(edit(6, '1 1')), 'MALFORMED_INPUT', { line: 6, expected: 3, actual: 2 });
    expectError(() => parseRedwoodLog(edit(6, '1 1.5 2')), 'MALFORMED_INPUT', { line: 6 });
    expectError(() => parseRedwoodLog(edit(8, '1 0 0 nan')), 'MALFORMED_INPUT', { line: 8 });
    expectError(() => parseRedwoodLog(edit(8, '1 0 0 Infinity')), 'MALFORMED_INPUT', { line: 8 });
    expectError(() => parseRedwoodLog(edit(8, '1 0 0 1e999')), 'MALFORMED_INPUT', { line: 8 });
    expectError(() => parseRedwoodLog(edit(8, '1 0 0 0x10')), 'MALFORMED_INPUT', { line: 8 });
    // Not rigid: a scaled rotation, a perspective last row (reported at the block's first line).
    expectError(() => parseRedwoodLog(edit(7, '0.0 -2.0 0.0 2.5')), 'MALFORMED_INPUT', { line: 6 });
    expectError(() => parseRedwoodLog(edit(10, '0.0 0.0 0.5 1.0')), 'MALFORMED_INPUT', { line: 6 });
    // ... unless the caller accepts any matrix.
    expect(parseRedwoodLog(edit(7, '0.0 -2.0 0.0 2.5'), { rigidTolerance: Infinity }).entries).toHaveLength(2);
  });

  it('rejects a truncated file at its last line', () => {
    const lines = TWO_POSES.split('\n');
    for (let keep = 6; keep <= 9; keep++) {
      const e = expectError(() => parseRedwoodLog(`${lines.slice(0, keep).join('\n')}\n`, { fileName: 't.log' }), 'MALFORMED_INPUT', { line: keep, file: 't.log' });
      expect(e.message).toMatch(/truncated/);
    }
    // Cut inside a number: still a well-formed line, but the block is short.
    expectError(() => parseRedwoodLog(TWO_POSES.slice(0, TWO_POSES.indexOf('0.0 0.0 0.0 1.0') + 4)), 'MALFORMED_INPUT', { line: 10 });
  });

  it('rejects bad options', () => {
    expectError(() => parseRedwoodLog(TWO_POSES, { unitsPerMm: 0 }), 'INVALID_ARGUMENT');
    expectError(() => parseRedwoodLog(42 as unknown as string), 'INVALID_ARGUMENT');
  });
});

describe('formatRedwoodLog', () => {
  it('prints k k k+1 and row-major metres with fixed decimals', () => {
    const m = fromAxisAngle([0, 0, 1], Math.PI / 2, [1, -2, 30]);
    const text = formatRedwoodLog([m, m]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('0 0 1');
    expect(lines[5]).toBe('1 1 2');
    expect(lines[1]).toBe(`0.${'0'.repeat(15)} -1.${'0'.repeat(15)} 0.${'0'.repeat(15)} 0.001${'0'.repeat(12)}`);
    expect(lines[2].split(' ')[3]).toBe('-0.002000000000000');
    expect(lines[3].split(' ')[3]).toBe('0.030000000000000');
    expect(lines[4]).toBe(['0', '0', '0', '1'].map((v) => `${v}.${'0'.repeat(REDWOOD_LOG_DECIMALS)}`).join(' '));
    expect(text.endsWith('\n')).toBe(true);
    expect(text).not.toMatch(/-0\.0+ /);
    expect(formatRedwoodLog([])).toBe('');
  });

  it('writes given metadata, decimals and units', () => {
    const m = fromAxisAngle([1, 0, 0], 0, [1000, 0, 0]);
    const text = formatRedwoodLog([m], { metadata: [[3, 7, 9]], decimals: 2, unitsPerMm: 1 });
    expect(text.split('\n').slice(0, 2)).toEqual(['3 7 9', '1.00 0.00 0.00 1000.00']);
    expect(() => formatRedwoodLog([m], { metadata: [] })).toThrow(ScanfuseError);
    expectError(() => formatRedwoodLog([new Float64Array(15)]), 'INVALID_ARGUMENT');
    expectError(() => formatRedwoodLog([Float64Array.from({ length: 16 }, () => NaN)]), 'INVALID_ARGUMENT');
  });

  it('round-trips poses to better than 1e-9 mm (translations) and 1e-15 (rotations)', () => {
    const rng = new Random(11);
    const poses = Array.from({ length: 200 }, () => {
      const axis = normalize([rng.range(-1, 1), rng.range(-1, 1), rng.range(-1, 1)]);
      const t = [rng.range(-80, 80), rng.range(-80, 80), rng.range(-5000, 5000)];
      return multiply(fromAxisAngle(axis, rng.range(-Math.PI, Math.PI), t), fromAxisAngle([0, 0, 1], rng.range(0, 1)));
    });
    const back = parseRedwoodLog(formatRedwoodLog(poses)).cameraToWorld;
    let worstT = 0, worstR = 0;
    poses.forEach((m, k) => {
      for (let i = 0; i < 16; i++) {
        const d = Math.abs(back[k][i] - m[i]);
        if (i >= 12 && i < 15) worstT = Math.max(worstT, d); else worstR = Math.max(worstR, d);
      }
    });
    expect(worstT).toBeLessThan(1e-9);
    expect(worstR).toBeLessThan(1e-15);
  });
});
