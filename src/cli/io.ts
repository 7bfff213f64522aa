// What a CLI command may touch of its process: two output streams and a working directory.
// Tests pass in-memory streams; bin/scanfuse.js passes the process's own.

export interface CliOutput {
  write(chunk: string): unknown;
  /** True for a terminal: only then is a progress bar drawn. */
  isTTY?: boolean;
}

export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  /** Directory relative paths are resolved against. */
  cwd: string;
}

/**
 * The process's own streams and working directory. A reader that goes away (`scanfuse info x |
 * head`) silences that stream instead of crashing the command: a conversion still finishes its
 * files and cleans up.
 */
export function processIo(): CliIo {
  return { stdout: quietOnEpipe(process.stdout), stderr: quietOnEpipe(process.stderr), cwd: process.cwd() };
}

function quietOnEpipe(stream: NodeJS.WriteStream): CliOutput {
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    closed = true;
  });
  return {
    write: (chunk: string) => (closed ? false : stream.write(chunk)),
    get isTTY() {
      return stream.isTTY === true;
    },
    /** Terminal width (cli-progress reads it). */
    get columns() {
      return stream.columns;
    },
  } as CliOutput;
}

/** A mistake in the command line (exit code 2), as opposed to a file that failed (exit code 1). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit codes of every command. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
