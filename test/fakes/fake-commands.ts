/** A process runner that answers each command from a table, and records what was run. */
import type { ProcessOutput, ProcessRunner } from '../../shared/probes/process-runner.js';

export type Answer = ProcessOutput | ((args: readonly string[]) => ProcessOutput);

/** What the real runner says of a tool that is not installed. */
export const missing = (command: string): ProcessOutput => ({
  code: null,
  stdout: '',
  stderr: '',
  error: `${command} not found on PATH`,
  notFound: true,
});
export const prints = (stdout: string): ProcessOutput => ({ code: 0, stdout, stderr: '' });

/** The runner, with the commands it was asked to run (`vcgencmd get_throttled`); any other tool is missing. */
export function fakeCommands(answers: Record<string, Answer> = {}): ProcessRunner & { calls: string[] } {
  const calls: string[] = [];
  const run: ProcessRunner = async (command, args) => {
    calls.push([command, ...args].join(' '));
    const answer = answers[command] ?? missing(command);
    return typeof answer === 'function' ? answer(args) : answer;
  };
  return Object.assign(run, { calls });
}
