/**
 * Two hubs of a group on one PostgreSQL share their dashboard users and sessions: a user created on
 * one logs in on the other, a session opened on one works on the other (cookie and CSRF token, the
 * live socket too), logging out on one ends it on both, and a role change made on one applies at
 * the other's next request. `hnth-hub users set`, given the group's store, makes a user of both.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { WebSocket } from 'ws';
import { SESSION_ENDED } from '../../hub/api/live-socket.js';
import type { RunningHub } from '../../hub/hub.js';
import { type ApiSession, apiRequest, login, operatorLogin, startTestHub } from '../helpers/hub-harness.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

let db: TestDatabase;
let a: RunningHub & { removeData(): void };
let b: RunningHub & { removeData(): void };
/** The test operator, logged in on hub A. */
let operatorOnA: ApiSession;

beforeAll(async () => {
  db = await createTestDatabase();
  a = await startTestHub({ 'store.url': db.url });
  b = await startTestHub({ 'store.url': db.url });
  // Each start gave the test operator a new password; B's, the later, is the one that works.
  const { username, password } = operatorLogin(b.httpUrl);
  operatorOnA = await login(a.httpUrl, username, password);
});
afterAll(async () => {
  for (const hub of [a, b]) {
    await hub?.stop();
    hub?.removeData();
  }
  await db?.drop();
});

/** A /ws connection to `hub` with `session`'s cookie, once its snapshot has arrived; `closed` gives its close code. */
async function liveSocket(hub: RunningHub, session: ApiSession) {
  const ws = new WebSocket(`${hub.httpUrl.replace(/^http/, 'ws')}/ws`, {
    headers: { cookie: session.cookie },
  });
  let code: number | null = null;
  ws.on('close', (c) => {
    code = c;
  });
  await new Promise((resolve, reject) => {
    ws.once('message', resolve);
    ws.once('error', reject);
  });
  return { ws, closed: () => code };
}

async function createUser(username: string, role: 'operator' | 'viewer'): Promise<string> {
  const res = await apiRequest(a.httpUrl, 'POST', '/api/users', { username, role }, operatorOnA);
  expect(res.status).toBe(201);
  return (res.body as { password: string }).password;
}

describe('two hubs on one PostgreSQL', () => {
  test('a user created through hub A’s API logs in on hub B', async () => {
    const password = await createUser('mai', 'viewer');
    const onB = await login(b.httpUrl, 'mai', password);
    expect(onB.role).toBe('viewer');
    const listed = await apiRequest(b.httpUrl, 'GET', '/api/users', undefined, operatorOnA);
    expect((listed.body as { username: string }[]).map((u) => u.username)).toContain('mai');
  });

  test('a session opened on A works on B, CSRF token included, and logging out on A ends it on B and its live socket', async () => {
    const password = await createUser('hoa', 'operator');
    const onA = await login(a.httpUrl, 'hoa', password);
    const session = await apiRequest(b.httpUrl, 'GET', '/api/session', undefined, onA);
    expect(session).toMatchObject({
      status: 200,
      body: { username: 'hoa', role: 'operator', csrfToken: onA.csrfToken },
    });
    // A state change on B with A's session: accepted with its CSRF token, refused without.
    const withoutCsrf = await fetch(`${b.httpUrl}/api/users/mai/password`, {
      method: 'POST',
      headers: { cookie: onA.cookie },
    });
    expect(withoutCsrf.status).toBe(403);
    expect((await apiRequest(b.httpUrl, 'POST', '/api/users/mai/password', undefined, onA)).status).toBe(200);
    const live = await liveSocket(b, onA);

    expect((await apiRequest(a.httpUrl, 'POST', '/api/logout', undefined, onA)).status).toBe(200);
    expect((await apiRequest(b.httpUrl, 'GET', '/api/session', undefined, onA)).status).toBe(401);
    await waitFor('B’s live socket closed', () => live.closed() !== null);
    expect(live.closed()).toBe(SESSION_ENDED);
  });

  test('a role change made on A applies at B’s next request', async () => {
    const password = await createUser('tuan', 'operator');
    const onB = await login(b.httpUrl, 'tuan', password);
    expect((await apiRequest(b.httpUrl, 'GET', '/api/audit', undefined, onB)).status).toBe(200);
    const demoted = await apiRequest(a.httpUrl, 'PATCH', '/api/users/tuan', { role: 'viewer' }, operatorOnA);
    expect(demoted.status).toBe(200);
    // The change ended the session on every hub; logged in again on B, the user is a viewer there.
    expect((await apiRequest(b.httpUrl, 'GET', '/api/audit', undefined, onB)).status).toBe(401);
    const again = await login(b.httpUrl, 'tuan', password);
    expect(again.role).toBe('viewer');
    expect((await apiRequest(b.httpUrl, 'GET', '/api/audit', undefined, again)).status).toBe(403);
  });

  test('`hnth-hub users set` with the group’s store URL makes a user who logs in on both hubs', async () => {
    const data = tempDir('hnth-group-cli-');
    try {
      const res = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'hub/cli.ts', 'users', 'set', 'linh', '--role', 'viewer'],
        {
          env: {
            ...process.env,
            NODE_OPTIONS: '',
            HNTH_DATA_DIR: path.join(data.path, 'data'),
            HNTH_DB_URL: db.url,
          },
          encoding: 'utf8',
        },
      );
      expect([res.status, res.stderr]).toEqual([0, '']);
      const password = /\n\n {2}(\S+)\n/.exec(res.stdout)?.[1];
      expect(password).toEqual(expect.any(String));
      const sessions = await Promise.all([
        login(a.httpUrl, 'linh', password!),
        login(b.httpUrl, 'linh', password!),
      ]);
      expect(sessions.map((s) => s.role)).toEqual(['viewer', 'viewer']);
    } finally {
      data.remove();
    }
  });
});
