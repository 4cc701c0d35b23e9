/**
 * The hub's compiled decoder (hub/ingest/compiled-decode.ts) must be decodeMessage, only cheaper:
 * the same verdict, the same decoded value (its keys in the same order, no key added), and the same
 * reason, since the hub logs it with every rejected message. Compared over a corpus: valid messages
 * of every channel, each mutated at every place it can be (a key missing, a value of the wrong type
 * or out of range, a key added, `__proto__` among them, numbers JSON.parse turns into Infinity or
 * -0), the worst-case payloads, and random JSON.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { compiledSchemas, decodeCompiled } from '../../hub/ingest/compiled-decode.js';
import { type Channel, channelSchemas, decodeMessage } from '../../shared/schemas.js';
import { controllerEvent, controllerTelemetry } from '../helpers/controller-messages.js';
import { nominalTelemetry, roomEvent, roomStatus } from '../helpers/room-messages.js';
import { worstPayloads } from '../helpers/worst-payloads.js';

const ts = '2026-11-30T03:00:00.000Z';
const channels = Object.keys(channelSchemas) as Channel[];

const { outbox, energy, host, ...simulatedTelemetry } = controllerTelemetry();
const validMessages: [Channel, unknown][] = [
  ['telemetry', controllerTelemetry()],
  ['telemetry', simulatedTelemetry],
  ['telemetry', nominalTelemetry(ts, { tempC: null, fault: 'sensor not found' })],
  [
    'telemetry',
    {
      ...controllerTelemetry(),
      replayed: true,
      power: { mains: null, upsChargePct: null, state: 'off', upsRuntimeSec: null, fault: 'upsd down' },
      codec: { state: 'unchecked', inCall: false, checkedAt: ts },
      host: { ...host, cpuTempC: null, throttled: null, clockSynced: null },
    },
  ],
  ['events', controllerEvent()],
  ['events', roomEvent('mains.lost', 'b1', 0, ts, 'critical')],
  ['events', { ...controllerEvent(), data: { flag: true, none: null, text: '' } }],
  ['status', roomStatus('online', 'b1', ts)],
  ['hubStatus', { v: 1, state: 'offline', ts }],
  [
    'replies',
    {
      v: 1,
      id: 'c1',
      name: 'rehearse',
      ok: true,
      ts,
      result: { checks: [{ check: 'power', status: 'pass', detail: '', evidence: { onW: 120 } }] },
    },
  ],
  [
    'replies',
    { v: 1, id: 'c2', name: 'power', ok: false, ts, error: { code: 'refused', message: 'in a call' } },
  ],
  ['speak', { v: 1, action: 'cancel', ts }],
  ['command', { v: 1, id: 'c1', ts, expiresAt: ts, args: { power: 'on', nested: { a: [1] } } }],
  ['schedule', { v: 1, ts, items: [{ id: 'm1', kind: 'meeting', start: ts, end: ts, emergency: false }] }],
  ['acks', { v: 1, bootId: 'b1', seqs: [0, 7], ts }],
  ['inject', { mains: false, codecConfig: { 'Audio.Volume': '50' } }],
  ['speak-state', { v: 1, ts, state: 'waiting', position: 1, hostRoomId: 'tinh-uy' }],
];

/** What replaces a value: every JSON type, and the numbers and texts at or past the limits. */
const replacements: unknown[] = [
  'x',
  '',
  'x'.repeat(501),
  '2026-11-30T03:00:00Z',
  '2026-11-30T10:00:00.000+07:00',
  0,
  -1,
  0.5,
  100.5,
  201,
  1001,
  86_401,
  600_001,
  2 ** 53 + 2,
  true,
  null,
  {},
  [],
  [1],
];

/** The message with one change at each place in it: removed, replaced, or an unknown key beside it. */
function mutations(value: unknown): unknown[] {
  if (Array.isArray(value)) {
    const out: unknown[] = [[], [...value, ...value], [...value, 'x']];
    value.forEach((item, i) => {
      for (const inner of [...replacements, ...mutations(item)]) out.push(value.with(i, inner));
    });
    return out;
  }
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  const out: unknown[] = [
    { ...record, extra: 1 },
    { ...record, constructor: 1 },
  ];
  for (const key of Object.keys(record)) {
    const { [key]: _, ...without } = record;
    out.push(without);
    for (const inner of [...replacements, ...mutations(record[key])]) out.push({ ...record, [key]: inner });
  }
  return out;
}

/** Changes only text can make: a `__proto__` key in each object, numbers JSON.parse reads oddly. */
function textMutations(text: string): string[] {
  const out: string[] = [];
  for (let i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) {
    const comma = text[i + 1] === '}' ? '' : ',';
    out.push(`${text.slice(0, i + 1)}"__proto__":{}${comma}${text.slice(i + 1)}`);
  }
  for (const number of text.matchAll(/:(-?\d[\d.eE+-]*)/g)) {
    const at = number.index! + 1;
    for (const odd of ['1e400', '-1e400', '-0', '1E1', '9007199254740993']) {
      out.push(`${text.slice(0, at)}${odd}${text.slice(at + number[1]!.length)}`);
    }
  }
  return out;
}

/** Both decoders on one payload, as bytes (as MQTT hands them to the hub) and as a string. */
function expectSame(channel: Channel, payload: string): void {
  for (const input of [Buffer.from(payload), payload]) {
    const expected = decodeMessage(channel, input);
    const actual = decodeCompiled(channel, input);
    expect({ channel, payload, verdict: actual }).toStrictEqual({ channel, payload, verdict: expected });
    // toStrictEqual does not compare key order; a stored or relayed message would show it.
    if (actual.ok && expected.ok)
      expect(JSON.stringify(actual.message)).toBe(JSON.stringify(expected.message));
  }
}

describe('the compiled decoder', () => {
  test('compiles every channel (none left on zod’s interpreter, which would cost as before)', () => {
    for (const channel of channels) expect(compiledSchemas[channel]).not.toBe(channelSchemas[channel]);
  });

  test('accepts every valid message as decodeMessage does', () => {
    for (const [channel, message] of validMessages) {
      expect(decodeCompiled(channel, JSON.stringify(message))).toMatchObject({ ok: true });
      expectSame(channel, JSON.stringify(message));
    }
  });

  test('gives the same verdict, value and reason for every mutation of every valid message', () => {
    let accepted = 0;
    let rejected = 0;
    for (const [channel, message] of validMessages) {
      const texts = [
        ...mutations(message).map((m) => JSON.stringify(m)),
        ...textMutations(JSON.stringify(message)),
      ];
      for (const text of texts) {
        expectSame(channel, text);
        if (decodeMessage(channel, text).ok) accepted++;
        else rejected++;
      }
    }
    // The corpus must hold both kinds, in numbers: mutations that stay valid (an optional key
    // removed, a value in range) and the many that do not.
    expect(accepted).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(4000);
  });

  test('gives the same verdict and reason for every worst-case payload, on every channel', () => {
    for (const { payload } of worstPayloads())
      for (const channel of channels) expectSame(channel, payload.toString());
  });

  test('agrees with decodeMessage on random JSON, on every channel', () => {
    fc.assert(
      fc.property(fc.constantFrom(...channels), fc.json({ maxDepth: 4 }), (channel, text) => {
        expectSame(channel, text);
      }),
      { numRuns: 2000 },
    );
  });
});
