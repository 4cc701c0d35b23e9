/**
 * The audit log on both stores: its HMAC chain, the store refusing to change or remove an entry,
 * tampering behind the hub's back found at its row (or against a signed checkpoint, by the hub's
 * anchor), the audit page's filters, entries recorded without awaiting kept in order and a failed
 * one counted, and hubs appending to one PostgreSQL at the same time keeping one whole chain.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from '@jest/globals';
import { pino } from 'pino';
import { AuditAnchor } from '../../hub/security/audit-anchor.js';
import {
  appendCheckpoint,
  compareWithCheckpoint,
  latestCheckpoint,
  signCheckpoint,
} from '../../hub/security/audit-checkpoints.js';
import { AuditLog, auditMigrations, GENESIS, rowMac } from '../../hub/security/audit-log.js';
import { AuditQuery } from '../../hub/security/audit-query.js';
import type { Sql } from '../../hub/store/sql.js';
import { VirtualClock } from '../fakes/virtual-clock.js';
import { onEachStore, type StoreUnderTest } from '../helpers/sql-stores.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const key = randomBytes(32);
const times = ['2026-11-30T01:00:00.000Z', '2026-11-30T01:05:00.000Z', '2026-11-30T01:10:00.000Z'];
const folder = tempDir('hnth-audit-store-');
afterAll(() => folder.remove());

/** What someone who can write the database can do: the append-only triggers out of the way. */
async function disableGuards(store: StoreUnderTest): Promise<void> {
  if (store.kind === 'pg') await store.sql.run('ALTER TABLE audit_log DISABLE TRIGGER USER');
  else {
    await store.sql.run('DROP TRIGGER audit_log_no_update');
    await store.sql.run('DROP TRIGGER audit_log_no_delete');
  }
}

/** Three entries, the second refused, at the three times. */
async function threeEntries(sql: Sql): Promise<AuditLog> {
  let i = 0;
  const audit = new AuditLog(sql, key, () => new Date(times[i++ % times.length]!));
  await audit.record('op', 'power.off', { roomId: 'tinh-uy' });
  await audit.record('op', 'power.off', { roomId: 'tinh-uy' }, { result: 'refused', code: 'in-call' });
  await audit.record('tech', 'override', { roomId: 'tinh-uy', minutes: 30 });
  return audit;
}

