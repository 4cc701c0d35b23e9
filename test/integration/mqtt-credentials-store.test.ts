/**
 * The broker accounts (MqttCredentials) on both stores: a password issued proves its account until
 * the next one, only its hashes are stored, a disabled room proves nothing until it is issued a new
 * password, and on PostgreSQL what one hub stores another sees at once.
 */
import { expect, test } from '@jest/globals';
import { CredentialError, MqttCredentials } from '../../hub/security/mqtt-credentials.js';
import { HUB_ACCOUNT } from '../../hub/security/mqtt-policy.js';
import { securityMigrations } from '../../hub/security/security.js';
import { type Sql, violationOf } from '../../hub/store/sql.js';
import { builtInFleet } from '../../shared/fleet.js';
import { onEachStore } from '../helpers/sql-stores.js';

const A = 'ubnd-ham-yen';
const B = 'ubnd-son-duong';
const NOW = new Date('2026-12-06T03:00:00.000Z');

function credentialsOn(sql: Sql) {
  const audited: { actor: string; action: string; details: Record<string, unknown> }[] = [];
  const credentials = new MqttCredentials(
    sql,
    {
      record: (actor, action, details = {}) => {
        audited.push({ actor, action, details });
        return {} as never;
      },
    },
    builtInFleet,
    () => NOW,
  );
  return { credentials, audited };
}

