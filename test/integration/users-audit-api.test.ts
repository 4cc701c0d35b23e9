/**
 * The operators' user management and audit log over HTTP: a user created with a generated password
 * shown once, never created twice, a role changed (their session ends), a password reset, the last
 * operator kept; and the audit log filtered by who, what and room, with the chain verified.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { RunningHub } from '../../hub/hub.js';
import type { AuditEntry } from '../../hub/security/audit-log.js';
import { apiRequest, login, startTestHub, TEST_OPERATOR } from '../helpers/hub-harness.js';

describe('users and the audit log, over HTTP', () => {
  let hub: RunningHub & { removeData(): void };

  beforeAll(async () => {
    hub = await startTestHub({ 'schedule.powerOnTimeoutSec': 0.5 });
  });
  afterAll(async () => {
    await hub?.stop();
    hub?.removeData();
  });

  const api = (method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) =>
    apiRequest(hub.httpUrl, method, path, body);

  test('an operator creates a technician, who logs in with the password shown once', async () => {
    const created = await api('POST', '/api/users', {
      username: 'ky-thuat.na-hang',
      role: 'technician',
      roomId: 'ubnd-na-hang',
    });
    expect(created).toMatchObject({
      status: 201,
      body: {
        username: 'ky-thuat.na-hang',
        role: 'technician',
        roomId: 'ubnd-na-hang',
        password: expect.any(String),
      },
    });
    const password = (created.body as { password: string }).password;
    const session = await login(hub.httpUrl, 'ky-thuat.na-hang', password);
    expect(session.role).toBe('technician');
    const listed = (await api('GET', '/api/users')).body as {
      username: string;
      role: string;
      createdAt: string;
    }[];
    expect(listed.map((u) => u.username)).toEqual(['ky-thuat.na-hang', TEST_OPERATOR]);
    expect(JSON.stringify(listed)).not.toContain(password);
  });

  test('creating never replaces someone, and bad input is named with a code', async () => {
    expect(await api('POST', '/api/users', { username: 'ky-thuat.na-hang', role: 'viewer' })).toMatchObject({
      status: 409,
      body: { code: 'user-exists', field: 'username' },
    });
    expect(await api('POST', '/api/users', { username: 'Có Dấu', role: 'viewer' })).toMatchObject({
      status: 400,
      body: { code: 'bad-username', field: 'username' },
    });
    expect(await api('POST', '/api/users', { username: 'tech2', role: 'technician' })).toMatchObject({
      status: 400,
      body: { code: 'bad-room', field: 'roomId' },
    });
    expect(await api('POST', '/api/users', { username: 'x', role: 'admin' })).toMatchObject({
      status: 400,
      body: { field: 'role' },
    });
  });

  test('a role change ends the user’s session; a reset password replaces the old one', async () => {
    const created = await api('POST', '/api/users', { username: 'xem', role: 'viewer' });
    const first = (created.body as { password: string }).password;
    const session = await login(hub.httpUrl, 'xem', first);
    const changed = await api('PATCH', '/api/users/xem', { role: 'technician', roomId: 'so-y-te' });
    expect(changed).toMatchObject({
      status: 200,
      body: { username: 'xem', role: 'technician', roomId: 'so-y-te' },
    });
    expect((await apiRequest(hub.httpUrl, 'GET', '/api/session', undefined, session)).status).toBe(401);
    const reset = await api('POST', '/api/users/xem/password');
    expect(reset.status).toBe(200);
    const second = (reset.body as { password: string }).password;
    expect(second).not.toBe(first);
    await expect(login(hub.httpUrl, 'xem', first)).rejects.toThrow(/401/);
    expect((await login(hub.httpUrl, 'xem', second)).role).toBe('technician');
    expect(await api('POST', '/api/users/nobody/password')).toMatchObject({
      status: 404,
      body: { code: 'no-user' },
    });
  });

  test('the last operator keeps the role; only operators manage users', async () => {
    expect(await api('PATCH', `/api/users/${TEST_OPERATOR}`, { role: 'viewer' })).toMatchObject({
      status: 409,
      body: { code: 'last-operator' },
    });
    const tech = { as: { role: 'technician' as const, roomId: 'ubnd-na-hang' } };
    expect((await apiRequest(hub.httpUrl, 'GET', '/api/users', undefined, tech)).status).toBe(403);
    expect(
      (await apiRequest(hub.httpUrl, 'POST', '/api/users', { username: 'y', role: 'operator' }, tech)).status,
    ).toBe(403);
  });

  test('the audit log filters by who, what and room, and its chain verifies', async () => {
    await api('POST', '/api/rooms/ubnd-na-hang/power', {
      action: 'on',
      until: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const byFamily = (await api('GET', '/api/audit?action=user')).body as AuditEntry[];
    expect(new Set(byFamily.map((e) => e.action))).toEqual(
      new Set(['user.set', 'user.role', 'user.password-reset']),
    );
    expect(byFamily.every((e) => e.actor === TEST_OPERATOR || e.actor === 'test-harness')).toBe(true);
    const byRoom = (await api('GET', '/api/audit?room=ubnd-na-hang')).body as AuditEntry[];
    // The technician's creation names the room too (twice: the harness's and this test's).
    expect(byRoom.map((e) => e.action)).toEqual(['power.override', 'user.set', 'user.set']);
    const byActor = (await api('GET', `/api/audit?actor=xem&action=login`)).body as AuditEntry[];
    expect(byActor.map((e) => e.action)).toEqual(['login', 'login.failed', 'login']);
    expect((await api('GET', '/api/audit?from=2099-01-01')).body).toEqual([]);
    expect(await api('GET', '/api/audit?room=atlantis')).toMatchObject({
      status: 400,
      body: { field: 'room' },
    });
    expect(await api('GET', '/api/audit?from=yesterday')).toMatchObject({
      status: 400,
      body: { field: 'from' },
    });
    expect((await api('GET', '/api/audit/actors')).body).toEqual(
      expect.arrayContaining(['xem', TEST_OPERATOR]),
    );
    expect(await api('GET', '/api/audit/verification')).toMatchObject({
      status: 200,
      body: { ok: true, rows: expect.any(Number), checkedAt: expect.any(String) },
    });
  });
});
