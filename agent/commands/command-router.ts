/**
 * Executes the hub's commands on this room (art. 10.2d: rooms obey the hub, never each other).
 * Each command is checked (schema, expiry, known name) before a handler runs; every command gets
 * exactly one reply, and a repeated id gets the first reply again without running twice, so the
 * hub can retry safely.
 */
import { systemClock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import {
  type CommandErrorCode,
  type CommandMessage,
  decodeMessage,
  isoNow,
  type ReplyMessage,
  SCHEMA_VERSION,
} from '../../shared/schemas.js';

/** A refusal or failure a handler reports; it becomes the reply's error, not a crash. */
export class CommandError extends Error {
  constructor(
    readonly code: Exclude<CommandErrorCode, 'expired' | 'unknown-command'>,
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

export type CommandHandler = (args: CommandMessage['args']) => Promise<Record<string, unknown>>;

/** How many recent replies are kept to answer a retried command without running it again. */
const REMEMBERED_REPLIES = 64;

export class CommandRouter {
  private readonly handlers = new Map<string, CommandHandler>();
  private readonly replies = new Map<string, ReplyMessage>();

  constructor(
    private readonly send: (reply: ReplyMessage) => void,
    private readonly log: Logger,
    private readonly now: () => Date = systemClock.now,
  ) {}

  register(name: string, handler: CommandHandler): void {
    this.handlers.set(name, handler);
  }

  /** Handles one message from `cmd/{name}`. */
  async handle(name: string, payload: Buffer): Promise<void> {
    const decoded = decodeMessage('command', payload);
    if (!decoded.ok) {
      // Without a valid id there is no one to answer; the hub times out and says so.
      this.log.warn({ command: name, reason: decoded.reason }, 'command rejected');
      return;
    }
    const command = decoded.message;
    const earlier = this.replies.get(command.id);
    if (earlier) {
      this.send(earlier);
      return;
    }
    const reply = await this.execute(name, command);
    this.remember(reply);
    this.log.info({ command: name, id: command.id, ok: reply.ok, error: reply.error }, 'command handled');
    this.send(reply);
  }

  private async execute(name: string, command: CommandMessage): Promise<ReplyMessage> {
    const base = { v: SCHEMA_VERSION, id: command.id, name } as const;
    const fail = (code: CommandErrorCode, message: string): ReplyMessage => ({
      ...base,
      ok: false,
      error: { code, message },
      ts: isoNow(this.now()),
    });
    if (this.now().getTime() > Date.parse(command.expiresAt)) {
      return fail('expired', `expired at ${command.expiresAt}; not executed`);
    }
    const handler = this.handlers.get(name);
    if (!handler) return fail('unknown-command', `this agent has no command "${name}"`);
    try {
      const result = await handler(command.args);
      return { ...base, ok: true, result, ts: isoNow(this.now()) };
    } catch (err) {
      if (err instanceof CommandError) return fail(err.code, err.message);
      return fail('failed', (err as Error).message);
    }
  }

  private remember(reply: ReplyMessage): void {
    this.replies.set(reply.id, reply);
    if (this.replies.size > REMEMBERED_REPLIES) {
      const oldest = this.replies.keys().next().value;
      if (oldest !== undefined) this.replies.delete(oldest);
    }
  }
}