onEachStore('broker accounts', securityMigrations, (store) => {
  test('an issued password proves its account, a wrong one or another account’s does not', async () => {
    const { credentials, audited } = credentialsOn(store.sql);
    const password = await credentials.issue(A, 'op');
    expect(await credentials.verify(A, password)).toEqual({ kind: 'room', roomId: A });
    expect(await credentials.verify(A, `${password}x`)).toBeNull();
    expect(await credentials.verify(B, password)).toBeNull();
    expect(await credentials.verify('not-a-room', password)).toBeNull();
    expect(audited).toEqual([{ actor: 'op', action: 'credentials.issue', details: { account: A } }]);
  });

  test('the hub’s account is issued like a room’s and proves the hub', async () => {
    const { credentials } = credentialsOn(store.sql);
    const password = await credentials.issue(HUB_ACCOUNT, 'op');
    expect(await credentials.verify(HUB_ACCOUNT, password)).toEqual({ kind: 'hub' });
  });

  test('issuing again revokes the old password at once', async () => {
    const { credentials } = credentialsOn(store.sql);
    const old = await credentials.issue(A, 'op');
    const fresh = await credentials.issue(A, 'op');
    expect(fresh).not.toBe(old);
    expect(await credentials.verify(A, old)).toBeNull();
    expect(await credentials.verify(A, fresh)).not.toBeNull();
  });

  test('only hashes are stored: scrypt for the embedded broker, PBKDF2 for Mosquitto', async () => {
    const { credentials } = credentialsOn(store.sql);
    const password = await credentials.issue(A, 'op');
    const rows = await store.sql.all<Record<string, unknown>>('SELECT * FROM mqtt_credentials');
    expect(JSON.stringify(rows)).not.toContain(password);
    expect(rows).toEqual([
      expect.objectContaining({
        username: A,
        scrypt_hash: expect.stringMatching(/^scrypt\$/),
        mosquitto_hash: expect.stringMatching(/^\$7\$/),
        issued_at: NOW.toISOString(),
      }),
    ]);
  });

  test('an account outside the fleet is refused before anything is stored', async () => {
    const { credentials, audited } = credentialsOn(store.sql);
    await expect(credentials.issue('not-a-room', 'op')).rejects.toThrow(CredentialError);
    await expect(credentials.prepare('not-a-room')).rejects.toThrow(/neither a room of the fleet/);
    expect(await credentials.list()).toEqual([]);
    expect(audited).toEqual([]);
  });

  test('a disabled room proves nothing and is listed so, until a new password enables it', async () => {
    const { credentials, audited } = credentialsOn(store.sql);
    const password = await credentials.issue(A, 'op');
    await credentials.issue(B, 'op');
    expect(await credentials.disable(A, 'flooding', 'system')).toBe(true);
    expect(await credentials.disable(A, 'flooding', 'system')).toBe(false);
    expect(await credentials.verify(A, password)).toBeNull();
    expect(await credentials.disabledAccounts()).toEqual([A]);
    expect((await credentials.list()).map((c) => [c.username, c.disabled])).toEqual([
      [A, { at: NOW.toISOString(), reason: 'flooding' }],
      [B, null],
    ]);
    expect(audited.filter((a) => a.action === 'credentials.disable')).toEqual([
      { actor: 'system', action: 'credentials.disable', details: { account: A, reason: 'flooding' } },
    ]);
    const fresh = await credentials.issue(A, 'op');
    expect(await credentials.verify(A, fresh)).toEqual({ kind: 'room', roomId: A });
    expect(await credentials.disabledAccounts()).toEqual([]);
  });

  test('the hub’s account, an account without a password, and a non-room are never disabled', async () => {
    const { credentials } = credentialsOn(store.sql);
    const hubPassword = await credentials.issue(HUB_ACCOUNT, 'op');
    expect(await credentials.disable(HUB_ACCOUNT, 'x', 'system')).toBe(false);
    expect(await credentials.disable(A, 'x', 'system')).toBe(false);
    expect(await credentials.disable('not-a-room', 'x', 'system')).toBe(false);
    expect(await credentials.verify(HUB_ACCOUNT, hubPassword)).toEqual({ kind: 'hub' });
    expect(await credentials.disabledAccounts()).toEqual([]);
  });

  test('prepared passwords are stored together, each audited, and listed in code-point order', async () => {
    const { credentials, audited } = credentialsOn(store.sql);
    const accounts = [B, HUB_ACCOUNT, A, 'tinh-uy', 'hdnd-tinh'];
    const prepared = await Promise.all(accounts.map((a) => credentials.prepare(a)));
    expect(await credentials.issuedAccounts()).toEqual(new Set());
    await credentials.storeAll(prepared, 'cli');
    expect(await credentials.issuedAccounts()).toEqual(new Set(accounts));
    expect((await credentials.list()).map((c) => c.username)).toEqual([...accounts].sort());
    for (const p of prepared) expect(await credentials.verify(p.username, p.password)).not.toBeNull();
    expect(audited.map((a) => a.details.account)).toEqual(accounts);
  });

  test('a batch that fails stores none of it', async () => {
    const { credentials } = credentialsOn(store.sql);
    const good = await credentials.prepare(A);
    const bad = { ...(await credentials.prepare(B)), scryptHash: null as unknown as string };
    // Read by its code: an error thrown by better-sqlite3 may come from another realm than this test's.
    const refused = await credentials.storeAll([good, bad], 'cli').then(
      () => null,
      (err: unknown) => err,
    );
    expect(violationOf(refused)).toBe('not-null');
    expect(await credentials.issuedAccounts()).toEqual(new Set());
  });

  if (store.kind === 'pg')
    test('what one hub issues or disables, another hub on the same PostgreSQL sees at once', async () => {
      const first = credentialsOn(store.sql).credentials;
      const second = credentialsOn(await store.another()).credentials;
      const password = await first.issue(A, 'op');
      expect(await second.verify(A, password)).toEqual({ kind: 'room', roomId: A });
      expect(await second.disable(A, 'flooding', 'system')).toBe(true);
      expect(await first.disabledAccounts()).toEqual([A]);
      expect(await first.verify(A, password)).toBeNull();
      const [x, y] = await Promise.all([first.prepare(B), second.prepare(B)]);
      await Promise.all([first.storeAll([x], 'a'), second.storeAll([y], 'b')]);
      const proven = await Promise.all([first.verify(B, x.password), first.verify(B, y.password)]);
      expect(proven.filter(Boolean)).toHaveLength(1);
    });
});