onEachStore('the audit log', auditMigrations, (store) => {
  test('entries are chained by an HMAC, each to the one before, with their outcome, and the chain verifies', async () => {
    let i = 0;
    const audit = new AuditLog(store.sql, key, () => new Date(times[i++ % times.length]!));
    const first = await audit.record('op', 'power.off', { roomId: 'tinh-uy' });
    const second = await audit.record(
      'op',
      'power.off',
      { roomId: 'tinh-uy' },
      { result: 'refused', code: 'in-call' },
    );
    await audit.record('tech', 'override', { roomId: 'tinh-uy', minutes: 30 });
    expect(first).toMatchObject({ id: 1, at: times[0], result: 'ok', code: null, prevHash: GENESIS });
    expect(second).toMatchObject({ id: 2, result: 'refused', code: 'in-call', prevHash: first.hash });
    expect(await audit.verify()).toEqual({
      ok: true,
      rows: 3,
      head: (await audit.list(1))[0]!.hash,
      unkeyedRows: 0,
      complete: true,
    });
    expect((await audit.list(2)).map((e) => [e.id, e.action, e.details])).toEqual([
      [3, 'override', { roomId: 'tinh-uy', minutes: 30 }],
      [2, 'power.off', { roomId: 'tinh-uy' }],
    ]);
    expect(await audit.hashAt(2)).toBe(second.hash);
    expect(await audit.hashAt(4)).toBeNull();
  });

  test('the chain is walked in slices that add up to the whole', async () => {
    const audit = await threeEntries(store.sql);
    const first = await audit.verify(undefined, 2);
    expect(first).toMatchObject({ ok: true, rows: 2, complete: false });
    if (!first.ok) throw new Error('the first slice should verify');
    expect(await audit.verify({ id: first.rows, hash: first.head }, 2)).toEqual({
      ...(await audit.verify()),
      unkeyedRows: 0,
    });
  });

  test('the hub cannot change or remove an entry: the database refuses', async () => {
    await threeEntries(store.sql);
    // Matched by message: better-sqlite3's error may come from another test file's realm, which
    // toThrow does not take for an Error.
    const refused = { message: expect.stringMatching(/append-only/) };
    await expect(store.sql.run("UPDATE audit_log SET actor = 'x' WHERE id = 1")).rejects.toMatchObject(
      refused,
    );
    await expect(store.sql.run('DELETE FROM audit_log WHERE id = 2')).rejects.toMatchObject(refused);
    if (store.kind === 'pg') await expect(store.sql.run('TRUNCATE audit_log')).rejects.toMatchObject(refused);
    expect(await new AuditLog(store.sql, key).verify()).toMatchObject({ ok: true, rows: 3 });
  });

  test.each([
    ['a changed detail', 'UPDATE audit_log SET details = \'{"roomId":"hdnd-tinh"}\' WHERE id = 1', 1, /HMAC/],
    ['a changed actor', "UPDATE audit_log SET actor = 'someone-else' WHERE id = 2", 2, /HMAC/],
    ['a changed outcome', "UPDATE audit_log SET result = 'ok', code = NULL WHERE id = 2", 2, /HMAC/],
    ['a removed row', 'DELETE FROM audit_log WHERE id = 2', 3, /row 2 is missing/],
  ])('tampering behind the hub’s back (%s) is detected at the row', async (_name, change, badId, reason) => {
    await threeEntries(store.sql);
    await disableGuards(store);
    await store.sql.run(change);
    expect(await new AuditLog(store.sql, key).verify()).toMatchObject({
      ok: false,
      badId,
      reason: expect.stringMatching(reason),
    });
  });

  test('rows rewritten and the whole chain computed again without the key do not verify', async () => {
    await threeEntries(store.sql);
    await disableGuards(store);
    const rows = await store.sql.all<{ id: number; details: string }>('SELECT * FROM audit_log ORDER BY id');
    let prev = GENESIS;
    const forger = randomBytes(32);
    for (const row of rows) {
      const details = row.id === 1 ? JSON.stringify({ roomId: 'hdnd-tinh' }) : row.details;
      const mac = rowMac(forger, { ...(row as object), details } as never, prev);
      await store.sql.run('UPDATE audit_log SET details = ?, prev_hash = ?, hash = ? WHERE id = ?', [
        details,
        prev,
        mac,
        row.id,
      ]);
      prev = mac;
    }
    expect(await new AuditLog(store.sql, key).verify()).toMatchObject({
      ok: false,
      badId: 1,
      reason: expect.stringMatching(/HMAC/),
    });
  });

  test('the newest rows deleted leave a whole chain, which the latest signed checkpoint exposes', async () => {
    const checkpoints = tempDir('hnth-checkpoints-');
    try {
      const audit = await threeEntries(store.sql);
      const verdict = await audit.verify();
      if (!verdict.ok) throw new Error('the chain should verify');
      appendCheckpoint(checkpoints.path, signCheckpoint(key, times[2]!, verdict.rows, verdict.head));
      await disableGuards(store);
      await store.sql.run('DELETE FROM audit_log WHERE id = 3');
      const shorter = await audit.verify();
      expect(shorter).toMatchObject({ ok: true, rows: 2 });
      const { checkpoint } = latestCheckpoint(checkpoints.path, key);
      expect(await compareWithCheckpoint(shorter as never, checkpoint!, audit)).toEqual({
        ok: false,
        reason: expect.stringMatching(
          /the log has 2 rows, the checkpoint of .* counted 3: its newest rows were removed/,
        ),
      });
    } finally {
      checkpoints.remove();
    }
  });

  test('the running hub’s anchor checkpoints each growth of the chain, to its file and its log, and finds rows cut behind its back', async () => {
    const auditDir = path.join(folder.path, `anchor-${store.kind}`);
    const clock = new VirtualClock('2026-11-30T01:00:00Z');
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const audit = new AuditLog(store.sql, key, clock.now);
    await audit.record('op', 'login');
    // The folder outside the data folder, as audit-key.ts makes it at the hub's first start.
    mkdirSync(auditDir, { recursive: true, mode: 0o700 });
    const anchor = new AuditAnchor(audit, key, auditDir, clock, log, 60_000);
    await anchor.start();
    expect(anchor.last).toMatchObject({ ok: true, rows: 1, checkpoint: null });
    void audit.record('op', 'contact.set', { kind: 'rooms', id: 'tinh-uy' });
    void audit.record('op', 'logout');
    await clock.advance(60_000);
    await waitFor('the second turn', () => anchor.last?.rows === 3);
    expect(anchor.last).toMatchObject({ ok: true, rows: 3, checkpoint: { rows: 1 } });
    expect(latestCheckpoint(auditDir, key).checkpoint).toMatchObject({
      rows: 3,
      head: (await audit.list(1))[0]!.hash,
    });
    const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'audit checkpoint');
    expect(logged.map((l) => l.checkpoint.rows)).toEqual([1, 3]);

    // Behind the hub's back: the last row deleted. The chain left is whole, the checkpoint is not.
    await disableGuards(store);
    await store.sql.run('DELETE FROM audit_log WHERE id = 3');
    await clock.advance(60_000);
    await waitFor('the turn after the cut', () => anchor.last?.ok === false);
    expect(anchor.last).toMatchObject({
      ok: false,
      rows: 2,
      reason: expect.stringMatching(/the log has 2 rows, the checkpoint .* counted 3/),
    });
    expect(lines.some((l) => JSON.parse(l).msg === 'audit log TAMPERED: it no longer verifies')).toBe(true);
    await anchor.stop();
    // No checkpoint is written over a log that does not verify.
    expect(latestCheckpoint(auditDir, key).checkpoint?.rows).toBe(3);
  });

  test('the audit page filters by who, what (an action or its family), room and time, newest first', async () => {
    const audit = await threeEntries(store.sql);
    await audit.record('op', 'contact.set', { kind: 'rooms', id: 'hdnd-tinh', roomId: 'hdnd-tinh' });
    const query = new AuditQuery(store.sql, audit);
    const ids = async (filter: Omit<Parameters<AuditQuery['list']>[0], 'limit'>) =>
      (await query.list({ ...filter, limit: 10 })).map((e) => e.id);
    expect(await ids({})).toEqual([4, 3, 2, 1]);
    expect(await ids({ actor: 'op' })).toEqual([4, 2, 1]);
    expect(await ids({ action: 'power' })).toEqual([2, 1]);
    expect(await ids({ action: 'power.off' })).toEqual([2, 1]);
    expect(await ids({ action: 'pow' })).toEqual([]);
    expect(await ids({ roomId: 'tinh-uy' })).toEqual([3, 2, 1]);
    expect(await ids({ roomId: 'hdnd-tinh', actor: 'op' })).toEqual([4]);
    expect(await ids({ from: times[1], to: times[2] })).toEqual([2]);
    expect(await query.list({ limit: 1 })).toEqual(await audit.list(1));
    // Byte order, as SQLite compares, whatever the PostgreSQL server's locale.
    await audit.record('Ánh', 'login');
    await audit.record('Zed', 'login');
    expect(await query.actors()).toEqual(['Zed', 'op', 'tech', 'Ánh']);
  });

  test('entries recorded without awaiting are appended in the order recorded; one that fails is counted, and no rejection goes unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let transactions = 0;
      // The store refuses the fourth append once (a full disk, a lost connection).
      const flaky: Sql = {
        dialect: store.sql.dialect,
        all: (q, p) => store.sql.all(q, p),
        one: (q, p) => store.sql.one(q, p),
        run: (q, p) => store.sql.run(q, p),
        transaction: (work) =>
          ++transactions === 4 ? Promise.reject(new Error('disk full')) : store.sql.transaction(work),
      };
      const errors: string[] = [];
      const log = pino({ level: 'error' }, { write: (line: string) => errors.push(JSON.parse(line).msg) });
      const audit = new AuditLog(flaky, key, undefined, log);
      for (let n = 1; n <= 30; n++) void audit.record('op', 'contact.set', { n });
      await audit.settled();
      await new Promise((resolve) => setImmediate(resolve));
      expect(audit.failures).toBe(1);
      expect(errors).toEqual(['audit row not written']);
      const entries = (await audit.list(100)).reverse();
      expect(entries.map((e) => e.details.n)).toEqual([
        1,
        2,
        3,
        ...Array.from({ length: 26 }, (_, i) => i + 5),
      ]);
      expect(entries.map((e) => e.id)).toEqual(Array.from({ length: 29 }, (_, i) => i + 1));
      expect(await audit.verify()).toMatchObject({ ok: true, rows: 29 });
      // A caller that awaits sees the failure itself.
      await expect(
        new AuditLog({ ...flaky, transaction: () => Promise.reject(new Error('gone')) }, key).record(
          'op',
          'x',
        ),
      ).rejects.toThrow('gone');
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('hubs appending at the same time keep one chain: every entry once, each after the row before it', async () => {
    // Four hubs, each with its own connection (on SQLite one hub owns the file: the same connection).
    const perHub = 40;
    const connections = [store.sql, ...(await Promise.all([1, 2, 3].map(() => store.another())))];
    const hubs = connections.map((sql) => new AuditLog(sql, key));
    await Promise.all(
      hubs.map((audit, h) =>
        Promise.all(
          Array.from({ length: perHub }, (_, n) => audit.record(`hub-${h}`, 'contact.set', { h, n })),
        ),
      ),
    );
    const total = hubs.length * perHub;
    for (const audit of hubs)
      expect(await audit.verify()).toMatchObject({ ok: true, rows: total, complete: true });
    const entries = await hubs[0]!.list(1000);
    expect(entries).toHaveLength(total);
    expect(new Set(entries.map((e) => `${e.details.h}/${e.details.n}`)).size).toBe(total);
    // Each hub's entries in the order it recorded them.
    hubs.forEach((_, h) => {
      const mine = entries.filter((e) => e.details.h === h).reverse();
      expect(mine.map((e) => e.details.n)).toEqual(Array.from({ length: perHub }, (_, n) => n));
    });
  });
});
