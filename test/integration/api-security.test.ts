/**
 * The API and dashboard behind logins (issue 8): every route needs a session unless it declares
 * itself public, each role is refused what it may not do, state changes need the CSRF token,
 * logins are rate limited and audited, and every answer carries the security headers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { WebSocket } from 'ws';
import { buildApi } from '../../hub/api/http-api.js';
import { LiveSocket, SESSION_ENDED } from '../../hub/api/live-socket.js';
import type { RunningHub } from '../../hub/hub.js';
import { createLogger } from '../../shared/logger.js';
import {
  type ApiSession,
  apiRequest,
  login,
  openSecurityIn,
  operatorLogin,
  startTestHub,
} from '../helpers/hub-harness.js';
import { waitFor } from '../helpers/wait.js';

let hub: RunningHub & { removeData(): void };
const sessions: Record<'operator' | 'technician' | 'viewer', ApiSession> = {} as never;

beforeAll(async () => {
  hub = await startTestHub();
  const { users } = hub.security;
  for (const [username, role, roomId] of [
    ['op2', 'operator', null],
    ['tech', 'technician', 'tinh-uy'],
    ['view', 'viewer', null],
  ] as const) {
    const password = await users.set({ username, role, roomId }, 'test');
    sessions[role] = await login(hub.httpUrl, username, password);
  }
});
afterAll(async () => {
  await hub?.stop();
  hub?.removeData();
});

/** A concrete URL for a route pattern: rooms for room parameters, a file for the static wildcard. */
const concrete = (url: string) =>
  url
    .replace(/:(id|roomId)\b/g, 'tinh-uy')
    .replace(/:\w+/g, 'x')
    .replace(/\*$/, 'style.css');

describe('every route is covered by the access guard', () => {
  test('every registered route declares its access', () => {
    expect(hub.routes.length).toBeGreaterThan(5);
    expect(hub.routes.filter((r) => r.access === undefined)).toEqual([]);
    expect(hub.routes).toContainEqual(
      expect.objectContaining({ method: 'GET', url: '/api/rooms', access: 'viewer' }),
    );
  });

  test('every route but the public ones refuses a caller without a session (401)', async () => {
    const checked: string[] = [];
    for (const route of hub.routes) {
      if (route.method === 'HEAD' || route.method === 'OPTIONS') continue;
      const res = await apiRequest(hub.httpUrl, route.method as 'GET', concrete(route.url), undefined, null);
      if (route.access === 'public') expect([route.url, res.status]).not.toEqual([route.url, 401]);
      else expect([route.method, route.url, res.status]).toEqual([route.method, route.url, 401]);
      checked.push(`${route.method} ${route.url}`);
    }
    expect(checked).toEqual(
      expect.arrayContaining(['GET /api/rooms', 'GET /api/rooms/:id/events', 'GET /api/audit']),
    );
  });

  test('a route that forgets to declare its access refuses everyone, operators included', async () => {
    const security = await openSecurityIn();
    await security.users.set({ username: 'root', role: 'operator', roomId: null }, 'test');
    const { token, session } = await security.sessions.open((await security.users.find('root'))!);
    const app = buildApi(createLogger('t', 'silent'), security.sessions, [
      (a) => a.post('/api/undeclared', async () => ({ secret: 42 })),
    ]);
    try {
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const res = await fetch(`${base}/api/undeclared`, {
        method: 'POST',
        headers: { cookie: `hnth_session=${token}`, 'x-csrf-token': session.csrfToken },
      });
      expect(res.status).toBe(403);
      expect(await res.text()).not.toContain('42');
      expect(app.declaredRoutes).toContainEqual(
        expect.objectContaining({ method: 'POST', url: '/api/undeclared', access: undefined }),
      );
    } finally {
      await app.close();
      security.close();
    }
  });
});

