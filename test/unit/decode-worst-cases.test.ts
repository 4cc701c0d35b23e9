/**
 * Issue 18.1: the message check is bounded for any payload up to the size limit. Each payload a
 * room could build to cost the check the most (test/helpers/worst-payloads.ts) is its own test:
 * it gets a verdict, never an exception, and a payload nested past the limit is refused by the
 * scan of its raw text, before anything parses or walks it. Timings are in the benchmark
 * (`npm run bench`, "decode worst cases"), not asserted here.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { scanJsonDepth } from '../../shared/json-depth.js';
import { type Channel, decodeMessage, MAX_JSON_DEPTH, MAX_PAYLOAD_BYTES } from '../../shared/schemas.js';
import {
  deepArrays,
  deepObjects,
  escapedQuotesAndBrackets,
  loneSurrogateEscapes,
  longTimestamp,
  manyKeys,
  manyUnknownKeys,
  nestedTo,
  nulEscapes,
  unbalanced,
  wideAtTheDepthLimit,
} from '../helpers/worst-payloads.js';

const channels: Channel[] = ['status', 'telemetry', 'events', 'replies', 'speak', 'command', 'schedule'];

/** Decodes on every channel; none may throw, and the verdicts are returned for checking. */
function onEveryChannel(payload: Buffer) {
  return channels.map((channel) => {
    const verdict = decodeMessage(channel, payload);
    return verdict.ok ? 'ok' : verdict.code;
  });
}

describe('the decoder on worst-case payloads (each under the size limit)', () => {
  test('deep arrays, 8,000 levels: refused as too deep on every channel, before parsing', () => {
    const payload = deepArrays();
    expect(payload.length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(onEveryChannel(payload)).toEqual(channels.map(() => 'too-deep'));
    const verdict = decodeMessage('replies', payload);
    expect(verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/nested deeper than 16/) });
  });

  test('deep objects: refused as too deep on every channel', () => {
    const payload = deepObjects();
    expect(payload.length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(onEveryChannel(payload)).toEqual(channels.map(() => 'too-deep'));
  });

  test(`nesting of exactly ${MAX_JSON_DEPTH} levels is checked; one more is too deep`, () => {
    expect(decodeMessage('replies', nestedTo(MAX_JSON_DEPTH))).toMatchObject({ ok: false, code: 'schema' });
    expect(decodeMessage('replies', nestedTo(MAX_JSON_DEPTH + 1))).toMatchObject({
      ok: false,
      code: 'too-deep',
    });
  });

  test('as wide as fits at the depth limit (a thousand nested values to walk): a verdict', () => {
    const payload = wideAtTheDepthLimit();
    expect(payload.length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(decodeMessage('replies', payload)).toMatchObject({ ok: true });
    expect(onEveryChannel(payload)).not.toContain('too-deep');
  });

  test('an event with 1,500 keys in its data: a verdict', () => {
    const payload = manyKeys();
    expect(payload.length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(decodeMessage('events', payload)).toMatchObject({ ok: true });
    onEveryChannel(payload);
  });

  test('telemetry with 1,500 unknown keys: refused, and the reason stays short enough to log', () => {
    const payload = manyUnknownKeys();
    expect(payload.length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    const verdict = decodeMessage('telemetry', payload);
    expect(verdict).toMatchObject({ ok: false, code: 'schema' });
    expect(verdict.ok ? '' : verdict.reason.length).toBeLessThan(400);
  });

  test('a string of 2,700 NUL escapes: refused as unstorable text', () => {
    const payload = nulEscapes();
    expect(payload.length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(decodeMessage('replies', payload)).toMatchObject({
      ok: false,
      code: 'schema',
      reason: expect.stringMatching(/^result\.text: text holds a NUL/),
    });
  });

  test('a string of 2,700 lone surrogate escapes: refused as unstorable text', () => {
    const payload = loneSurrogateEscapes();
    expect(decodeMessage('replies', payload)).toMatchObject({
      ok: false,
      code: 'schema',
      reason: expect.stringMatching(/unpaired UTF-16 surrogate/),
    });
  });

  test('escaped quotes, backslashes and brackets in a string: not counted as nesting', () => {
    const payload = escapedQuotesAndBrackets();
    expect(payload.length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(decodeMessage('replies', payload)).toMatchObject({ ok: true });
  });

  test('a 16 KiB timestamp: the time pattern gives a verdict', () => {
    const payload = longTimestamp();
    expect(payload.length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    onEveryChannel(payload);
  });

  test('closing brackets before opening ones: malformed, and the depth count never goes below zero', () => {
    expect(onEveryChannel(unbalanced())).toEqual(channels.map(() => 'malformed-json'));
    expect(scanJsonDepth(']]][[[', 100)).toEqual({ ok: false, code: 'unbalanced', at: 0 });
  });
});

describe('the depth scan of raw JSON text', () => {
  const depthOf = (value: unknown): number =>
    value !== null && typeof value === 'object' ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0;

  test('agrees with the parsed value’s depth for any JSON (strings with escapes, quotes, brackets)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const text = JSON.stringify(value);
        expect(scanJsonDepth(text, 100)).toEqual({ ok: true, depth: depthOf(value) });
      }),
      { numRuns: 2000 },
    );
  });

  test('stops at the first level past the limit', () => {
    expect(scanJsonDepth('[[[1]]]', 2)).toEqual({ ok: false, code: 'too-deep', at: 2 });
    expect(scanJsonDepth('["[[[[", {"a": "]]}"}]', 2)).toEqual({ ok: true, depth: 2 });
  });
});
