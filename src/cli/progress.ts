// The commands' progress bar: drawn on stderr, only when stderr is a terminal (the caller checks),
// cleared when done; cli-progress is loaded on demand so that piped runs never pay for it.
import type { CliIo } from './io.js';

/**
 * Starts a bar over `total` units. `format` is a cli-progress format ({bar}, {value}, {total},
 * {percentage}, {eta_formatted} and the keys of `payload`, whose values start as given).
 */
export async function startProgressBar(io: CliIo, total: number, format: string, payload: Record<string, string> = {}) {
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar({
    stream: io.stderr as NodeJS.WritableStream,
    format,
    hideCursor: true,
    clearOnComplete: true,
    fps: 10,
  }, cliProgress.Presets.shades_classic);
  bar.start(total, 0, payload);
  return bar;
}