describe('roles are enforced on the server', () => {
  /** One route per level, registered the way every part of the hub registers its routes. */
  async function probeApp() {
    const security = await openSecurityIn();
    const app = buildApi(createLogger('t', 'silent'), security.sessions, [
      (a) => {
        a.get('/api/probe', { config: { access: 'viewer' } }, async () => ({ ok: true }));
        a.post('/api/rooms/:id/probe', { config: { access: 'technician' } }, async () => ({ ok: true }));
        a.post('/api/probe/operator', { config: { access: 'operator' } }, async () => ({ ok: true }));
      },
    ]);
    const headersOf = async (
      username: string,
      role: 'operator' | 'technician' | 'viewer',
      roomId: string | null,
    ) => {
      await security.users.set({ username, role, roomId }, 'test');
      const { token, session } = await security.sessions.open((await security.users.find(username))!);
      return { cookie: `hnth_session=${token}`, 'x-csrf-token': session.csrfToken };
    };
    return { app, security, headersOf };
  }

  test.each([
    ['viewer', 'GET', '/api/probe', 200],
    ['viewer', 'POST', '/api/rooms/tinh-uy/probe', 403],
    ['viewer', 'POST', '/api/probe/operator', 403],
    ['technician', 'GET', '/api/probe', 200],
    ['technician', 'POST', '/api/rooms/tinh-uy/probe', 200],
    ['technician', 'POST', '/api/rooms/hdnd-tinh/probe', 403],
    ['technician', 'POST', '/api/probe/operator', 403],
    ['operator', 'POST', '/api/rooms/hdnd-tinh/probe', 200],
    ['operator', 'POST', '/api/probe/operator', 200],
  ] as const)('a %s calling %s %s gets %i', async (role, method, url, status) => {
    const { app, security, headersOf } = await probeApp();
    try {
      const headers = await headersOf('someone', role, role === 'technician' ? 'tinh-uy' : null);
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      expect((await fetch(`${base}${url}`, { method, headers })).status).toBe(status);
    } finally {
      await app.close();
      security.close();
    }
  });

  test('on the hub: only an operator reads the audit log', async () => {
    expect((await apiRequest(hub.httpUrl, 'GET', '/api/audit', undefined, sessions.viewer)).status).toBe(403);
    expect((await apiRequest(hub.httpUrl, 'GET', '/api/audit', undefined, sessions.technician)).status).toBe(
      403,
    );
    const res = await apiRequest(hub.httpUrl, 'GET', '/api/audit?limit=5', undefined, sessions.operator);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ actor: 'op2', action: 'login' })]),
    );
  });

  test('a state change without the session’s CSRF token is refused (403), with it accepted', async () => {
    const { cookie, csrfToken } = sessions.viewer;
    const post = (headers: Record<string, string>) =>
      fetch(`${hub.httpUrl}/api/logout`, { method: 'POST', headers: { cookie, ...headers } });
    expect((await post({})).status).toBe(403);
    expect((await post({ 'x-csrf-token': 'guessed' })).status).toBe(403);
    expect((await post({ 'x-csrf-token': sessions.technician.csrfToken })).status).toBe(403);
    expect((await apiRequest(hub.httpUrl, 'GET', '/api/session', undefined, sessions.viewer)).status).toBe(
      200,
    );
    expect((await post({ 'x-csrf-token': csrfToken })).status).toBe(200);
    expect((await apiRequest(hub.httpUrl, 'GET', '/api/session', undefined, sessions.viewer)).status).toBe(
      401,
    );
  });
});

