import { describe, expect, test } from '@jest/globals';
import type { EdgeEvent } from '../../agent/edges.js';
import {
  ConfigDriftWatch,
  type ConfigSource,
  compareWithBaseline,
  driftEvent,
} from '../../agent/probes/config-drift.js';
import { configHash } from '../../shared/config-hash.js';

const baseline = { 'Audio/DefaultVolume': '50', 'SIP/DisplayName': 'UBND huyen Yen Son' };

describe('comparison with the approved baseline', () => {
  test.each([
    ['identical', { ...baseline }, []],
    ['extra values the baseline does not watch are ignored', { ...baseline, 'Other/Key': 'x' }, []],
    [
      'a changed value is named with both values',
      { ...baseline, 'Audio/DefaultVolume': '70' },
      [{ key: 'Audio/DefaultVolume', expected: '50', actual: '70' }],
    ],
    [
      'a value the codec no longer has is a change too',
      { 'Audio/DefaultVolume': '50', 'SIP/DisplayName': null },
      [{ key: 'SIP/DisplayName', expected: 'UBND huyen Yen Son', actual: null }],
    ],
  ])('%s', (_name, current, drifts) => {
    expect(compareWithBaseline(baseline, current)).toEqual(drifts);
  });

  test('the hash does not depend on key order, and does on values', () => {
    expect(configHash({ a: '1', b: '2' })).toBe(configHash({ b: '2', a: '1' }));
    expect(configHash({ a: '1', b: '2' })).not.toBe(configHash({ a: '1', b: '3' }));
    expect(configHash({ a: '' })).not.toBe(configHash({ a: null }));
  });

  test('the event names the key, the approved and the found value', () => {
    const e = driftEvent([{ key: 'Audio/DefaultVolume', expected: '50', actual: '70' }], 'h1', 'h0');
    expect(e).toEqual({
      type: 'config.drift',
      severity: 'warning',
      data: {
        changed: 1,
        keys: 'Audio/DefaultVolume',
        key: 'Audio/DefaultVolume',
        approved: '50',
        found: '70',
        hash: 'h1',
        baselineHash: 'h0',
      },
    });
  });

  test('a value gone from the codec is found as null; none left is the return to the baseline', () => {
    expect(driftEvent([{ key: 'SIP/URI', expected: 'a@b', actual: null }], 'h1', 'h0').data.found).toBeNull();
    expect(driftEvent([], 'h0', 'h0')).toEqual({
      type: 'config.restored',
      severity: 'info',
      data: { changed: 0, hash: 'h0', baselineHash: 'h0' },
    });
  });
});

describe('drift watch', () => {
  function setup() {
    const values: Record<string, string | null> = { ...baseline };
    let fail: string | null = null;
    const source: ConfigSource = {
      readConfig: async (keys) =>
        fail
          ? { ok: false, detail: fail }
          : { ok: true, values: Object.fromEntries(keys.map((k) => [k, values[k] ?? null])) },
    };
    const events: EdgeEvent[] = [];
    const watch = new ConfigDriftWatch(source, baseline, (e) => events.push(e));
    return { values, events, watch, failWith: (why: string | null) => (fail = why) };
  }

  test('an unchanged codec raises nothing, however often it is checked', async () => {
    const { watch, events } = setup();
    for (let i = 0; i < 3; i++) expect(await watch.check()).toMatchObject({ ok: true, drifts: [] });
    expect(events).toEqual([]);
  });

  test('a change is raised once, a further change again, and the return to baseline as info', async () => {
    const { watch, events, values } = setup();
    values['Audio/DefaultVolume'] = '70';
    await watch.check();
    await watch.check();
    expect(events.map((e) => [e.severity, e.data.keys])).toEqual([['warning', 'Audio/DefaultVolume']]);
    values['SIP/DisplayName'] = 'Phong hop';
    await watch.check();
    expect(events[1]!.data).toMatchObject({ changed: 2, keys: 'Audio/DefaultVolume, SIP/DisplayName' });
    values['Audio/DefaultVolume'] = '50';
    values['SIP/DisplayName'] = 'UBND huyen Yen Son';
    await watch.check();
    expect(events[2]).toMatchObject({ type: 'config.restored', severity: 'info', data: { changed: 0 } });
    expect(events).toHaveLength(3);
  });

  test.each([
    [
      'approving what the codec has now ends the drift',
      { 'Audio/DefaultVolume': '70' },
      ['config.drift', 'config.restored'],
    ],
    [
      'approving another value keeps it, raised once',
      { 'Audio/DefaultVolume': '60' },
      ['config.drift', 'config.drift'],
    ],
  ])('a new baseline from the hub: %s', async (_name, approved, types) => {
    const { watch, events, values } = setup();
    values['Audio/DefaultVolume'] = '70';
    await watch.check();
    watch.setBaseline({ ...baseline, ...approved });
    await watch.check();
    await watch.check();
    expect(events.map((e) => e.type)).toEqual(types);
    expect(watch.approved).toEqual({ ...baseline, ...approved });
  });

  test('no baseline: nothing is read or raised', async () => {
    const events: EdgeEvent[] = [];
    const source: ConfigSource = { readConfig: async () => ({ ok: false, detail: 'must not be read' }) };
    const watch = new ConfigDriftWatch(source, {}, (e) => events.push(e));
    expect(await watch.check()).toMatchObject({ ok: true, drifts: [] });
    expect(events).toEqual([]);
  });

  test('a codec that cannot be read raises no drift and says why', async () => {
    const { watch, events, failWith } = setup();
    failWith('credentials refused (HTTP 401)');
    expect(await watch.check()).toEqual({ ok: false, detail: 'credentials refused (HTTP 401)' });
    expect(events).toEqual([]);
  });
});
