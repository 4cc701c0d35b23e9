/**
 * The one port through which a program runs (issue 17.5): probes (iputils `ping`), the agent's own
 * commands (the controller's shutdown and reboot), the sensors' system tools (`vcgencmd`,
 * `timedatectl`, `chronyc`) and libgpiod's tools, some of which keep running (`gpiomon`, a held
 * `gpioset`). Tests inject a runner that wraps the command (`ip netns exec …`), records it, or
 * answers with the tool's documented output. The real runner never throws: a program that is
 * missing, killed or stopped comes back as `error`, in words.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ProcessOutput {
  /** Exit code; null when the program did not start, was killed or was stopped. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why the program did not run to its end (not found, killed after the timeout, stopped). */
  error?: string;
  /** The program is not installed: the caller names the package that brings it. */
  notFound?: true;
}

export interface ProcessOptions {
  /** Killed after this long; null for a program that runs until it ends or `signal` stops it. */
  timeoutMs: number | null;
  env?: Record<string, string>;
  /** Stops a program kept running (a monitor, a held line). */
  signal?: AbortSignal;
  /** Each line of the program's output as it comes (a monitor's events); `stdout` then stays empty. */
  onLine?: (line: string) => void;
}

/** Runs `command` and resolves when it has ended, whatever way. */
export type ProcessRunner = (
  command: string,
  args: readonly string[],
  options: ProcessOptions,
) => Promise<ProcessOutput>;

/** Output beyond this is dropped: a probe's program prints a few hundred bytes. */
const MAX_OUTPUT = 256 * 1024;

export const spawnRunner: ProcessRunner = (command, args, options) =>
  new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let error: string | undefined;
    let notFound = false;
    if (options.signal?.aborted) {
      resolve({ code: null, stdout, stderr, error: `${command} stopped before it started` });
      return;
    }
    const child = spawn(command, args, {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer =
      options.timeoutMs === null
        ? null
        : setTimeout(() => {
            error = `${command} still running after ${options.timeoutMs} ms, killed`;
            child.kill('SIGKILL');
          }, options.timeoutMs);
    const stop = () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      error ??= `${command} stopped`;
      child.kill('SIGTERM');
    };
    options.signal?.addEventListener('abort', stop, { once: true });
    if (options.onLine) createInterface({ input: child.stdout }).on('line', options.onLine);
    else
      child.stdout.on('data', (d: Buffer) => {
        if (stdout.length < MAX_OUTPUT) stdout += d.toString();
      });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += d.toString();
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      notFound = err.code === 'ENOENT';
      error = notFound ? `${command} not found on PATH` : err.message;
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', stop);
      resolve({
        code: error ? null : code,
        stdout,
        stderr,
        ...(error ? { error } : {}),
        ...(notFound ? { notFound: true as const } : {}),
      });
    });
  });
