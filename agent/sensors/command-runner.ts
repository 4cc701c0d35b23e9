/**
 * The process port: the agent's calls to system tools (`vcgencmd`, `timedatectl`, `chronyc`,
 * libgpiod's `gpioget`/`gpiomon`) go through it, so tests answer with the tools' documented output.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface CommandResult {
  /** Exit code; null when the command could not run (then `error` says why). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** `ENOENT` when the tool is not installed, `timeout`, or the spawn error. */
  error?: string;
}

/** A command left running (gpiomon, a held gpioset): its output line by line, until stopped. */
export interface RunningCommand {
  onLine(listener: (line: string) => void): void;
  onExit(listener: (code: number | null, error?: string) => void): void;
  stop(): void;
}

export interface CommandRunner {
  run(command: string, args: string[], timeoutMs?: number): Promise<CommandResult>;
  start(command: string, args: string[]): RunningCommand;
}

export const systemCommands: CommandRunner = {
  run(command, args, timeoutMs = 3000) {
    return new Promise((resolve) => {
      const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
      let stdout = '';
      let stderr = '';
      let error: string | undefined;
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      child.on('error', (err: NodeJS.ErrnoException) => {
        error = err.code ?? err.message;
      });
      child.on('close', (code, signal) => {
        if (signal === 'SIGTERM' && !error) error = 'timeout';
        resolve({ code: error ? null : code, stdout, stderr, ...(error ? { error } : {}) });
      });
    });
  },
  start(command, args) {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = createInterface({ input: child.stdout });
    let spawnError: string | undefined;
    child.on('error', (err: NodeJS.ErrnoException) => {
      spawnError = err.code ?? err.message;
    });
    return {
      onLine: (listener) => lines.on('line', listener),
      onExit: (listener) => child.on('close', (code) => listener(code, spawnError)),
      stop: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      },
    };
  },
};
