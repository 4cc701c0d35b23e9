/**
 * The once-only work's lease, on both stores: one holder at a time, handed over at once when the
 * holder stops, and taken over after its term when the holder dies without a word, the dead holder
 * having given it up before the other takes it (never two at once).
 */
import { afterEach, expect, test } from '@jest/globals';
import { Lease, leaseMigrations } from '../../hub/store/lease.js';
import type { Sql } from '../../hub/store/sql.js';
import { createLogger } from '../../shared/logger.js';
import { onEachStore } from '../helpers/sql-stores.js';
import { waitFor } from '../helpers/wait.js';

const log = createLogger('lease-test', 'silent');
const TERM_MS = 600;

/** A hub's store that can die: after `kill()`, every call fails as an unreachable server's would. */
function mortal(sql: Sql): { sql: Sql; kill(): void } {
  let dead = false;
  const alive = async () => {
    if (dead) throw new Error('connection terminated');
  };
  const wrapped: Sql = {
    dialect: sql.dialect,
    all: (q, p) => alive().then(() => sql.all(q, p)),
    one: (q, p) => alive().then(() => sql.one(q, p)),
    run: (q, p) => alive().then(() => sql.run(q, p)),
    transaction: (work) => alive().then(() => sql.transaction(work)),
  };
  return {
    sql: wrapped,
    kill: () => {
      dead = true;
    },
  };
}

let leases: Lease[] = [];
afterEach(async () => {
  for (const l of leases) await l.stop();
  leases = [];
});

/** Every change of hands of every lease, in order, to check no two were ever held at once. */
function watch(...all: Lease[]): string[] {
  const held = new Set<string>();
  const overlaps: string[] = [];
  for (const l of all) {
    l.onChange(({ held: now }) => {
      if (now) {
        if (held.size > 0) overlaps.push(`${l.holder} took it while ${[...held].join(', ')} held it`);
        held.add(l.holder);
      } else held.delete(l.holder);
    });
  }
  return overlaps;
}

onEachStore('the lease of the once-only work', leaseMigrations, (store) => {
  const lease = (sql: Sql, holder: string) => {
    const l = new Lease(sql, { name: 'schedule', termMs: TERM_MS, holder, log });
    leases.push(l);
    return l;
  };

  test('of two hubs, exactly one holds it, and keeps it while it renews', async () => {
    const a = lease(store.sql, 'hub-a');
    const b = lease(await store.another(), 'hub-b');
    const overlaps = watch(a, b);
    await a.start();
    await b.start();
    expect([a.held, b.held]).toEqual([true, false]);
    expect(a.term).toBe(1);
    // Several terms later it is still A's, renewed, not handed over.
    const { expires_at: first } = (await store.sql.one<{ expires_at: string }>(
      'SELECT expires_at FROM leases',
    ))!;
    await waitFor('a renewal', async () => {
      const row = await store.sql.one<{ expires_at: string; holder: string }>('SELECT * FROM leases');
      return row!.expires_at > first && row;
    });
    expect([a.held, b.held, a.term]).toEqual([true, false, 1]);
    expect(overlaps).toEqual([]);
  });

  test('a hub that stops hands it over at once, with the next term', async () => {
    const a = lease(store.sql, 'hub-a');
    const b = lease(await store.another(), 'hub-b');
    const overlaps = watch(a, b);
    await a.start();
    await b.start();
    await a.stop();
    expect(a.held).toBe(false);
    await waitFor('B taking it', () => b.held);
    expect(b.term).toBe(2);
    expect(overlaps).toEqual([]);
  });

  test('a hub that dies gives it up at the end of its term, and the other takes it after that', async () => {
    const dying = mortal(store.sql);
    const a = lease(dying.sql, 'hub-a');
    const b = lease(await store.another(), 'hub-b');
    const overlaps = watch(a, b);
    await a.start();
    await b.start();
    expect(a.held).toBe(true);
    dying.kill();
    await waitFor('A giving it up', () => !a.held);
    await waitFor('B taking it', () => b.held);
    expect(b.term).toBe(2);
    expect(overlaps).toEqual([]);
    const row = await store.sql.one<{ holder: string; term: number }>('SELECT holder, term FROM leases');
    expect(row).toEqual({ holder: 'hub-b', term: 2 });
  });
});
