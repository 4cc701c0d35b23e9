/**
 * Shutting the controller itself down when the UPS runs low, so the SD card is not corrupted by
 * the power cut (and rebooting it on the hub's request). The command comes from config and runs
 * through the injected process runner (never a shell), so tests and the simulation record it
 * instead of halting the machine.
 */
import type { ProcessOutput, ProcessRunner } from '../../shared/probes/process-runner.js';

/** `systemctl poweroff` returns at once; a command still running after this is stuck. */
const COMMAND_TIMEOUT_MS = 30_000;

/** `systemctl poweroff` → `['systemctl', 'poweroff']`; arguments are split on spaces, no quoting. */
export function commandArgv(command: string): string[] {
  return command.split(/\s+/).filter(Boolean);
}

/** Runs `argv` (program, then its arguments); an empty one is a result that says so, not an exception. */
export function runCommand(runner: ProcessRunner, argv: readonly string[]): Promise<ProcessOutput> {
  const [program, ...args] = argv;
  if (!program) return Promise.resolve({ code: null, stdout: '', stderr: '', error: 'empty command' });
  return runner(program, args, { timeoutMs: COMMAND_TIMEOUT_MS });
}
