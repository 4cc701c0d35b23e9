/** A process runner that answers each command from a table, and records what was run. */
import type { CommandResult, CommandRunner, RunningCommand } from '../../agent/sensors/command-runner.js';

export type Answer = CommandResult | ((args: string[]) => CommandResult);

export const missing: CommandResult = { code: null, stdout: '', stderr: '', error: 'ENOENT' };
export const prints = (stdout: string): CommandResult => ({ code: 0, stdout, stderr: '' });

export class FakeCommands implements CommandRunner {
  readonly calls: string[] = [];
  constructor(readonly answers: Record<string, Answer> = {}) {}

  async run(command: string, args: string[]): Promise<CommandResult> {
    this.calls.push([command, ...args].join(' '));
    const answer = this.answers[command] ?? missing;
    return typeof answer === 'function' ? answer(args) : answer;
  }

  start(command: string): RunningCommand {
    throw new Error(`FakeCommands cannot start ${command}`);
  }
}
