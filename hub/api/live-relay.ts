/**
 * The group's news on every hub's `/ws`. The hubs of a group share one PostgreSQL and split the
 * work: a room's events reach one hub of the broker's shared subscription, a meeting is booked on
 * the hub the operator's browser reached, a rehearsal runs on the hub holding the lease. Each hub
 * publishes the live messages that happen on it through PostgreSQL's LISTEN/NOTIFY, and shows the
 * others' on its own sockets, so a dashboard sees the whole fleet whichever hub serves it.
 *
 * A notification carries at most 8000 bytes: a bigger message is stored in `live_relay` and its row
 * id notified; rows are pruned after a minute, long after every listening hub has read them. Each
 * hub's messages are tagged with its id, so it never shows its own twice. Messages sent while a
 * hub's listening connection is down are not seen there: the connection is opened again and the
 * dashboards catch up with the next message (their pages reload what a message names); the parts
 * that must not miss any (the incidents) are told, and read back from the store what they missed.
 *
 * On SQLite a hub is alone, and the relay is nothing.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../../shared/logger.js';
import { describePgTarget, reasonOf } from '../store/pg-database.js';
import type { Sql, SqlMigration } from '../store/sql.js';
import type { LiveMessage } from './live-socket.js';

export const liveRelayMigrations: SqlMigration[] = [
  {
    id: 'live-relay-1',
    // Only PostgreSQL uses it; the SQLite table lets the move to PostgreSQL find the same tables on both.
    sqlite: `CREATE TABLE live_relay (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      sender TEXT NOT NULL,
      body TEXT NOT NULL,
      created_at TEXT NOT NULL
    )`,
    pg: `CREATE TABLE live_relay (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      sender text COLLATE "C" NOT NULL,
      body text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
  },
];

/**
 * Where each live message happens: on one hub of the group, which relays it, or on every hub, each
 * from what it receives itself. A new message type must be placed here (the record is exhaustive).
 */
const HAPPENS_ON: Record<LiveMessage['type'], 'one hub' | 'every hub'> = {
  // Each socket's own, when it connects.
  snapshot: 'every hub',
  // From the rooms' statuses and telemetry, which every hub of the group receives.
  room: 'every hub',
  // Each hub probes the MCU itself.
  mcu: 'every hub',
  // A queue is changed by the hub that stored the change (../speak/speak-service.ts); the others
  // read it again on hearing of it, and each tells its own sockets where the rooms stand.
  'speak-session': 'one hub',
  'speak-state': 'every hub',
  // Stored by the one hub the room's event reached (a shared subscription).
  event: 'one hub',
  // Booked, changed or cancelled through one hub's API.
  meeting: 'one hub',
  // Run by the hub holding the work's lease.
  rehearsal: 'one hub',
  'rehearsal-room': 'one hub',
  // Judged where the rehearsals' news is; a verdict shown twice replaces itself.
  'meeting-verdict': 'one hub',
  escalation: 'one hub',
  // Opened, closed or acknowledged on one hub.
  incident: 'one hub',
  // Seen by the hub the room flooded, perhaps one standing by: the one deciding opens the incident.
  'room-edge': 'one hub',
};

/** Whether `message` is news for the other hubs of the group. */
export function relays(message: LiveMessage): boolean {
  return HAPPENS_ON[message.type] === 'one hub';
}

/** PostgreSQL refuses a notification payload of 8000 bytes or more (its default build). */
export const MAX_NOTIFY_BYTES = 7999;

/** What one notification says: the message itself, or the row holding it. */
export type Notice = { from: string; message: LiveMessage } | { from: string; row: number };

/** The notification of `message` from hub `from`, or null when it is too big to be one. */
export function encodeNotice(from: string, message: LiveMessage): string | null {
  const text = JSON.stringify({ from, message });
  return Buffer.byteLength(text, 'utf8') <= MAX_NOTIFY_BYTES ? text : null;
}

export function rowNotice(from: string, row: number): string {
  return JSON.stringify({ from, row });
}

/** A notification read back, or null when it is not one of the relay's. */
export function decodeNotice(payload: string): Notice | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { from, message, row } = parsed as { from?: unknown; message?: unknown; row?: unknown };
  if (typeof from !== 'string') return null;
  if (Number.isSafeInteger(row)) return { from, row: row as number };
  if (typeof (message as { type?: unknown } | null)?.type === 'string')
    return { from, message: message as LiveMessage };
  return null;
}

export interface LiveRelay {
  /** Tells the other hubs, when `message` is news for them; in the order given. */
  publish(message: LiveMessage): void;
  /** Waits for the messages being published and shown, then stops listening. */
  stop(): Promise<void>;
}

/** A hub alone (SQLite): nobody to tell. */
export const noRelay: LiveRelay = { publish() {}, stop: async () => {} };

const CHANNEL = 'hnth_live';
/** The listening connection's name in `pg_stat_activity`, to tell it from the store's pool. */
export const RELAY_APPLICATION = 'hnth-live-relay';
/** How long a stored message is kept for the hubs to read. */
const KEEP_ROWS = "interval '1 minute'";
const ignore = () => {};

