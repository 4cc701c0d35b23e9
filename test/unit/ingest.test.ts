import { describe, expect, test } from '@jest/globals';
import { FleetState } from '../../hub/fleet-state.js';
import { Ingest } from '../../hub/ingest/ingest.js';
import { defaultThresholds } from '../../hub/readiness.js';
import { rooms } from '../../shared/fleet.js';
import { createLogger } from '../../shared/logger.js';
import {
  decodeMessage,
  type EventMessage,
  MAX_PAYLOAD_BYTES,
  type ReplyMessage,
  type TelemetryMessage,
} from '../../shared/schemas.js';

const ts = '2026-11-30T03:00:00.000Z';
const telemetry = {
  v: 1,
  ts,
  power: { mains: true, upsChargePct: 100, state: 'on' },
  climate: { tempC: 24, humidityPct: 55 },
  codec: { state: 'up', inCall: false },
  link: { latencyMs: 30, jitterMs: 4, lossPct: 0 },
};
const status = { v: 1, state: 'online', version: '0.1.0', bootId: 'b1', ts };
const reply = { v: 1, id: 'c1', name: 'ping', ok: true, result: { pong: true }, ts };
const event = {
  v: 1,
  type: 'mains.lost',
  severity: 'critical',
  data: { upsChargePct: 90 },
  ts,
  bootId: 'b1',
  seq: 3,
};

function setup() {
  const fleet = new FleetState(rooms, defaultThresholds);
  const events: EventMessage[] = [];
  const replies: [string, ReplyMessage][] = [];
  const samples: [string, TelemetryMessage][] = [];
  const ingest = new Ingest(
    fleet,
    {
      event: (_room, e) => {
        events.push(e);
        return true;
      },
      reply: (room, r) => replies.push([room, r]),
      telemetry: (room, t) => samples.push([room, t]),
    },
    createLogger('test', 'silent'),
  );
  const send = (topic: string, payload: unknown) =>
    ingest.handle(
      topic,
      Buffer.isBuffer(payload)
        ? payload
        : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
    );
  return { fleet, ingest, events, replies, samples, send };
}

describe('schemas', () => {
  test('valid messages of every channel pass', () => {
    expect(decodeMessage('status', JSON.stringify(status)).ok).toBe(true);
    expect(decodeMessage('telemetry', JSON.stringify(telemetry)).ok).toBe(true);
    expect(decodeMessage('events', JSON.stringify(event)).ok).toBe(true);
    expect(decodeMessage('inject', '{"mains":false}').ok).toBe(true);
  });

  test.each([
    ['malformed JSON', 'telemetry', '{"v":1,', 'malformed-json', /^malformed JSON/],
    ['not an object', 'telemetry', '42', 'schema', /\(message\)/],
    [
      'wrong type',
      'telemetry',
      JSON.stringify({ ...telemetry, power: { ...telemetry.power, mains: 'yes' } }),
      'schema',
      /^power\.mains:/,
    ],
    [
      'out of range',
      'telemetry',
      JSON.stringify({ ...telemetry, climate: { tempC: 24, humidityPct: 300 } }),
      'schema',
      /^climate\.humidityPct:/,
    ],
    [
      'a NUL inside a string (PostgreSQL cannot store it)',
      'events',
      JSON.stringify({ ...event, data: { note: 'a\u0000b' } }),
      'schema',
      /^data\.note: text holds a NUL/,
    ],
    [
      'an unpaired surrogate inside a key',
      'events',
      `{"v":1,"type":"codec.down","severity":"warning","data":{"\\ud800":1},"ts":"2026-11-30T03:00:00.000Z","bootId":"b","seq":1}`,
      'schema',
      /^data\.\(key\): text holds/,
    ],
    ['missing field', 'status', JSON.stringify({ ...status, bootId: undefined }), 'schema', /^bootId:/],
    ['unknown field', 'status', JSON.stringify({ ...status, admin: true }), 'schema', /admin/],
    [
      'wrong schema version',
      'status',
      JSON.stringify({ ...status, v: 2 }),
      'schema',
      /^v: schema version must be 1/,
    ],
    [
      'time not in UTC ISO 8601',
      'events',
      JSON.stringify({ ...event, ts: '30/11/2026 10:00' }),
      'schema',
      /^ts: must be an ISO 8601 UTC time/,
    ],
    [
      'unknown event type',
      'events',
      JSON.stringify({ ...event, type: 'coffee.spilled' }),
      'schema',
      /^type:/,
    ],
    ['negative seq', 'events', JSON.stringify({ ...event, seq: -1 }), 'schema', /^seq:/],
    ['inject naming no fault', 'inject', '{}', 'schema', /inject names no fault/],
    ['oversize', 'telemetry', `{"pad":"${'x'.repeat(MAX_PAYLOAD_BYTES)}"}`, 'oversize', /exceeds 16384/],
  ] as const)('%s is rejected with a reason', (_name, channel, payload, code, reason) => {
    const d = decodeMessage(channel, payload);
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.code).toBe(code);
    expect(d.reason).toMatch(reason);
  });
});

