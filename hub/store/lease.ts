/**
 * Who does the work that must happen once (publishing schedules, planning and running rehearsals,
 * digests, escalations, retention) when several hubs share one store: the hub holding the lease.
 *
 * A lease is a row: its holder and when it expires, both judged by the database's clock, so hubs
 * whose clocks disagree still agree on who holds it. The holder renews it every third of its term; a
 * hub that cannot renew in time (the database unreachable, its process frozen) gives the work up at
 * the end of the term it last secured, before any other hub can take it. Others try to take it at
 * the same pace, so a dead holder's work moves within one term and one try (6 s + 2 s by default).
 *
 * On SQLite one hub owns the file, and the lease is simply its own.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../shared/logger.js';
import type { Sql, SqlMigration } from './sql.js';

export const leaseMigrations: SqlMigration[] = [
  {
    id: 'leases-1',
    sqlite: `CREATE TABLE leases (
      name TEXT PRIMARY KEY,
      holder TEXT NOT NULL,
      term INTEGER NOT NULL,
      expires_at TEXT NOT NULL
    )`,
    pg: `CREATE TABLE leases (
      name text COLLATE "C" PRIMARY KEY,
      holder text COLLATE "C" NOT NULL,
      term integer NOT NULL,
      expires_at text COLLATE "C" NOT NULL
    )`,
  },
];

/** The database's time now and `ms` later, as ISO text: the one clock every hub of a group shares. */
function dbTime(dialect: Sql['dialect'], ms: number): string {
  return dialect === 'pg'
    ? `to_char((clock_timestamp() + ${ms} * interval '1 millisecond') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    : `strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+${ms / 1000} seconds')`;
}

export interface LeaseOptions {
  /** What the lease is for: one name, one holder at a time. */
  name: string;
  /** How long a taken or renewed lease lasts without another renewal. */
  termMs?: number;
  /** This hub, in the holder column and the logs. */
  holder?: string;
  log: Logger;
}

export interface LeaseState {
  held: boolean;
  /** Counts the times the lease changed hands: work tagged with it tells an old holder's from the new one's. */
  term: number | null;
}

export class Lease {
  readonly holder: string;
  private readonly termMs: number;
  private state: LeaseState = { held: false, term: null };
  private listeners: ((state: LeaseState) => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private expiry: NodeJS.Timeout | null = null;
  private stopped = false;
  private trying: Promise<void> | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly options: LeaseOptions,
  ) {
    this.termMs = options.termMs ?? 6000;
    this.holder = options.holder ?? `hub-${randomBytes(6).toString('hex')}`;
  }

  get held(): boolean {
    return this.state.held;
  }

  get term(): number | null {
    return this.state.term;
  }

  /** Called on every change of hands, with the new state. */
  onChange(listener: (state: LeaseState) => void): void {
    this.listeners.push(listener);
  }

  /** Tries at once, then every third of the term. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.tryNow();
    this.timer = setInterval(() => void this.tryNow(), Math.max(50, Math.floor(this.termMs / 3)));
  }

  /** Stops trying and lets the lease go, so another hub takes the work at once rather than after a term. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.expiry) clearTimeout(this.expiry);
    this.timer = null;
    await this.trying;
    if (this.state.held) {
      await this.sql
        // Expired rather than deleted, so the next holder's term still counts up.
        .run("UPDATE leases SET expires_at = '' WHERE name = ? AND holder = ?", [
          this.options.name,
          this.holder,
        ])
        .catch((err: Error) => this.options.log.warn({ err: err.message }, 'lease not released'));
      this.set({ held: false, term: null });
    }
  }

  private tryNow(): Promise<void> {
    this.trying ??= this.attempt().finally(() => {
      this.trying = null;
    });
    return this.trying;
  }

  private async attempt(): Promise<void> {
    const startedAt = performance.now();
    const { dialect } = this.sql;
    try {
      // Taken when free or expired, renewed when ours; the term counts each change of holder.
      const row = await this.sql.one<{ holder: string; term: number }>(
        `INSERT INTO leases (name, holder, term, expires_at) VALUES (?, ?, 1, ${dbTime(dialect, this.termMs)})
         ON CONFLICT (name) DO UPDATE SET
           term = CASE WHEN leases.holder = excluded.holder THEN leases.term ELSE leases.term + 1 END,
           holder = excluded.holder,
           expires_at = excluded.expires_at
         WHERE leases.holder = excluded.holder OR leases.expires_at < ${dbTime(dialect, 0)}
         RETURNING holder, term`,
        [this.options.name, this.holder],
      );
      if (this.stopped) return;
      if (row) {
        this.secureUntil(startedAt + this.termMs);
        this.set({ held: true, term: row.term });
      } else this.lost('held by another hub');
    } catch (err) {
      // Kept while the term secured before surely runs: its end is already armed.
      this.options.log.warn({ lease: this.options.name, err: (err as Error).message }, 'lease not renewed');
    }
  }

  /**
   * The database counts the term from when it ran the statement, which is after `startedAt`: giving
   * the work up at `startedAt + term` (if no renewal came since, however long a renewal hangs) leaves
   * no moment when two hubs both hold it.
   */
  private secureUntil(until: number): void {
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = setTimeout(() => this.lost('not renewed in time'), Math.max(0, until - performance.now()));
    this.expiry.unref();
  }

  private lost(why: string): void {
    if (!this.state.held) return;
    this.options.log.warn({ lease: this.options.name, why }, 'lease lost: this hub stops its once-only work');
    this.set({ held: false, term: null });
  }

  private set(next: LeaseState): void {
    const changed = next.held !== this.state.held || next.term !== this.state.term;
    this.state = next;
    if (!changed) return;
    if (next.held) this.options.log.info({ lease: this.options.name, term: next.term }, 'lease taken');
    for (const listener of this.listeners) listener(next);
  }
}
