/**
 * The hub's store of what the rooms report, as an interface: SQLite (one file, WAL) or PostgreSQL
 * at scale, both behind these methods so the rest of the hub does not know which it talks to.
 * Every method is asynchronous: the hub's event loop never waits on a disk or a lock, so a slow or
 * stuck write delays only the acknowledgements waiting on it, never ingest or the dashboard.
 */
import type { EventMessage, TelemetryMessage } from '../../shared/schemas.js';
import type { Level, PowerStateView } from '../readiness.js';

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
  /** The health; `POWERED_OFF` in rows from hubs before health and power were apart (health unknown). */
  level: Level | 'POWERED_OFF';
  /** The power state; null in rows from before it was kept. */
  power: PowerStateView | null;
  reasons: string[];
  at: string;
}

/** A `readiness_transitions` row as both stores read it; `reasons` as each keeps it (JSON text, jsonb). */
export interface TransitionRow<Reasons> {
  room_id: string;
  level: string;
  power: string | null;
  reasons: Reasons;
  at: string;
}

/** A transition from its row, its reasons read by the store that kept them. */
export function storedTransition<Reasons>(
  row: TransitionRow<Reasons>,
  reasons: (kept: Reasons) => string[],
): StoredTransition {
  return {
    roomId: row.room_id,
    level: row.level as StoredTransition['level'],
    power: row.power as StoredTransition['power'],
    reasons: reasons(row.reasons),
    at: row.at,
  };
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

/** Writes handed to the store and not yet committed, for the metrics and the stall warning. */
export interface StoreBacklog {
  pending: number;
  /**
   * When the oldest of them was handed over, on the machine's clock, not the hub's injected one: a
   * write waits on the disk or the server, not on the day. Null when none is waiting.
   */
  oldestSince: Date | null;
}

/** How long the oldest waiting write has waited, in ms; 0 when none waits. */
export function oldestWaitMs({ oldestSince }: StoreBacklog, nowMs: number = Date.now()): number {
  return oldestSince ? Math.max(0, nowMs - oldestSince.getTime()) : 0;
}

export interface HubStore {
  /**
   * Stores an event once: a repeat of (room, bootId, seq) after a replay resolves to null. Resolves
   * only once the row is committed, so the room's acknowledgement can wait on it.
   */
  insertEvent(roomId: string, event: EventMessage, receivedAt: Date): Promise<StoredEvent | null>;
  /** The room's latest events, newest first. */
  listEvents(roomId: string, limit: number): Promise<StoredEvent[]>;
  /**
   * Every room's events with an id above `afterId`, lowest id first, at most `limit`: what a hub of
   * a group catches up on (the events the other hubs stored that its live relay missed).
   */
  listEventsAfter(afterId: number, limit: number): Promise<StoredEvent[]>;
  /** The highest event id stored, 0 when none: where a hub of a group starts following the events. */
  lastEventId(): Promise<number>;
  insertTransition(transition: StoredTransition): Promise<void>;
  /**
   * Keeps a telemetry sample for charts and reports, once per room and `bucket` (the start of the
   * live sample's period, hub/telemetry-history.ts): every hub of a group receives the room's
   * telemetry and offers the sample it kept of a period, and the first one stored stands. A sample
   * without a bucket (replayed: the agent down-sampled its outage itself) is keyed by its ts alone.
   * A repeat of (room, ts) is ignored too.
   */
  insertSample(roomId: string, telemetry: TelemetryMessage, bucket?: string): Promise<void>;
  /** The room's samples with `from <= ts < to`, oldest first, at most `limit`. */
  listSamples(roomId: string, from: Date, to: Date, limit: number): Promise<TelemetrySample[]>;
  /** When each room was last heard of (its latest stored event or sample), to start from after a restart. */
  lastHeard(): Promise<{ roomId: string; at: Date }[]>;
  /**
   * For the yearly report: transitions with `from <= at < to`, and each room's last one before
   * `from` (the level it was at when the range began), by time.
   */
  listTransitions(from: string, to: string): Promise<StoredTransition[]>;
  /**
   * Each of these rooms' latest stored transition, by (at, id), ordered by room id; a room with none
   * is left out: the state the history leaves each room in, which the hub taking over the storing of
   * a group's transitions compares with its own judgement (hub/ingest/transition-log.ts).
   */
  lastTransitions(roomIds: readonly string[]): Promise<StoredTransition[]>;
  /**
   * For the yearly report: the room's last energy reading of each agent boot period within
   * `from <= ts < to`, and its last reading before `from` (the start of a boot period that began
   * earlier), by time. The counters restart at each boot, so nothing else is needed to sum them.
   */
  listEnergy(roomId: string, from: string, to: string): Promise<EnergySample[]>;
  backlog(): StoreBacklog;
  /** Commits what was handed over, then lets go of the database. */
  close(): Promise<void>;
}

/** The queries and writes of a store, without its life cycle: what a store implementation answers. */
export type StoreCalls = Omit<HubStore, 'backlog' | 'close'>;

/** The same calls answered synchronously, as better-sqlite3 does (inside the store's worker thread). */
export type SyncStoreCalls = {
  [K in keyof StoreCalls]: StoreCalls[K] extends (...args: infer A) => Promise<infer R>
    ? (...args: A) => R
    : never;
};