describe('ingest', () => {
  test('valid messages update the room and are counted', () => {
    const { fleet, ingest, events, replies, samples, send } = setup();
    expect(send('hnth/v1/rooms/tinh-uy/status', status)).toBeNull();
    expect(send('hnth/v1/rooms/tinh-uy/replies', reply)).toBeNull();
    expect(replies).toEqual([['tinh-uy', reply]]);
    expect(send('hnth/v1/rooms/tinh-uy/telemetry', telemetry)).toBeNull();
    expect(send('hnth/v1/rooms/tinh-uy/events', event)).toBeNull();
    expect(ingest.counters.accepted).toBe(4);
    expect(samples).toEqual([['tinh-uy', telemetry]]);
    expect(fleet.view('tinh-uy')?.readiness.level).toBe('READY');
    expect(events.map((e) => e.type)).toEqual(['mains.lost']);
  });

  test("replayed telemetry goes to the history but does not become the room's current state", () => {
    const { fleet, samples, send } = setup();
    send('hnth/v1/rooms/tinh-uy/status', status);
    send('hnth/v1/rooms/tinh-uy/telemetry', telemetry);
    const old = {
      ...telemetry,
      ts: '2026-11-30T02:00:00.000Z',
      replayed: true,
      power: { ...telemetry.power, mains: false },
    };
    expect(send('hnth/v1/rooms/tinh-uy/telemetry', old)).toBeNull();
    expect(fleet.view('tinh-uy')?.readings?.power.mains).toBe(true);
    expect(samples.map(([, t]) => t.ts)).toEqual([telemetry.ts, old.ts]);
  });

  test('every kind of bad message is rejected, counted by reason, and leaves the state as it was', () => {
    const { fleet, ingest, send } = setup();
    send('hnth/v1/rooms/tinh-uy/status', status);
    send('hnth/v1/rooms/tinh-uy/telemetry', telemetry);
    const before = fleet.view('tinh-uy');
    expect(send('hnth/v1/rooms/not-a-room/telemetry', telemetry)).toBe('unknown-room');
    expect(send('hnth/v1/rooms/tinh-uy/firmware', telemetry)).toBe('topic');
    expect(send('hnth/v1/rooms/tinh-uy/telemetry', '{oops')).toBe('malformed-json');
    expect(send('hnth/v1/rooms/tinh-uy/telemetry', { ...telemetry, power: { mains: false } })).toBe('schema');
    expect(send('hnth/v1/rooms/tinh-uy/telemetry', Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 32))).toBe('oversize');
    expect(send('hnth/v1/rooms/tinh-uy/events', Buffer.from([0xff, 0xfe, 0x00]))).toBe('malformed-json');
    expect(send('hnth/v1/rooms/tinh-uy/replies', `${'['.repeat(5000)}${']'.repeat(5000)}`)).toBe('too-deep');
    expect(ingest.counters.rejected).toEqual({
      topic: 1,
      'unknown-room': 1,
      oversize: 1,
      'too-deep': 1,
      'malformed-json': 2,
      schema: 1,
      internal: 0,
    });
    expect(ingest.counters.accepted).toBe(2);
    expect(fleet.view('tinh-uy')).toEqual(before);
  });

  test('a failure inside the hub is counted, not thrown', () => {
    const fleet = new FleetState(rooms, defaultThresholds);
    const ingest = new Ingest(
      fleet,
      {
        event: () => {
          throw new Error('disk on fire');
        },
        reply: () => {},
        telemetry: () => {},
      },
      createLogger('test', 'silent'),
    );
    expect(ingest.handle('hnth/v1/rooms/tinh-uy/events', Buffer.from(JSON.stringify(event)))).toBe(
      'internal',
    );
    expect(ingest.counters.rejected.internal).toBe(1);
  });
});
