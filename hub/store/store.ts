/**
 * The hub's store, as an interface: SQLite today (one file, WAL), PostgreSQL at scale, both behind
 * these methods so the rest of the hub does not know which it talks to.
 */
import type { EventMessage, TelemetryMessage } from '../../shared/schemas.js';
import type { Level } from '../readiness.js';

export interface StoredEvent {
  id: number;
  roomId: string;
  bootId: string;
  seq: number;
  type: EventMessage['type'];
  severity: EventMessage['severity'];
  data: EventMessage['data'];
  /** When the agent saw the edge. */
  ts: string;
  /** When the hub stored it. */
  receivedAt: string;
}

export interface StoredTransition {
  roomId: string;
  level: Level;
  reasons: string[];
  at: string;
}

/** A room's energy counters at `ts`, since its agent booted at `sinceIso` (art. 6.5, 12.5). */
export interface EnergySample {
  roomId: string;
  ts: string;
  sinceIso: string;
  usedWh: number;
  alwaysOnWh: number;
}

/** One stored telemetry sample: the room's readings at `ts` (agent time). */
export interface TelemetrySample {
  roomId: string;
  ts: string;
  telemetry: TelemetryMessage;
}

export interface HubStore {
  /** Stores an event once: a repeat of (room, bootId, seq) after a replay returns null. */
  insertEvent(roomId: string, event: EventMessage, receivedAt: Date): StoredEvent | null;
  /** The room's latest events, newest first. */
  listEvents(roomId: string, limit: number): StoredEvent[];
  insertTransition(transition: StoredTransition): void;
  /** Keeps a telemetry sample for charts and reports; a repeat of (room, ts) is ignored. */
  insertSample(roomId: string, telemetry: TelemetryMessage): void;
  /** The room's samples with `from <= ts < to`, oldest first, at most `limit`. */
  listSamples(roomId: string, from: Date, to: Date, limit: number): TelemetrySample[];
  /** When each room was last heard of (its latest stored event or sample), to start from after a restart. */
  lastHeard(): { roomId: string; at: Date }[];
  /**
   * For the yearly report: transitions with `from <= at < to`, and each room's last one before
   * `from` (the level it was at when the range began), by time.
   */
  listTransitions(from: string, to: string): StoredTransition[];
  /**
   * For the yearly report: the room's last energy reading of each agent boot period within
   * `from <= ts < to`, and its last reading before `from` (the start of a boot period that began
   * earlier), by time. The counters restart at each boot, so nothing else is needed to sum them.
   */
  listEnergy(roomId: string, from: string, to: string): EnergySample[];
}
