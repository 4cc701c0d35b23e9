/**
 * Dashboard users (UserStore) and their sessions (SessionStore) on both stores: generated passwords
 * kept as scrypt hashes only, the rules a user must meet, the last operator kept, a change to a user
 * ending their sessions, session tokens kept as their SHA-256 only, expiry; and on PostgreSQL, what
 * one hub writes another reads at once.
 */
import { createHash } from 'node:crypto';
import { expect, test } from '@jest/globals';
import { securityMigrations } from '../../hub/security/security.js';
import { SESSION_TTL_MS, SessionStore } from '../../hub/security/session-store.js';
import { type User, type UserError, UserStore } from '../../hub/security/user-store.js';
import type { Sql } from '../../hub/store/sql.js';
import { builtInFleet } from '../../shared/fleet.js';
import { onEachStore } from '../helpers/sql-stores.js';

const ROOM = 'ubnd-ham-yen';

/** The stores on `sql`, with a clock the test moves and the audit rows they record. */
function storesOn(sql: Sql, clock = { now: new Date('2026-12-06T03:00:00.000Z') }) {
  const audited: { actor: string; action: string; details: Record<string, unknown> }[] = [];
  const audit = {
    record: (actor: string, action: string, details: Record<string, unknown> = {}) => {
      audited.push({ actor, action, details });
      return {} as never;
    },
  };
  const now = () => clock.now;
  return {
    users: new UserStore(sql, audit, builtInFleet, now),
    sessions: new SessionStore(sql, now),
    audited,
    clock,
  };
}

const operator = (username: string): User => ({ username, role: 'operator', roomId: null });
const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

