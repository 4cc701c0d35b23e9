/**
 * Payloads built to cost the hub's message check the most, each just under the size limit
 * (MAX_PAYLOAD_BYTES): what a room with valid credentials could send on purpose. Random fuzzing
 * rarely produces any of them (STYLE.md, "worst cases, not only random ones"); the decoder's tests,
 * the flood test and the benchmark share them.
 */
import { MAX_JSON_DEPTH, MAX_PAYLOAD_BYTES } from '../../shared/schemas.js';

const ts = '2026-11-30T03:00:00.000Z';

/** Repeats `unit` as often as fits in `room` bytes. */
function fill(unit: string, room: number): string {
  return unit.repeat(Math.max(0, Math.floor(room / Buffer.byteLength(unit))));
}

/** A reply to `rehearse` carrying the given `result` (JSON text). */
function reply(resultJson: string): string {
  return `{"v":1,"id":"c1","name":"rehearse","ok":true,"ts":"${ts}","result":${resultJson}}`;
}

const budget = (frame: string) => MAX_PAYLOAD_BYTES - Buffer.byteLength(frame);

export interface WorstPayload {
  name: string;
  /** The channel whose schema it is sent against. */
  channel: 'replies' | 'telemetry' | 'events';
  payload: Buffer;
}

/**
 * `[[[…"\u0041"…]]]` as deep as the limit allows: 8,000 levels, with an escape at the bottom so
 * that the scan for unstorable text (which walks only text with `\u` escapes) has to go down.
 */
export function deepArrays(): Buffer {
  const half = Math.floor(budget(reply('"\\u0041"')) / 2);
  return Buffer.from(reply(`${'['.repeat(half)}"\\u0041"${']'.repeat(half)}`));
}

/** `{"a":{"a":…}}` as deep as fits. */
export function deepObjects(): Buffer {
  const levels = Math.floor(budget(reply('1')) / 7);
  return Buffer.from(reply(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`));
}

/** Nesting exactly `depth` levels in all (the reply's own object is the first). */
export function nestedTo(depth: number): Buffer {
  const inner = depth - 1; // the reply object itself is one level
  return Buffer.from(reply(`${'['.repeat(inner)}${']'.repeat(inner)}`));
}

/** Every level of MAX_JSON_DEPTH, as wide as fits: the most values a bounded walk can meet. */
export function wideAtTheDepthLimit(): Buffer {
  const levels = MAX_JSON_DEPTH - 3; // reply object, result object, its array
  const unit = `${'['.repeat(levels)}"\\u0041"${']'.repeat(levels)},`;
  const body = fill(unit, budget(reply('{"a":[]}')) - 1).slice(0, -1);
  return Buffer.from(reply(`{"a":[${body}]}`));
}

/** An event whose `data` has as many keys as fit (a record: no count limit in the schema). */
export function manyKeys(): Buffer {
  const frame = `{"v":1,"type":"mains.lost","severity":"critical","ts":"${ts}","bootId":"b1","seq":1,"data":{}}`;
  const keys: string[] = [];
  let used = Buffer.byteLength(frame);
  for (let i = 0; ; i++) {
    const entry = `"k${i}":${i},`;
    if (used + entry.length > MAX_PAYLOAD_BYTES) break;
    keys.push(entry);
    used += entry.length;
  }
  return Buffer.from(frame.replace('"data":{}', `"data":{${keys.join('').slice(0, -1)}}`));
}

/** A valid telemetry message with as many unknown keys as fit (a strict object lists each in its error). */
export function manyUnknownKeys(): Buffer {
  const frame = JSON.stringify({
    v: 1,
    ts,
    power: { mains: true, upsChargePct: 100, state: 'on' },
    climate: { tempC: 24, humidityPct: 55 },
    codec: { state: 'up', inCall: false },
    link: { latencyMs: 30, jitterMs: 4, lossPct: 0 },
  });
  const keys: string[] = [];
  let used = Buffer.byteLength(frame);
  for (let i = 0; ; i++) {
    const entry = `,"z${i}":1`;
    if (used + entry.length > MAX_PAYLOAD_BYTES) break;
    keys.push(entry);
    used += entry.length;
  }
  return Buffer.from(`${frame.slice(0, -1)}${keys.join('')}}`);
}

/** A string of `\u0000` escapes as long as fits: each one a NUL the decoder must find. */
export function nulEscapes(): Buffer {
  return Buffer.from(reply(`{"text":"${fill('\\u0000', budget(reply('{"text":""}')))}"}`));
}

/** A string of unpaired high surrogates, `\ud800` each: the lone-surrogate scan's worst case. */
export function loneSurrogateEscapes(): Buffer {
  return Buffer.from(reply(`{"text":"${fill('\\ud800', budget(reply('{"text":""}')))}"}`));
}

/** Escaped backslashes and quotes around brackets: the depth scan must not take them for nesting. */
export function escapedQuotesAndBrackets(): Buffer {
  return Buffer.from(reply(`{"text":"${fill('\\\\\\"[{', budget(reply('{"text":""}')))}"}`));
}

/** A 16 KiB `ts`: the ISO 8601 pattern run over the longest string a message can hold. */
export function longTimestamp(): Buffer {
  const frame = `{"v":1,"type":"mains.lost","severity":"critical","data":{},"bootId":"b1","seq":1,"ts":""}`;
  return Buffer.from(
    frame.replace('"ts":""', `"ts":"2026-11-30T03:00:00.${fill('0', budget(frame) - 21)}Z"`),
  );
}

/** Closing brackets first, then opening ones: not JSON, and no count of depth may go below zero. */
export function unbalanced(): Buffer {
  const half = Math.floor(MAX_PAYLOAD_BYTES / 2);
  return Buffer.from(`${']'.repeat(half)}${'['.repeat(half)}`);
}

/** Every worst case, by name, with the channel it is sent on. */
export function worstPayloads(): WorstPayload[] {
  return [
    { name: 'deep arrays', channel: 'replies', payload: deepArrays() },
    { name: 'deep objects', channel: 'replies', payload: deepObjects() },
    { name: 'wide at the depth limit', channel: 'replies', payload: wideAtTheDepthLimit() },
    { name: 'many keys', channel: 'events', payload: manyKeys() },
    { name: 'many unknown keys', channel: 'telemetry', payload: manyUnknownKeys() },
    { name: 'NUL escapes', channel: 'replies', payload: nulEscapes() },
    { name: 'lone surrogate escapes', channel: 'replies', payload: loneSurrogateEscapes() },
    { name: 'escaped quotes and brackets', channel: 'replies', payload: escapedQuotesAndBrackets() },
    { name: 'long timestamp', channel: 'events', payload: longTimestamp() },
    { name: 'unbalanced brackets', channel: 'telemetry', payload: unbalanced() },
  ];
}
