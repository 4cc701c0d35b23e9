/**
 * Issue 18.4: an audit log you can trust. `/api/health` and `/metrics` show the running hub's last
 * verification of its log (its anchor, which checkpoints the chain and finds rows cut behind its
 * back: audit-log-store.test.ts). Every state-changing request of the API is recorded with its
 * outcome, refusals included, before it is answered.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import type { RunningHub } from '../../hub/hub.js';
import { changesState } from '../../hub/security/access-decision.js';
import { installAuditTrail } from '../../hub/security/audit-trail.js';
import type { Session } from '../../hub/security/session-store.js';
import { apiRequest, startTestHub } from '../helpers/hub-harness.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('the hub’s audit trail', () => {
  let hub: RunningHub & { removeData(): void };
  let reader: Database.Database;
  const data = tempDir('hnth-audit-trail-');
  const token = 'metrics-token-0123456789';

  beforeAll(async () => {
    const dataDir = path.join(data.path, 'data');
    hub = await startTestHub({ 'metrics.token': token, dataDir });
    reader = new Database(path.join(dataDir, 'hnth.db'), { readonly: true });
  });
  afterAll(async () => {
    reader?.close();
    await hub?.stop();
    hub?.removeData();
    data.remove();
  });

  /**
   * The newest row, read from the hub's database file on a connection of its own (not through the
   * hub's audit log, which would wait for the rows still queued) as soon as the answer is in: the
   * row is stored before the answer is sent.
   */
  const latest = () => {
    const row = reader.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT 1').get() as {
      id: number;
      details: string;
    };
    return { ...row, details: JSON.parse(row.details) as Record<string, unknown> };
  };

  test('/api/health and /metrics show the last verification of the audit log', async () => {
    const health = (await (await fetch(`${hub.httpUrl}/api/health`)).json()) as { audit: unknown };
    expect(health.audit).toMatchObject({ ok: true, rows: expect.any(Number), at: expect.any(String) });
    const metrics = await (
      await fetch(`${hub.httpUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })
    ).text();
    expect(metrics).toMatch(/^hnth_audit_chain_intact 1$/m);
    expect(metrics).toMatch(/^hnth_audit_last_verification_timestamp_seconds \d+(\.\d+)?$/m);
    expect(metrics).toMatch(/^hnth_audit_rows \d+$/m);
    expect(metrics).toMatch(/^hnth_audit_rows_failed_total 0$/m);
  });

  test.each([
    [
      'a contact written',
      'PUT',
      '/api/contacts/rooms/tinh-uy',
      {
        name: 'Nguyễn Văn A',
        unit: 'Văn phòng',
        position: 'Kỹ thuật viên',
        phone: '0912345678',
        email: 'a@example.gov.vn',
      },
      'contact.set',
      { kind: 'rooms', id: 'tinh-uy', phone: '0912345678' },
    ],
    [
      'a contact confirmed',
      'POST',
      '/api/contacts/rooms/tinh-uy/confirm',
      {},
      'contact.confirm',
      { id: 'tinh-uy' },
    ],
    [
      'a contact removed',
      'DELETE',
      '/api/contacts/rooms/tinh-uy',
      undefined,
      'contact.delete',
      { id: 'tinh-uy' },
    ],
    [
      'a speak session opened',
      'POST',
      '/api/speak/host',
      { hostRoomId: 'tinh-uy' },
      'speak.open',
      { hostRoomId: 'tinh-uy' },
    ],
    [
      'a speak request',
      'POST',
      '/api/speak/request',
      { roomId: 'ubnd-ham-yen' },
      'speak.request',
      { roomId: 'ubnd-ham-yen' },
    ],
    [
      'a speak session closed',
      'DELETE',
      '/api/speak/host/tinh-uy',
      undefined,
      'speak.close',
      { hostRoomId: 'tinh-uy' },
    ],
  ] as const)('%s is recorded, done, with who did it', async (_what, method, url, body, action, details) => {
    const res = await apiRequest(hub.httpUrl, method, url, body);
    expect(res.status).toBeLessThan(300);
    expect(latest()).toMatchObject({ actor: 'test-operator', action, result: 'ok', code: null, details });
  });

  test.each([
    [
      'a contact removed that is not on file',
      'DELETE',
      '/api/contacts/rooms/hdnd-tinh',
      undefined,
      'contact.delete',
      'http-404',
    ],
    [
      'an incident acknowledged that does not exist',
      'POST',
      '/api/incidents/999/ack',
      { note: 'đã gọi' },
      'incident.ack',
      'http-404',
    ],
    [
      'a contact with a bad number',
      'PUT',
      '/api/contacts/partners/vnpt-tuyen-quang',
      { name: 'B' },
      'contact.set',
      'contact-required',
    ],
    [
      'a speak request with no session open',
      'POST',
      '/api/speak/request',
      { roomId: 'ubnd-ham-yen' },
      'speak.request',
      'no-session',
    ],
  ] as const)('%s is recorded, refused, with the reason', async (_what, method, url, body, action, code) => {
    const res = await apiRequest(hub.httpUrl, method, url, body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(latest()).toMatchObject({ actor: 'test-operator', action, result: 'refused', code });
  });

  test('a technician refused an operator’s action at the door is recorded with the reason', async () => {
    const res = await apiRequest(hub.httpUrl, 'DELETE', '/api/contacts/rooms/tinh-uy', undefined, {
      as: { role: 'technician', roomId: 'tinh-uy' },
    });
    expect(res.status).toBe(403);
    expect(latest()).toMatchObject({
      actor: 'tech-tinh-uy',
      action: 'contact.delete',
      result: 'refused',
      code: 'role',
    });
  });

  test('a request without a session is refused and not recorded (anyone could fill the log)', async () => {
    const before = latest().id;
    const res = await fetch(`${hub.httpUrl}/api/contacts/rooms/tinh-uy`, { method: 'DELETE' });
    expect(res.status).toBe(401);
    expect(latest()).toMatchObject({ id: before });
  });

  test('a power order is recorded once, under its own name, with its outcome (a refused one)', async () => {
    const before = latest().id;
    const res = await apiRequest(hub.httpUrl, 'POST', '/api/rooms/tinh-uy/power', { action: 'sideways' });
    expect(res.status).toBe(400);
    expect(latest()).toMatchObject({
      id: before + 1,
      action: 'power',
      details: { roomId: 'tinh-uy' },
      result: 'refused',
      code: 'schema',
    });
  });

  test('every state-changing route of the hub declares how it is audited', () => {
    const undeclared = hub.routes.filter((r) => changesState(r.method) && r.audit === undefined);
    expect(undeclared).toEqual([]);
  });

  test('a route that declares nothing is still recorded as http.<method>, with its outcome (fail safe)', async () => {
    const rows: { actor: string; action: string; details: object; outcome: unknown }[] = [];
    const app = Fastify();
    app.decorateRequest('session', null);
    app.addHook('onRequest', async (req) => {
      req.session = {
        user: { username: 'op', role: 'operator', roomId: null },
        csrfToken: '',
        expiresAt: '',
      } as unknown as Session;
    });
    installAuditTrail(app, {
      record: async (actor, action, details = {}, outcome) => {
        rows.push({ actor, action, details, outcome });
        return {} as never;
      },
    });
    app.post('/api/things/:id', async (_req, reply) => reply.code(409).send({ code: 'busy' }));
    try {
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      const res = await fetch(`${url}/api/things/7`, { method: 'POST' });
      expect(res.status).toBe(409);
      expect(rows).toEqual([
        {
          actor: 'op',
          action: 'http.post',
          details: { route: '/api/things/:id', id: '7' },
          outcome: { result: 'refused', code: 'busy' },
        },
      ]);
    } finally {
      await app.close();
    }
  });
});
