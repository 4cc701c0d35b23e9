/**
 * A part of the agent with its own lifecycle (power control, rehearsals), started and stopped by
 * the Agent so that one failing part is logged and the others run.
 */
import type { Readings } from '../shared/schemas.js';
import type { CommandRouter } from './commands/command-router.js';
import type { EdgeEvent } from './edges.js';

/** What the agent lends its parts. */
export interface AgentContext {
  roomId: string;
  commands: CommandRouter;
  /** Publishes an event with this boot's id and the next sequence number. */
  emit(event: EdgeEvent): void;
  /** The same, resolving true once the hub has stored it, false after `timeoutMs`. */
  emitDelivered(event: EdgeEvent, timeoutMs: number): Promise<boolean>;
  /** Subscribes on the link now and after every reconnect. */
  subscribe(topic: string, handler: (topic: string, payload: Buffer) => void): void;
  /** Whether the link to the hub's broker is up. */
  connected(): boolean;
  /** Takes a fresh sample now, so the hub learns of a change the part made (a switch) at once. */
  resample(): void;
}

export interface AgentPart {
  readonly name: string;
  start(context: AgentContext): Promise<void>;
  stop(): Promise<void>;
  /**
   * What the part knows better than the sensors, applied to every sample before anything else
   * sees it (power control: why the room is on or off, and the last codec check while it is off).
   */
  refine?(readings: Readings): Readings;
  /** Every new sample of the room, in order. */
  observe?(readings: Readings): void;
  /** Sections the part adds to every telemetry message. */
  telemetry?(): Partial<Readings>;
}
