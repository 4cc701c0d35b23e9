/**
 * Cutting a hub group's live relays off, as a PostgreSQL restart or a network blip would: their
 * listening connections ended while no new connection is let in, so news sent meanwhile is never
 * heard; then connections allowed again, so each relay listens again.
 */
import pg from 'pg';
import { RELAY_APPLICATION } from '../../hub/api/live-relay.js';
import type { TestDatabase } from './pg-database.js';
import { waitFor } from './wait.js';

/** The relays' listening connections now. */
export async function relayPids(db: TestDatabase): Promise<number[]> {
  const { rows } = await db.direct.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
    [db.name, RELAY_APPLICATION],
  );
  return rows.map((r) => r.pid);
}

/** Whether the test database lets new connections in, set from the server's own database. */
export async function allowConnections(db: TestDatabase, allow: boolean): Promise<void> {
  const url = new URL(db.url);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.href });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS ${allow}`);
  } finally {
    await admin.end();
  }
}

/**
 * Runs `meanwhile` while the `hubs` relays are cut off (the hubs' pools keep the connections they
 * have), then lets connections in again. Resolves with what `meanwhile` resolved.
 */
export async function withRelaysCut<T>(
  db: TestDatabase,
  hubs: number,
  meanwhile: () => Promise<T>,
): Promise<T> {
  await waitFor('every hub listening', async () => (await relayPids(db)).length === hubs);
  await allowConnections(db, false);
  try {
    const cut = await relayPids(db);
    await db.direct.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [cut]);
    await waitFor('the relays’ connections gone', async () => (await relayPids(db)).length === 0);
    return await meanwhile();
  } finally {
    await allowConnections(db, true);
  }
}
