/**
 * Issue 18.4: an audit log you can trust. The running hub verifies its log and writes signed
 * checkpoints outside the data folder and to its log (the journal), and `/api/health` and
 * `/metrics` show the last verification; rows cut from the end behind the hub's back are found
 * at its next verification. Every state-changing request of the API is recorded with its outcome,
 * refusals included.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Fastify from 'fastify';
import { pino } from 'pino';
import type { RunningHub } from '../../hub/hub.js';
import { changesState } from '../../hub/security/access-decision.js';
import { AuditAnchor } from '../../hub/security/audit-anchor.js';
import { CHECKPOINT_FILE, latestCheckpoint } from '../../hub/security/audit-checkpoints.js';
import { loadOrCreateAuditKey } from '../../hub/security/audit-key.js';
import { AuditLog } from '../../hub/security/audit-log.js';
import { installAuditTrail } from '../../hub/security/audit-trail.js';
import type { Session } from '../../hub/security/session-store.js';
import { openDatabase } from '../../hub/store/database.js';
import { VirtualClock } from '../fakes/virtual-clock.js';
import { apiRequest, startTestHub } from '../helpers/hub-harness.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('the audit anchor', () => {
  const dir = tempDir('hnth-anchor-');
  afterAll(() => dir.remove());

  test('checkpoints each growth of the chain, to its file and its log, and finds rows cut behind its back', async () => {
    const auditDir = path.join(dir.path, 'hub-audit');
    const key = loadOrCreateAuditKey(auditDir);
    const db = openDatabase(path.join(dir.path, 'data', 'hnth.db'));
    const clock = new VirtualClock('2026-11-30T01:00:00Z');
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const audit = new AuditLog(db, key, clock.now);
    audit.record('op', 'login');
    const anchor = new AuditAnchor(audit, key, auditDir, clock, log, 60_000);
    await anchor.start();
    expect(anchor.last).toMatchObject({ ok: true, rows: 1, checkpoint: null });
    audit.record('op', 'contact.set', { kind: 'rooms', id: 'tinh-uy' });
    audit.record('op', 'logout');
    await clock.advance(60_000);
    expect(anchor.last).toMatchObject({ ok: true, rows: 3, checkpoint: { rows: 1 } });
    const written = latestCheckpoint(auditDir, key).checkpoint;
    expect(written).toMatchObject({ rows: 3, head: audit.list(1)[0]!.hash });
    // The same checkpoint in the log, where the database's writer cannot reach it.
    const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'audit checkpoint');
    expect(logged.map((l) => l.checkpoint)).toEqual(
      readFileSync(path.join(auditDir, CHECKPOINT_FILE), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    );

    // Behind the hub's back: the last row deleted. The chain left is whole, the checkpoint is not.
    db.exec('DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 3;');
    await clock.advance(60_000);
    expect(anchor.last).toMatchObject({
      ok: false,
      rows: 2,
      reason: expect.stringMatching(/the log has 2 rows, the checkpoint .* counted 3/),
    });
    expect(lines.some((l) => JSON.parse(l).msg === 'audit log TAMPERED: it no longer verifies')).toBe(true);
    await anchor.stop();
    // No checkpoint is written over a log that does not verify.
    expect(latestCheckpoint(auditDir, key).checkpoint?.rows).toBe(3);
    db.close();
  });
});

describe('the hub’s audit trail', () => {
  let hub: RunningHub & { removeData(): void };
  const token = 'metrics-token-0123456789';

  beforeAll(async () => {
    hub = await startTestHub({ 'metrics.token': token });
  });
  afterAll(async () => {
    await hub?.stop();
    hub?.removeData();
  });

  const latest = () => hub.security.audit.list(1)[0]!;

  test('/api/health and /metrics show the last verification of the audit log', async () => {
    const health = (await (await fetch(`${hub.httpUrl}/api/health`)).json()) as { audit: unknown };
    expect(health.audit).toMatchObject({ ok: true, rows: expect.any(Number), at: expect.any(String) });
    const metrics = await (
      await fetch(`${hub.httpUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })
    ).text();
    expect(metrics).toMatch(/^hnth_audit_chain_intact 1$/m);
    expect(metrics).toMatch(/^hnth_audit_last_verification_timestamp_seconds \d+(\.\d+)?$/m);
    expect(metrics).toMatch(/^hnth_audit_rows \d+$/m);
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
    expect(latest().id).toBe(before);
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
      record: (actor, action, details = {}, outcome) => {
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
