/**
 * The port through which probes and the agent's own commands run a program to its end (iputils
 * `ping`, the controller's shutdown and reboot): tests inject a runner that wraps the command
 * (`ip netns exec …`), records it, or returns canned output. The real runner never throws: a
 * program that is missing or killed comes back as `error`. (The sensors' tools, some of which keep
 * running, go through the agent's `CommandRunner` instead.)
 */
import { spawn } from 'node:child_process';

export interface ProcessOutput {
  /** Exit code; null when the program did not start or was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why the program did not run to its end (not found, killed after the timeout). */
  error?: string;
}

export type ProcessRunner = (
  command: string,
  args: readonly string[],
  options: { timeoutMs: number; env?: Record<string, string> },
) => Promise<ProcessOutput>;

/** Output beyond this is dropped: a probe's program prints a few hundred bytes. */
const MAX_OUTPUT = 256 * 1024;

export const spawnRunner: ProcessRunner = (command, args, options) =>
  new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let error: string | undefined;
    const child = spawn(command, args, {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => {
      error = `${command} still running after ${options.timeoutMs} ms, killed`;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += d.toString();
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      error = err.code === 'ENOENT' ? `${command} not found on PATH` : err.message;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: error ? null : code, stdout, stderr, ...(error ? { error } : {}) });
    });
  });