onEachStore('dashboard users', securityMigrations, (store) => {
  test('a user is created with a generated password that only they can log in with', async () => {
    const { users, audited } = storesOn(store.sql);
    const password = await users.set({ username: 'lan', role: 'technician', roomId: ROOM }, 'op');
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await users.check('lan', password)).toEqual({ username: 'lan', role: 'technician', roomId: ROOM });
    expect(await users.check('lan', `${password}x`)).toBeNull();
    expect(await users.check('nobody', password)).toBeNull();
    expect(await users.find('lan')).toEqual({ username: 'lan', role: 'technician', roomId: ROOM });
    expect(await users.find('nobody')).toBeNull();
    expect(audited).toEqual([
      { actor: 'op', action: 'user.set', details: { username: 'lan', role: 'technician', roomId: ROOM } },
    ]);
  });

  test('only a scrypt hash of the password is stored', async () => {
    const { users } = storesOn(store.sql);
    const password = await users.set(operator('root'), 'op');
    const rows = await store.sql.all<{ password_hash: string }>('SELECT * FROM users');
    expect(JSON.stringify(rows)).not.toContain(password);
    expect(rows.map((r) => r.password_hash)).toEqual([expect.stringMatching(/^scrypt\$16384\$8\$1\$/)]);
  });

  test('a bad username, role or room is refused, naming what is wrong, and nothing is stored', async () => {
    const { users } = storesOn(store.sql);
    const refusal = (user: User) =>
      users.set(user, 'op').then(
        () => null,
        (err: UserError) => err.code,
      );
    expect(await refusal({ username: 'Lan', role: 'viewer', roomId: null })).toBe('bad-username');
    expect(await refusal({ username: '', role: 'viewer', roomId: null })).toBe('bad-username');
    expect(await refusal({ username: 'lan', role: 'admin' as 'viewer', roomId: null })).toBe('bad-role');
    expect(await refusal({ username: 'lan', role: 'viewer', roomId: 'not-a-room' })).toBe('bad-room');
    expect(await refusal({ username: 'lan', role: 'technician', roomId: null })).toBe('bad-room');
    await expect(users.set({ username: 'lan', role: 'technician', roomId: null }, 'op')).rejects.toThrow(
      /a technician needs the room/,
    );
    expect(await users.list()).toEqual([]);
  });

  test('setting an existing user again replaces their role and password, and ends their sessions', async () => {
    const { users, sessions } = storesOn(store.sql);
    const old = await users.set(operator('root'), 'op');
    const { token } = await sessions.open(operator('root'));
    const fresh = await users.set({ username: 'root', role: 'viewer', roomId: null }, 'op');
    expect(await users.check('root', old)).toBeNull();
    expect(await users.check('root', fresh)).toEqual({ username: 'root', role: 'viewer', roomId: null });
    expect(await sessions.find(token)).toBeNull();
  });

  test('creating never replaces an existing user, even asked on two hubs at once', async () => {
    const first = storesOn(store.sql);
    const second = storesOn(await store.another());
    const password = await first.users.create(operator('root'), 'op');
    const { token } = await first.sessions.open(operator('root'));
    await expect(
      second.users.create({ username: 'root', role: 'viewer', roomId: null }, 'op'),
    ).rejects.toMatchObject({
      code: 'user-exists',
    });
    expect(await first.users.check('root', password)).toEqual(operator('root'));
    expect(await first.sessions.find(token)).not.toBeNull();
    const results = await Promise.allSettled([
      first.users.create({ username: 'lan', role: 'viewer', roomId: null }, 'op'),
      second.users.create({ username: 'lan', role: 'operator', roomId: null }, 'op'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const made = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<string>;
    expect(await first.users.check('lan', made.value)).not.toBeNull();
    expect(first.audited.concat(second.audited).map((a) => a.action)).toEqual(['user.set', 'user.set']);
  });

  test('a role change keeps the password and ends the user’s sessions, no one else’s', async () => {
    const { users, sessions, audited } = storesOn(store.sql);
    await users.set(operator('root'), 'op');
    const password = await users.set(operator('lan'), 'op');
    const lan = await sessions.open(operator('lan'));
    const root = await sessions.open(operator('root'));
    const changed = { username: 'lan', role: 'technician', roomId: ROOM } as const;
    expect(await users.setRole(changed, 'root')).toEqual(changed);
    expect(await users.check('lan', password)).toEqual(changed);
    expect(await sessions.find(lan.token)).toBeNull();
    expect((await sessions.find(root.token))?.user).toEqual(operator('root'));
    expect(audited.at(-1)).toEqual({ actor: 'root', action: 'user.role', details: changed });
  });

  test('the last operator keeps the operator role; an unknown user is named', async () => {
    const { users } = storesOn(store.sql);
    await users.set(operator('root'), 'op');
    await expect(
      users.setRole({ username: 'root', role: 'viewer', roomId: null }, 'op'),
    ).rejects.toMatchObject({
      code: 'last-operator',
    });
    await expect(users.setRole({ username: 'ghost', role: 'viewer', roomId: null }, 'op')).rejects.toThrow(
      'no user "ghost"',
    );
    expect(await users.find('root')).toEqual(operator('root'));
  });

  test('two operators demoting each other at once: one change is made, the other refused', async () => {
    const first = storesOn(store.sql).users;
    const second = storesOn(await store.another()).users;
    await first.set(operator('an'), 'op');
    await first.set(operator('binh'), 'op');
    const results = await Promise.allSettled([
      first.setRole({ username: 'an', role: 'viewer', roomId: null }, 'binh'),
      second.setRole({ username: 'binh', role: 'viewer', roomId: null }, 'an'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'last-operator' });
    expect((await first.list()).filter((u) => u.role === 'operator')).toHaveLength(1);
  });

  test('a password reset gives a new password, ends the user’s sessions; an unknown user is named', async () => {
    const { users, sessions, audited } = storesOn(store.sql);
    const old = await users.set(operator('root'), 'op');
    const { token } = await sessions.open(operator('root'));
    const fresh = await users.resetPassword('root', 'op');
    expect(await users.check('root', old)).toBeNull();
    expect(await users.check('root', fresh)).toEqual(operator('root'));
    expect(await sessions.find(token)).toBeNull();
    expect(audited.at(-1)).toEqual({
      actor: 'op',
      action: 'user.password-reset',
      details: { username: 'root' },
    });
    await expect(users.resetPassword('ghost', 'op')).rejects.toMatchObject({ code: 'no-user' });
  });

  test('the list is in code-point order of the username, whatever the database’s locale', async () => {
    const { users, clock } = storesOn(store.sql);
    const names = ['a_b', 'a0b', 'a.b', 'a-b', 'ab', 'b'];
    for (const name of names) await users.set({ username: name, role: 'viewer', roomId: null }, 'op');
    clock.now = new Date('2026-12-07T00:00:00.000Z');
    await users.set({ username: 'ab', role: 'technician', roomId: ROOM }, 'op');
    const listed = await users.list();
    expect(listed.map((u) => u.username)).toEqual([...names].sort());
    expect(listed.find((u) => u.username === 'ab')).toEqual({
      username: 'ab',
      role: 'technician',
      roomId: ROOM,
      createdAt: '2026-12-06T03:00:00.000Z',
    });
  });
});

onEachStore('dashboard sessions', securityMigrations, (store) => {
  test('a session opened is found by its token, with its own CSRF token; only the token’s SHA-256 is stored', async () => {
    const { users, sessions, clock } = storesOn(store.sql);
    await users.set(operator('root'), 'op');
    const { token, session } = await sessions.open(operator('root'));
    expect(session).toEqual({
      user: operator('root'),
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      expiresAt: new Date(clock.now.getTime() + SESSION_TTL_MS).toISOString(),
    });
    expect(await sessions.find(token)).toEqual(session);
    expect(await sessions.find(`${token}x`)).toBeNull();
    const rows = await store.sql.all<{ token_hash: string }>('SELECT * FROM sessions');
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows.map((r) => r.token_hash)).toEqual([sha256(token)]);
    const other = await sessions.open(operator('root'));
    expect(other.token).not.toBe(token);
    expect(other.session.csrfToken).not.toBe(session.csrfToken);
  });

  test('a session gives the user as they are now', async () => {
    const { users, sessions } = storesOn(store.sql);
    await users.set({ username: 'lan', role: 'technician', roomId: ROOM }, 'op');
    const { token } = await sessions.open({ username: 'lan', role: 'technician', roomId: ROOM });
    await store.sql.run("UPDATE users SET role = 'viewer', room_id = NULL WHERE username = 'lan'");
    expect((await sessions.find(token))?.user).toEqual({ username: 'lan', role: 'viewer', roomId: null });
  });

  test('a session ends when closed, and when it expires; expired ones are cleared at the next login', async () => {
    const { users, sessions, clock } = storesOn(store.sql);
    await users.set(operator('root'), 'op');
    const closed = await sessions.open(operator('root'));
    await sessions.close(closed.token);
    expect(await sessions.find(closed.token)).toBeNull();
    const expiring = await sessions.open(operator('root'));
    const opened = clock.now.getTime();
    clock.now = new Date(opened + SESSION_TTL_MS - 1);
    expect(await sessions.find(expiring.token)).not.toBeNull();
    clock.now = new Date(opened + SESSION_TTL_MS);
    expect(await sessions.find(expiring.token)).toBeNull();
    await sessions.open(operator('root'));
    expect(
      await store.sql.all('SELECT * FROM sessions WHERE token_hash = ?', [sha256(expiring.token)]),
    ).toEqual([]);
  });

  if (store.kind === 'pg')
    test('a session opened on one hub is found, and closed, on another of the group', async () => {
      const a = storesOn(store.sql);
      const b = storesOn(await store.another());
      await a.users.set(operator('root'), 'op');
      const { token, session } = await a.sessions.open(operator('root'));
      expect(await b.sessions.find(token)).toEqual(session);
      await b.sessions.close(token);
      expect(await a.sessions.find(token)).toBeNull();
    });
});
