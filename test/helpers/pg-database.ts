/**
 * Throwaway databases on the machine's PostgreSQL (127.0.0.1:5432, trust auth), one per test file
 * or test, each with a random name so parallel test files never share one.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const SERVER = 'postgres://postgres@127.0.0.1:5432';

export interface TestDatabase {
  name: string;
  url: string;
  /** A small pool on the database, to look at or disturb it from outside the store under test. */
  direct: pg.Pool;
  /** Ends the pool, ends every other connection to the database, and drops it. */
  drop(): Promise<void>;
}

/**
 * Creates `hnth_test_<random>`. Its collation is Vietnamese (ICU), as a province's server may well
 * be set up, so that a store comparing text by the database's locale would show it.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `hnth_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(
    `CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'vi-VN' LOCALE 'C.UTF-8'`,
  );
  const url = `${SERVER}/${name}`;
  const direct = new pg.Pool({ connectionString: url, max: 3 });
  // Tests end the database's connections on purpose (pg_terminate_backend, DROP ... FORCE); an idle
  // one of this pool ended that way is replaced on its next use, not an error of the test.
  direct.on('error', () => {});
  return {
    name,
    url,
    direct,
    async drop() {
      await direct.end();
      // FORCE ends the connections still open (a store a failing test left behind) before dropping.
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: `${SERVER}/postgres` });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}
