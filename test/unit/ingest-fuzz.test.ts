/**
 * Issue 9: 10,000 malformed, oversize, wrong-typed and random messages on every topic. The hub's
 * ingest must answer each with a verdict (accepted, or rejected with a reason), count it, and never
 * fail inside: an `internal` rejection would be a bug of ours that a room could trigger.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { FleetState } from '../../hub/fleet-state.js';
import { Ingest } from '../../hub/ingest/ingest.js';
import { defaultThresholds } from '../../hub/readiness.js';
import { rooms } from '../../shared/fleet.js';
import { createLogger } from '../../shared/logger.js';
import { MAX_PAYLOAD_BYTES } from '../../shared/schemas.js';
import { roomChannels } from '../../shared/topics.js';

const ts = '2026-11-30T03:00:00.000Z';
/** One valid message per channel, for the fuzzer to mutate. */
const valid: Record<(typeof roomChannels)[number], object> = {
  status: { v: 1, state: 'online', version: '0.1.0', bootId: 'b1', ts },
  telemetry: {
    v: 1,
    ts,
    power: { mains: true, upsChargePct: 100, state: 'on' },
    climate: { tempC: 24, humidityPct: 55 },
    codec: { state: 'up', inCall: false },
    link: { latencyMs: 30, jitterMs: 4, lossPct: 0 },
  },
  events: { v: 1, type: 'mains.lost', severity: 'critical', data: {}, ts, bootId: 'b1', seq: 1 },
  replies: { v: 1, id: 'c1', name: 'ping', ok: true, result: {}, ts },
  speak: { v: 1, action: 'request', ts },
};

const roomId = fc.oneof(fc.constantFrom(...rooms.map((r) => r.id)), fc.string({ maxLength: 70 }));
const topic = fc.oneof(
  fc.tuple(roomId, fc.constantFrom(...roomChannels)).map(([r, c]) => `hnth/v1/rooms/${r}/${c}`),
  fc.tuple(roomId, fc.string({ maxLength: 20 })).map(([r, c]) => `hnth/v1/rooms/${r}/${c}`),
  fc.string({ maxLength: 200 }),
);

/** Replaces one field of a valid message, at any depth, with anything. */
function mutate(message: object): fc.Arbitrary<unknown> {
  const paths: string[][] = [];
  const walk = (o: object, at: string[]) => {
    for (const [k, v] of Object.entries(o)) {
      paths.push([...at, k]);
      if (v && typeof v === 'object') walk(v, [...at, k]);
    }
  };
  walk(message, []);
  return fc.tuple(fc.constantFrom(...paths), fc.anything({ maxDepth: 2 })).map(([path, value]) => {
    const copy = structuredClone(message) as Record<string, unknown>;
    let o = copy;
    for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
    o[path.at(-1)!] = value;
    return copy;
  });
}

const payload = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.anything({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'undefined')),
  fc
    .constantFrom(...Object.values(valid))
    .chain(mutate)
    .map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
  fc.integer({ min: MAX_PAYLOAD_BYTES + 1, max: MAX_PAYLOAD_BYTES * 4 }).map((n) => Buffer.alloc(n, 0x7b)),
  fc.constantFrom(...Object.values(valid)).map((v) => Buffer.from(JSON.stringify(v))),
);

describe('ingest under fuzzing', () => {
  test('10,000 random messages on every topic: each gets a verdict, is counted, and none breaks the hub', () => {
    const fleet = new FleetState(rooms, defaultThresholds);
    const ingest = new Ingest(
      fleet,
      { event: () => true, reply: () => {}, telemetry: () => {}, speak: () => {} },
      createLogger('fuzz', 'silent'),
    );
    const total = () =>
      ingest.counters.accepted + Object.values(ingest.counters.rejected).reduce((a, b) => a + b, 0);
    fc.assert(
      fc.property(topic, payload, (t, p) => {
        const before = total();
        const verdict = ingest.handle(t, p);
        expect(verdict).not.toBe('internal');
        expect(total()).toBe(before + 1);
      }),
      { numRuns: 10_000 },
    );
    expect(ingest.counters.rejected.internal).toBe(0);
    // Every kind of rejection was exercised, and valid messages still got through.
    for (const code of ['topic', 'unknown-room', 'oversize', 'malformed-json', 'schema'] as const) {
      expect(ingest.counters.rejected[code]).toBeGreaterThan(0);
    }
    expect(ingest.counters.accepted).toBeGreaterThan(0);
    expect(fleet.views()).toHaveLength(28);
  });
});
