import { describe, expect, test } from '@jest/globals';
import type { EdgeEvent } from '../../agent/edges.js';
import {
  defaultLinkRules,
  initialRuleState,
  type KOfN,
  LinkQualityMonitor,
  type RuleState,
  stepRule,
} from '../../agent/probes/link-quality.js';
import type { LinkSeries } from '../../shared/probes/link-stats.js';

/** Feeds values through one rule (limit 1, as loss 1 %) and lists the edges. */
function run(values: (number | null)[], window: KOfN): ('raised' | 'cleared' | '-')[] {
  let state: RuleState = initialRuleState;
  return values.map((v) => {
    const step = stepRule(state, v, 1, window);
    state = step.state;
    return step.edge ?? '-';
  });
}

describe('k-of-n hysteresis', () => {
  test.each([
    [
      'one bad series of five does not raise (3 of 5)',
      [0, 5, 0, 0, 0],
      { k: 3, n: 5 },
      ['-', '-', '-', '-', '-'],
    ],
    ['three bad of five raise on the third', [5, 0, 5, 0, 5], { k: 3, n: 5 }, ['-', '-', '-', '-', 'raised']],
    ['three bad in a row raise at once', [5, 5, 5], { k: 3, n: 5 }, ['-', '-', 'raised']],
    [
      'raised stays up until three of five are good',
      [5, 5, 5, 0, 5, 0, 0],
      { k: 3, n: 5 },
      ['-', '-', 'raised', '-', '-', '-', 'cleared'],
    ],
    ['a value exactly at the limit is within it', [1, 1, 1], { k: 2, n: 3 }, ['-', '-', '-']],
    [
      'no measurement (null) counts neither way',
      [5, null, null, 5],
      { k: 2, n: 3 },
      ['-', '-', '-', 'raised'],
    ],
    ['1 of 1 follows every series', [5, 0, 5], { k: 1, n: 1 }, ['raised', 'cleared', 'raised']],
    [
      'one good series in a bad stretch does not clear (3 of 5)',
      [5, 5, 5, 0, 5, 5, 0],
      { k: 3, n: 5 },
      ['-', '-', 'raised', '-', '-', '-', '-'],
    ],
  ])('%s', (_name, values, window, edges) => {
    expect(run(values, window)).toEqual(edges);
  });

  test('the window never holds more than n series', () => {
    let state = initialRuleState;
    for (let i = 0; i < 20; i++) state = stepRule(state, i, 1, { k: 2, n: 4 }).state;
    expect(state.beyond).toHaveLength(4);
  });
});

describe('link quality monitor', () => {
  test('events name the metric, level, target and window; read answers the MCU’s figures', async () => {
    const events: EdgeEvent[] = [];
    const queue: LinkSeries[] = [
      { sent: 5, received: 5, rttsMs: [10, 12, 10, 12, 10] },
      { sent: 5, received: 0, rttsMs: [] },
      { sent: 5, received: 0, rttsMs: [] },
      { sent: 5, received: 5, rttsMs: [10, 10, 10, 10, 10] },
      { sent: 5, received: 5, rttsMs: [10, 10, 10, 10, 10] },
    ];
    let t = 0;
    const monitor = new LinkQualityMonitor(
      [{ name: 'mcu', series: async () => ({ series: queue.shift() ?? null, detail: '' }) }],
      { rules: defaultLinkRules, window: { k: 2, n: 3 }, intervalMs: 1000, timeoutMs: 1000 },
      (e) => events.push(e),
      () => t,
    );
    expect(await monitor.read()).toEqual({ latencyMs: 10.8, jitterMs: 2, lossPct: 0 });
    // Within the interval the last figures are answered without a new series.
    expect(await monitor.read()).toEqual({ latencyMs: 10.8, jitterMs: 2, lossPct: 0 });
    expect(queue).toHaveLength(4);
    t += 1000;
    expect(await monitor.read()).toEqual({ latencyMs: null, jitterMs: null, lossPct: 100 });
    expect(events).toEqual([]);
    t += 1000;
    await monitor.read();
    expect(events.map((e) => [e.type, e.severity, e.data.level])).toEqual([
      ['threshold.raised', 'warning', 'degraded'],
      ['threshold.raised', 'critical', 'notReady'],
    ]);
    expect(events[1]!.data).toEqual({
      metric: 'lossPct',
      side: 'max',
      value: 100,
      limit: 5,
      level: 'notReady',
      target: 'mcu',
      window: '2 of 3',
    });
    t += 1000;
    await monitor.read();
    t += 1000;
    await monitor.read();
    expect(events.slice(2).map((e) => [e.type, e.severity, e.data.limit])).toEqual([
      ['threshold.cleared', 'info', 1],
      ['threshold.cleared', 'info', 5],
    ]);
  });
});
