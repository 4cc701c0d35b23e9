/** What the agent lends its parts, for a part tested alone: events recorded, commands on a router of its own. */
import type { AgentContext } from '../../agent/agent-part.js';
import { CommandRouter } from '../../agent/commands/command-router.js';
import type { EdgeEvent } from '../../agent/edges.js';
import type { Logger } from '../../shared/logger.js';
import type { ReplyMessage } from '../../shared/schemas.js';

export interface FakeAgentContext {
  context: AgentContext;
  /** Every event the part emitted, in order (delivered ones at once: the fake hub stores all). */
  events: EdgeEvent[];
  /** Every reply the part's commands gave. */
  replies: ReplyMessage[];
  /** The handler the part subscribed last (the schedule topic for power control). */
  subscribed(): ((topic: string, payload: Buffer) => void) | null;
}

export function fakeAgentContext(log: Logger, now?: () => Date, roomId = 'tinh-uy'): FakeAgentContext {
  const events: EdgeEvent[] = [];
  const replies: ReplyMessage[] = [];
  let handler: ((topic: string, payload: Buffer) => void) | null = null;
  const context: AgentContext = {
    roomId,
    commands: new CommandRouter((r) => replies.push(r), log, now),
    emit: (e) => events.push(e),
    emitDelivered: async (e) => {
      events.push(e);
      return true;
    },
    subscribe: (_topic, h) => {
      handler = h;
    },
    connected: () => true,
    resample: () => {},
  };
  return { context, events, replies, subscribed: () => handler };
}
