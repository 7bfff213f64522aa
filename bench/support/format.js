// Number formatting and markdown tables for bench reports.

/** Milliseconds with 3 significant digits (1 decimal at least below 100). */
export function ms(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** MB/s (1 MB = 1e6 bytes), no decimals. */
export function mbs(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return Math.round(v).toLocaleString('en-US');
}

/** A ratio like 5.3x. */
export function ratio(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return `${v >= 10 ? v.toFixed(1) : v.toFixed(2)}x`;
}

export function pct(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return `${v.toFixed(0)}%`;
}

/** A markdown table from a header row and rows of cells. */
export function table(header, rows) {
  const esc = (c) => String(c).replace(/\|/g, '\\|');
  const lines = [`| ${header.map(esc).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.map(esc).join(' | ')} |`);
  return lines.join('\n');
}