describe('logins', () => {
  const tryLogin = (username: string, password: string) =>
    fetch(`${hub.httpUrl}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });

  test('the harness’s operator logs in as a browser would', async () => {
    const { username, password } = operatorLogin(hub.httpUrl);
    expect((await tryLogin(username, password)).status).toBe(200);
  });

  test('the session cookie is HttpOnly and SameSite=Strict; /api/session gives the role and CSRF token', async () => {
    const password = await hub.security.users.set(
      { username: 'carol', role: 'viewer', roomId: null },
      'test',
    );
    const res = await tryLogin('carol', password);
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(
      /^hnth_session=[A-Za-z0-9_-]{40,}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/,
    );
    const session = await apiRequest(hub.httpUrl, 'GET', '/api/session', undefined, {
      cookie: cookie.split(';')[0]!,
      csrfToken: '',
      username: 'carol',
      role: 'viewer',
    });
    expect(session.body).toMatchObject({ username: 'carol', role: 'viewer', csrfToken: expect.any(String) });
  });

  test('behind a trusted HTTPS proxy the cookie is Secure and HSTS is sent; otherwise the header is ignored', async () => {
    const proxied = await startTestHub({ 'http.trustProxy': true });
    try {
      const password = await proxied.security.users.set(
        { username: 'pat', role: 'viewer', roomId: null },
        'test',
      );
      const viaProxy = (base: string, pw: string) =>
        fetch(`${base}/api/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
          body: JSON.stringify({ username: 'pat', password: pw }),
        });
      const res = await viaProxy(proxied.httpUrl, password);
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toMatch(/; Secure$/);
      expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
      const direct = await viaProxy(
        hub.httpUrl,
        await hub.security.users.set({ username: 'pat', role: 'viewer', roomId: null }, 'test'),
      );
      expect(direct.status).toBe(200);
      expect(direct.headers.get('set-cookie')).not.toMatch(/Secure/);
      expect(direct.headers.get('strict-transport-security')).toBeNull();
    } finally {
      await proxied.stop();
      proxied.removeData();
    }
  });

  test('a wrong password, an unknown user, a missing field: refused, and the failures audited', async () => {
    expect((await tryLogin('tech', 'wrong')).status).toBe(401);
    expect((await tryLogin('nobody', 'wrong')).status).toBe(401);
    const missing = await fetch(`${hub.httpUrl}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'tech' }),
    });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ field: 'password' });
    const failed = (await hub.security.audit.list(50)).filter((e) => e.action === 'login.failed');
    expect(failed.map((e) => e.actor)).toEqual(expect.arrayContaining(['tech', 'nobody']));
  });

  test('failures lock out a username from that address only: the owner elsewhere, and others behind it, log in (issue 18.3)', async () => {
    // Behind a trusted proxy, so that X-Forwarded-For gives each request the address of a client.
    const proxied = await startTestHub({ 'http.trustProxy': true });
    try {
      const { users } = proxied.security;
      const [dan, eve] = [
        await users.set({ username: 'dan', role: 'viewer', roomId: null }, 'test'),
        await users.set({ username: 'eve', role: 'viewer', roomId: null }, 'test'),
      ];
      const from = (address: string, username: string, password: string) =>
        fetch(`${proxied.httpUrl}/api/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
          body: JSON.stringify({ username, password }),
        });
      for (let i = 0; i < 5; i++) expect((await from('10.0.0.1', 'dan', 'guess')).status).toBe(401);
      const limited = await from('10.0.0.1', 'dan', dan);
      expect(limited.status).toBe(429);
      expect(await limited.json()).toMatchObject({ code: 'account-throttled' });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // The same address for another user (a shared NAT), and the same user from elsewhere.
      expect((await from('10.0.0.1', 'eve', eve)).status).toBe(200);
      expect((await from('10.0.0.2', 'dan', dan)).status).toBe(200);
    } finally {
      await proxied.stop();
      proxied.removeData();
    }
  });

  test('a username over 64 characters is refused before it is checked, counted or written anywhere', async () => {
    const long = `u${'x'.repeat(64)}`;
    const res = await tryLogin(long, 'whatever');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'username-too-long', field: 'username' });
    expect((await hub.security.audit.list(1000)).filter((e) => e.actor === long)).toEqual([]);
  });

  test('changing a user ends their sessions', async () => {
    const password = await hub.security.users.set(
      { username: 'erin', role: 'operator', roomId: null },
      'test',
    );
    const erin = await login(hub.httpUrl, 'erin', password);
    expect((await apiRequest(hub.httpUrl, 'GET', '/api/audit', undefined, erin)).status).toBe(200);
    await hub.security.users.set({ username: 'erin', role: 'viewer', roomId: null }, 'test');
    expect((await apiRequest(hub.httpUrl, 'GET', '/api/session', undefined, erin)).status).toBe(401);
  });
});

