/**
 * Sends commands to rooms and pairs each reply with its command by id. A room that does not answer
 * in time is an outcome (`timeout`), not an exception, so callers (power buttons, rehearsals) treat
 * every room the same way whatever happened to it.
 */
import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import {
  type CommandErrorCode,
  type CommandMessage,
  isoNow,
  type ReplyMessage,
  SCHEMA_VERSION,
} from '../../shared/schemas.js';
import { commandTopic } from '../../shared/topics.js';

export interface CommandOutcome {
  roomId: string;
  name: string;
  id: string;
  ok: boolean;
  result?: Record<string, unknown>;
  error?: { code: CommandErrorCode | 'timeout' | 'not-sent'; message: string };
}

export interface SendOptions {
  /** How long to wait for the reply. */
  timeoutMs?: number;
  /** How long the command stays valid; an agent that gets it later does not execute it. */
  ttlMs?: number;
}

interface Pending {
  roomId: string;
  resolve: (outcome: CommandOutcome) => void;
  timer: unknown;
}

export type Publish = (topic: string, payload: string) => Promise<void>;

export class CommandClient {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly publish: Publish,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
  ) {}

  send(
    roomId: string,
    name: string,
    args: Record<string, unknown> = {},
    options: SendOptions = {},
  ): Promise<CommandOutcome> {
    const { timeoutMs = 15_000, ttlMs = 60_000 } = options;
    const id = randomUUID();
    const now = this.clock.now();
    const message: CommandMessage = {
      v: SCHEMA_VERSION,
      id,
      ts: isoNow(now),
      expiresAt: isoNow(new Date(now.getTime() + ttlMs)),
      args,
    };
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => {
        this.pending.delete(id);
        resolve({
          roomId,
          name,
          id,
          ok: false,
          error: { code: 'timeout', message: `no reply from ${roomId} within ${timeoutMs} ms` },
        });
      }, timeoutMs);
      this.pending.set(id, { roomId, resolve, timer });
      this.publish(commandTopic(roomId, name), JSON.stringify(message)).catch((err: Error) => {
        this.clock.clearTimeout(timer);
        this.pending.delete(id);
        resolve({
          roomId,
          name,
          id,
          ok: false,
          error: { code: 'not-sent', message: `broker refused the command: ${err.message}` },
        });
      });
    });
  }

  /** A reply from `roomId`; a reply to another room's command is ignored (a room cannot answer for another). */
  onReply(roomId: string, reply: ReplyMessage): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    if (pending.roomId !== roomId) {
      this.log.warn({ roomId, expected: pending.roomId, id: reply.id }, 'reply from the wrong room ignored');
      return;
    }
    this.clock.clearTimeout(pending.timer);
    this.pending.delete(reply.id);
    pending.resolve({
      roomId,
      name: reply.name,
      id: reply.id,
      ok: reply.ok,
      result: reply.result,
      error: reply.error,
    });
  }

  /** Resolves every command still waiting as not answered (the hub is stopping). */
  close(): void {
    for (const [id, p] of this.pending) {
      this.clock.clearTimeout(p.timer);
      p.resolve({
        roomId: p.roomId,
        name: '',
        id,
        ok: false,
        error: { code: 'timeout', message: 'hub stopping' },
      });
    }
    this.pending.clear();
  }
}
