/**
 * A throwaway PostgreSQL database for a benchmark: `hnth_bench_<random>` on the server of the URL
 * given with `--pg` (its user needs CREATEDB), dropped afterwards with whatever is still connected.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export async function withThrowawayDatabase<T>(
  serverUrl: string,
  use: (url: string) => Promise<T>,
): Promise<T> {
  const url = new URL(serverUrl);
  const database = `hnth_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${database}`);
    url.pathname = `/${database}`;
    return await use(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}