export interface PgLiveRelayOptions {
  url: string;
  /** The group's store (PostgreSQL): messages are sent, and big ones stored and read, through it. */
  sql: Sql;
  /** Shows another hub's message on this hub's sockets. */
  deliver: (message: LiveMessage) => void;
  /** Listening again after the connection dropped: the messages sent meanwhile were not heard. */
  resumed?: () => void;
  log: Logger;
  /** The first wait before listening again after the connection dropped; doubled up to 10 s. */
  retryMs?: number;
}

/** On PostgreSQL, a relay for `url`'s group, or else nothing. */
export async function startLiveRelay(options: PgLiveRelayOptions): Promise<LiveRelay> {
  if (!options.url) return noRelay;
  return PgLiveRelay.start(options);
}

export class PgLiveRelay implements LiveRelay {
  /** This hub process, in every message it sends. */
  readonly hubId = `hub-${randomBytes(6).toString('hex')}`;
  private readonly log: Logger;
  private readonly target: string;
  private client: pg.Client | null = null;
  private outbox: Promise<void> = Promise.resolve();
  private inbox: Promise<void> = Promise.resolve();
  private retry: NodeJS.Timeout | null = null;
  private retryMs: number;
  private stopped = false;
  /** A connection was lost since this hub last listened. */
  private missed = false;

  private constructor(private readonly options: PgLiveRelayOptions) {
    this.log = options.log.child({ part: 'live-relay' });
    this.target = describePgTarget(options.url);
    this.retryMs = options.retryMs ?? 500;
  }

  /** Listening once this resolves, or trying again in the background when PostgreSQL did not answer. */
  static async start(options: PgLiveRelayOptions): Promise<PgLiveRelay> {
    const relay = new PgLiveRelay(options);
    await relay.listen();
    return relay;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.url,
      application_name: RELAY_APPLICATION,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
    });
    this.client = client;
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('the connection ended')));
    client.on('notification', (n) => {
      if (n.channel === CHANNEL && n.payload !== undefined) this.receive(n.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.retryMs = this.options.retryMs ?? 500;
      this.log.info({ hub: this.hubId }, `listening for the other hubs' news on ${this.target}`);
      if (this.missed) {
        this.missed = false;
        this.options.resumed?.();
      }
    } catch (err) {
      this.lost(client, err);
    }
  }

  /** Once per connection: logged, and another opened after a growing wait. */
  private lost(client: pg.Client, err: unknown): void {
    if (this.client !== client || this.stopped) return;
    this.client = null;
    this.missed = true;
    client.end().catch(ignore);
    this.log.warn(
      { err: reasonOf(err), retryMs: this.retryMs },
      `the other hubs' news is not heard (connection to ${this.target} lost); listening again`,
    );
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.listen();
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 10_000);
  }

  private receive(payload: string): void {
    const notice = decodeNotice(payload);
    if (!notice) return void this.log.warn('a notification that is not a live message; ignored');
    if (notice.from === this.hubId) return;
    // In the order sent: a small message does not overtake a big one being read.
    this.inbox = this.inbox
      .then(async () => {
        const message = 'message' in notice ? notice.message : await this.read(notice.row);
        if (message && !this.stopped) this.options.deliver(message);
      })
      .catch((err: Error) => this.log.warn({ err: err.message }, "another hub's message not shown"));
  }

  private async read(row: number): Promise<LiveMessage | null> {
    const stored = await this.options.sql.one<{ body: string }>('SELECT body FROM live_relay WHERE id = ?', [
      row,
    ]);
    if (!stored) this.log.warn({ row }, "another hub's message was pruned before it was read");
    return stored ? (JSON.parse(stored.body) as LiveMessage) : null;
  }

  publish(message: LiveMessage): void {
    if (this.stopped || !relays(message)) return;
    // One after the other: the pool's connections would otherwise let a later message commit first.
    this.outbox = this.outbox
      .then(() => this.send(message))
      .catch((err: Error) =>
        this.log.warn({ err: err.message, type: message.type }, 'a live message not sent to the other hubs'),
      );
  }

  private async send(message: LiveMessage): Promise<void> {
    const { sql } = this.options;
    const text = encodeNotice(this.hubId, message);
    if (text !== null) {
      await sql.run('SELECT pg_notify(?, ?)', [CHANNEL, text]);
      return;
    }
    // Notified when the row is committed, so every hub finds it.
    await sql.transaction(async (tx) => {
      await tx.run(`DELETE FROM live_relay WHERE created_at < now() - ${KEEP_ROWS}`);
      const row = await tx.one<{ id: number }>(
        'INSERT INTO live_relay (sender, body) VALUES (?, ?) RETURNING id',
        [this.hubId, JSON.stringify(message)],
      );
      await tx.run('SELECT pg_notify(?, ?)', [CHANNEL, rowNotice(this.hubId, row!.id)]);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.outbox;
    await this.inbox;
    const client = this.client;
    this.client = null;
    await client?.end().catch(ignore);
  }
}
