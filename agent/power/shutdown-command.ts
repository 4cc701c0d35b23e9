/**
 * Shutting the controller itself down when the UPS runs low, so the SD card is not corrupted by
 * the power cut. The command comes from config and runs through an injected process runner
 * (never a shell), so tests and the simulation record it instead of halting the machine.
 */
import { execFile } from 'node:child_process';

export interface ProcessResult {
  exitCode: number | null;
  output: string;
}

export type ProcessRunner = (argv: readonly string[]) => Promise<ProcessResult>;

/** Runs a program with arguments; a program that cannot start is a result, not an exception. */
export const execFileRunner: ProcessRunner = (argv) =>
  new Promise((resolve) => {
    const [program, ...args] = argv;
    if (!program) {
      resolve({ exitCode: null, output: 'empty command' });
      return;
    }
    execFile(program, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err && typeof err.code === 'number' ? err.code : err ? null : 0;
      resolve({
        exitCode: code,
        output: `${stdout}${stderr}${err && code === null ? err.message : ''}`.trim(),
      });
    });
  });

/** `systemctl poweroff` → `['systemctl', 'poweroff']`; arguments are split on spaces, no quoting. */
export function commandArgv(command: string): string[] {
  return command.split(/\s+/).filter(Boolean);
}
