/**
 * The routes the dashboard added: a room's telemetry as chart series, the power buttons (the room's
 * own answer, a refusal during a call with its reason, the audit log), and the booking rules.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import type { TelemetrySeries } from '../../hub/api/telemetry-series.js';
import type { RoomView } from '../../hub/fleet-state.js';
import type { RunningHub } from '../../hub/hub.js';
import type { AuditEntry } from '../../hub/security/audit-log.js';
import { apiRequest, getJson, inject, startTestAgent, startTestHub } from '../helpers/hub-harness.js';
import { waitFor } from '../helpers/wait.js';

const ROOM = 'ubnd-yen-son';

describe('dashboard API', () => {
  let hub: RunningHub & { removeData(): void };
  let agent: Agent;

  beforeAll(async () => {
    hub = await startTestHub({ telemetrySampleSec: 0, 'schedule.powerOnTimeoutSec': 1 });
    agent = await startTestAgent(hub.mqttUrl, ROOM, 0.2);
  });
  afterAll(async () => {
    await agent?.stop();
    await hub?.stop();
    hub?.removeData();
  });

  const api = (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) =>
    apiRequest(hub.httpUrl, method, path, body);

  describe('GET /api/rooms/:id/telemetry', () => {
    test('the last 24 hours as series, from the stored samples', async () => {
      const series = await waitFor('stored samples', async () => {
        const s = await getJson<TelemetrySeries & { from: string; to: string }>(
          `${hub.httpUrl}/api/rooms/${ROOM}/telemetry`,
        );
        // 24 h in at most 600 points: a bucket is 144 s, so the few seconds of this test are one.
        return s.ts.length === 1 ? s : undefined;
      });
      expect(Date.parse(series.to) - Date.parse(series.from)).toBe(86_400_000);
      expect(Object.keys(series.series).sort()).toEqual([
        'humidityPct',
        'latencyMs',
        'lossPct',
        'powerW',
        'tempC',
      ]);
      for (const values of Object.values(series.series)) expect(values).toHaveLength(series.ts.length);
      expect(series.series.tempC.every((v) => typeof v === 'number' && v > 10 && v < 40)).toBe(true);
    });

    test('a range with nothing stored is empty', async () => {
      const s = await getJson<TelemetrySeries>(
        `${hub.httpUrl}/api/rooms/${ROOM}/telemetry?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z`,
      );
      expect(s.ts).toEqual([]);
    });

    test.each([
      ['?from=yesterday', 400, 'from'],
      ['?to=2026-13-01', 400, 'to'],
      ['?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 400, 'to'],
      ['?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z', 400, 'from'],
    ])('%s is refused naming the field', async (query, status, field) => {
      const res = await api('GET', `/api/rooms/${ROOM}/telemetry${query}`);
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ field });
    });

    test('an unknown room is 404; no session is 401', async () => {
      expect((await api('GET', '/api/rooms/nowhere/telemetry')).status).toBe(404);
      expect(
        (await apiRequest(hub.httpUrl, 'GET', `/api/rooms/${ROOM}/telemetry`, undefined, null)).status,
      ).toBe(401);
    });
  });

  describe('POST /api/rooms/:id/power', () => {
    test.each([
      [{}, 'action'],
      [{ action: 'reboot' }, 'action'],
      [{ action: 'off', force: 'yes' }, 'force'],
      [{ action: 'off', until: 'tomorrow' }, 'until'],
    ])('%j is refused naming %s', async (body, field) => {
      const res = await api('POST', `/api/rooms/${ROOM}/power`, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ field });
    });

    test('an unknown room is 404; a technician of the room may not (operator only)', async () => {
      expect((await api('POST', '/api/rooms/nowhere/power', { action: 'on' })).status).toBe(404);
      const res = await apiRequest(
        hub.httpUrl,
        'POST',
        `/api/rooms/${ROOM}/power`,
        { action: 'off' },
        {
          as: { role: 'technician', roomId: ROOM },
        },
      );
      expect(res.status).toBe(403);
    });

    test('off and on reach the room, which answers; each order is in the audit log', async () => {
      const off = await api('POST', `/api/rooms/${ROOM}/power`, { action: 'off' });
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ ok: true, action: 'off', result: { power: 'off' } });
      await waitFor('the room off at the hub', async () => {
        const room = await getJson<RoomView>(`${hub.httpUrl}/api/rooms/${ROOM}`);
        return room.readings?.power.state === 'off';
      });
      const on = await api('POST', `/api/rooms/${ROOM}/power`, { action: 'on' });
      expect(on.body).toMatchObject({ ok: true, action: 'on', result: { power: 'on' } });
      const audit = await getJson<AuditEntry[]>(`${hub.httpUrl}/api/audit?limit=20`);
      const orders = audit
        .filter((e) => e.action.startsWith('power.'))
        .map((e) => [e.action, e.details.roomId]);
      expect(orders).toEqual([
        ['power.on', ROOM],
        ['power.off', ROOM],
      ]);
    });

    test('during a call the room refuses to switch off and says why (409); force overrides it', async () => {
      await inject(hub.mqttUrl, ROOM, { inCall: true });
      await waitFor('the call at the hub', async () => {
        const room = await getJson<RoomView>(`${hub.httpUrl}/api/rooms/${ROOM}`);
        return room.readings?.codec.inCall === true;
      });
      const refused = await api('POST', `/api/rooms/${ROOM}/power`, { action: 'off' });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        ok: false,
        code: 'refused',
        error: expect.stringMatching(/call is in progress/),
      });
      const forced = await api('POST', `/api/rooms/${ROOM}/power`, { action: 'off', force: true });
      expect(forced.status).toBe(200);
      await api('POST', `/api/rooms/${ROOM}/power`, { action: 'on' });
    });

    test('on until a time holds the room on as the department’s order', async () => {
      const until = new Date(Date.now() + 3_600_000).toISOString();
      const res = await api('POST', `/api/rooms/${ROOM}/power`, { action: 'on', until });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ result: { override: { state: 'on', until } } });
      await waitFor('the order seen at the hub', async () => {
        const room = await getJson<RoomView>(`${hub.httpUrl}/api/rooms/${ROOM}`);
        return room.readiness.power.decision === 'override';
      });
      expect(
        (await api('POST', `/api/rooms/${ROOM}/power`, { action: 'on', until: '2020-01-01T00:00:00Z' })).body,
      ).toMatchObject({
        field: 'until',
      });
    });

    test('inside a meeting’s change freeze, off is refused naming it; forced, it needs a written reason, which is audited', async () => {
      const start = new Date(Date.now() + 10 * 60_000);
      const booked = await api('POST', '/api/meetings', {
        title: 'Họp ứng phó lũ',
        kind: 'committee',
        hostRoomId: ROOM,
        roomIds: [ROOM],
        start: start.toISOString(),
        end: new Date(start.getTime() + 3_600_000).toISOString(),
        emergency: { reason: 'flood' },
      });
      expect(booked.status).toBe(201);
      const meeting = booked.body as { id: string };
      try {
        const refused = await api('POST', `/api/rooms/${ROOM}/power`, { action: 'off' });
        expect(refused.status).toBe(409);
        expect(refused.body).toMatchObject({
          code: 'freeze',
          error: expect.stringMatching(/^change freeze of "Họp ứng phó lũ" \(meeting\)/),
          freeze: { meetingId: meeting.id, title: 'Họp ứng phó lũ', window: 'meeting' },
        });
        const standby = await api('POST', `/api/rooms/${ROOM}/power`, { action: 'standby' });
        expect(standby.body).toMatchObject({ code: 'freeze' });
        const noReason = await api('POST', `/api/rooms/${ROOM}/power`, {
          action: 'off',
          force: true,
          reason: ' ',
        });
        expect(noReason.status).toBe(400);
        expect(noReason.body).toMatchObject({ code: 'reason-required', field: 'reason' });
        const forced = await api('POST', `/api/rooms/${ROOM}/power`, {
          action: 'off',
          force: true,
          reason: 'màn hình bốc khói',
        });
        expect(forced.status).toBe(200);
        const audit = await getJson<AuditEntry[]>(`${hub.httpUrl}/api/audit?limit=20`);
        const forcedRow = audit.find((e) => e.action === 'power.off' && e.details.force === true);
        expect(forcedRow).toMatchObject({ result: 'ok' });
        expect(forcedRow?.details).toMatchObject({
          roomId: ROOM,
          reason: 'màn hình bốc khói',
          freeze: meeting.id,
        });
        expect(audit.find((e) => e.action === 'power.standby')).toMatchObject({
          result: 'refused',
          code: 'freeze',
        });
      } finally {
        await api('DELETE', `/api/meetings/${meeting.id}`);
        await api('POST', `/api/rooms/${ROOM}/power`, { action: 'on' });
      }
    });

    test('a room that does not answer is a 504 with the reason', async () => {
      const res = await api('POST', '/api/rooms/so-y-te/power', { action: 'on' });
      expect(res.status).toBe(504);
      expect(res.body).toMatchObject({
        ok: false,
        code: 'timeout',
        error: expect.stringContaining('so-y-te'),
      });
    });
  });

  test('GET /api/schedule/rules gives the booking rules the hub checks with', async () => {
    expect(await getJson(`${hub.httpUrl}/api/schedule/rules`)).toEqual({
      noticeHours: 48,
      prepMinutes: 60,
      rehearsalOffsetsH: [24, 2],
      deadlineH: 1,
    });
  });
});
