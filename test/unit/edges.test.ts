import { describe, expect, test } from '@jest/globals';
import { defaultEdgeConfig, detectEdges, nominal } from '../../agent/edges.js';
import type { Readings } from '../../shared/schemas.js';

const well: Readings = {
  power: { mains: true, upsChargePct: 100, state: 'on' },
  climate: { tempC: 24, humidityPct: 55 },
  codec: { state: 'up', inCall: false },
  link: { latencyMs: 30, jitterMs: 4, lossPct: 0 },
};

function patch(p: {
  power?: Partial<Readings['power']>;
  climate?: Partial<Readings['climate']>;
  codec?: Partial<Readings['codec']>;
  link?: Partial<Readings['link']>;
}): Readings {
  return {
    power: { ...well.power, ...p.power },
    climate: { ...well.climate, ...p.climate },
    codec: { ...well.codec, ...p.codec },
    link: { ...well.link, ...p.link },
  };
}

const types = (prev: Readings, curr: Readings, raised: ReadonlySet<string> = new Set()) =>
  detectEdges(prev, curr, defaultEdgeConfig, raised).events.map((e) => e.type);

describe('edges', () => {
  test.each([
    ['nothing changed', well, well, []],
    ['mains lost', well, patch({ power: { mains: false } }), ['mains.lost']],
    ['mains restored', patch({ power: { mains: false } }), well, ['mains.restored']],
    [
      'UPS falls below 30 %',
      patch({ power: { mains: false, upsChargePct: 31 } }),
      patch({ power: { mains: false, upsChargePct: 29 } }),
      ['ups.low'],
    ],
    [
      'UPS recharged past 30 %',
      patch({ power: { upsChargePct: 29 } }),
      patch({ power: { upsChargePct: 30 } }),
      ['ups.ok'],
    ],
    ['codec goes down', well, patch({ codec: { state: 'down' } }), ['codec.down']],
    [
      'codec from down to unreachable is no new edge',
      patch({ codec: { state: 'down' } }),
      patch({ codec: { state: 'unreachable' } }),
      [],
    ],
    ['mains becoming unknown is no edge', well, patch({ power: { mains: null } }), []],
    ['a codec probe appearing is no edge', patch({ codec: { state: 'unknown' } }), well, []],
    ['codec comes back', patch({ codec: { state: 'unreachable' } }), well, ['codec.up']],
    ['call starts', well, patch({ codec: { inCall: true } }), ['call.started']],
    ['call ends', patch({ codec: { inCall: true } }), well, ['call.ended']],
    [
      'a fault present at boot is an edge from nominal',
      nominal,
      patch({ power: { mains: false } }),
      ['mains.lost'],
    ],
  ])('%s', (_name, prev, curr, expected) => {
    expect(types(prev, curr)).toEqual(expected);
  });

  test('a threshold is raised once, held while beyond, and cleared only back inside by the margin', () => {
    let raised: ReadonlySet<string> = new Set();
    const seen: string[] = [];
    let prev = well;
    for (const tempC of [31, 33, 34, 32, 31.5, 31, 30.9, 33]) {
      const curr = patch({ climate: { tempC } });
      const r = detectEdges(prev, curr, defaultEdgeConfig, raised);
      seen.push(...r.events.map((e) => `${e.type}@${tempC}`));
      raised = r.raised;
      prev = curr;
    }
    expect(seen).toEqual(['threshold.raised@33', 'threshold.cleared@31', 'threshold.raised@33']);
  });

  test('a raised threshold names the metric, side, value and limit', () => {
    const r = detectEdges(well, patch({ climate: { humidityPct: 20 } }), defaultEdgeConfig, new Set());
    expect(r.events).toEqual([
      {
        type: 'threshold.raised',
        severity: 'warning',
        data: { metric: 'humidityPct', side: 'min', value: 20, limit: 30 },
      },
    ]);
    expect([...r.raised]).toEqual(['humidityPct:min']);
  });

  test('a null reading neither raises nor clears', () => {
    const r = detectEdges(
      well,
      patch({ link: { lossPct: null } }),
      defaultEdgeConfig,
      new Set(['lossPct:max']),
    );
    expect(r.events).toEqual([]);
    expect([...r.raised]).toEqual(['lossPct:max']);
  });
});

describe('k of n confirmation', () => {
  const confirmed = { ...defaultEdgeConfig, confirm: { samples: 2, window: 3 } };
  const run = (temps: number[]) => {
    let raised: ReadonlySet<string> = new Set();
    let recent = new Map<string, readonly { beyond: boolean; backInside: boolean }[]>();
    let prev = well;
    const seen: string[] = [];
    for (const tempC of temps) {
      const curr = patch({ climate: { tempC } });
      const r = detectEdges(prev, curr, confirmed, raised, recent);
      seen.push(...r.events.map((e) => `${e.type}@${tempC}`));
      raised = r.raised;
      recent = r.recent;
      prev = curr;
    }
    return seen;
  };

  test.each([
    ['one misread is not enough', [24, 40, 24, 24], []],
    ['two of three past the limit raise', [24, 33, 24, 33], ['threshold.raised@33']],
    ['two in a row raise on the second', [33, 34], ['threshold.raised@34']],
    [
      'clearing needs two of three back inside by the margin',
      [33, 33, 30, 33, 30],
      ['threshold.raised@33', 'threshold.cleared@30'],
    ],
    ['inside but within the margin never clears', [33, 33, 31.5, 31.5, 31.5], ['threshold.raised@33']],
  ])('%s', (_name, temps, expected) => {
    expect(run(temps)).toEqual(expected);
  });

  test('without confirm, one sample decides (the simulated rooms keep this)', () => {
    const r = detectEdges(well, patch({ climate: { tempC: 40 } }), defaultEdgeConfig, new Set());
    expect(r.events.map((e) => e.type)).toEqual(['threshold.raised']);
  });
});

describe('UPS low from its own flag', () => {
  test.each([
    [
      'the flag rises with charge unknown',
      { upsChargePct: null, upsLowBattery: false },
      { upsChargePct: null, upsLowBattery: true },
      ['ups.low'],
    ],
    [
      'the flag clears',
      { upsChargePct: null, upsLowBattery: true },
      { upsChargePct: null, upsLowBattery: false },
      ['ups.ok'],
    ],
    [
      'the flag rises while charge is still above 30 %',
      { upsChargePct: 45, upsLowBattery: false },
      { upsChargePct: 44, upsLowBattery: true },
      ['ups.low'],
    ],
    [
      'neither known: no edge',
      { upsChargePct: null, upsLowBattery: null },
      { upsChargePct: null, upsLowBattery: true },
      [],
    ],
  ] as const)('%s', (_name, before, after, expected) => {
    expect(types(patch({ power: before }), patch({ power: after }))).toEqual(expected);
  });
});