describe('the dashboard', () => {
  test('its files are served without a session', async () => {
    for (const path of ['/', '/login.html', '/login.js', '/app.js', '/style.css']) {
      expect([path, (await apiRequest(hub.httpUrl, 'GET', path, undefined, null)).status]).toEqual([
        path,
        200,
      ]);
    }
  });

  test('every file a page links (its icon, style, script) is served without a session', async () => {
    const dir = new URL('../../hub/web/static/', import.meta.url);
    for (const page of readdirSync(dir).filter((f) => f.endsWith('.html'))) {
      const html = readFileSync(new URL(page, dir), 'utf8');
      const linked = [...html.matchAll(/\b(?:href|src)="(\/[^"]*)"/g)].map((m) => m[1]!);
      expect([page, linked]).toEqual([page, expect.arrayContaining(['/favicon.svg', '/style.css'])]);
      for (const path of linked) {
        expect([page, path, (await apiRequest(hub.httpUrl, 'GET', path, undefined, null)).status]).toEqual([
          page,
          path,
          200,
        ]);
      }
    }
  });

  test('every answer carries the security headers, refusals included', async () => {
    for (const path of ['/', '/api/health', '/api/rooms']) {
      const res = await apiRequest(hub.httpUrl, 'GET', path, undefined, null);
      expect(res.headers.get('content-security-policy')).toMatch(
        /script-src 'self'; .*frame-ancestors 'none'/,
      );
      expect(res.headers.get('content-security-policy')).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  test('no page has an inline script or event handler (the CSP would block it)', () => {
    const dir = new URL('../../hub/web/static/', import.meta.url);
    const pages = readdirSync(dir).filter((f) => f.endsWith('.html'));
    expect(pages).toEqual(expect.arrayContaining(['index.html', 'login.html']));
    for (const page of pages) {
      const html = readFileSync(new URL(page, dir), 'utf8');
      expect([page, html.match(/<script(?![^>]*\bsrc=)[^>]*>/g)]).toEqual([page, null]);
      expect([page, html.match(/\son[a-z]+=/g)]).toEqual([page, null]);
      expect([page, html.match(/<style|style=/g)]).toEqual([page, null]);
    }
  });

  test('/ws refuses a connection without a session (401) or from another site (403)', async () => {
    const open = (headers: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`${hub.httpUrl.replace(/^http/, 'ws')}/ws`, { headers });
        ws.once('open', () => {
          ws.close();
          resolve('open');
        });
        ws.once('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
        ws.once('error', (err) => resolve(err.message));
      });
    expect(await open({})).toBe('401');
    expect(await open({ cookie: 'hnth_session=forged' })).toBe('401');
    const { cookie } = sessions.operator;
    expect(await open({ cookie, origin: 'http://evil.example' })).toBe('403');
    expect(await open({ cookie, origin: hub.httpUrl })).toBe('open');
  });

  test('an open /ws is closed when its session ends', async () => {
    const server = createServer();
    let valid = true;
    const reader = { role: 'viewer', roomId: null } as const;
    const live = new LiveSocket(
      server,
      () => [],
      createLogger('t', 'silent'),
      async () => ({ reader, check: async () => (valid ? reader : null) }),
      { recheckMs: 20 },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
      let code = 0;
      ws.on('close', (c) => {
        code = c;
      });
      await new Promise((resolve) => ws.once('message', resolve));
      expect(ws.readyState).toBe(WebSocket.OPEN);
      valid = false;
      await waitFor('the socket closed', () => code !== 0);
      expect(code).toBe(SESSION_ENDED);
    } finally {
      live.close();
      server.close();
    }
  });
});
