import { describe, expect, test } from '@jest/globals';
import { defaultSequence, runSequence, type SequenceStep, summarise } from '../../agent/power/sequences.js';
import { FakePowerOutput } from '../fakes/fake-power-output.js';

function room() {
  const journal: string[] = [];
  const outputs = ['mains', 'display', 'codec'].map((n) => new FakePowerOutput(n, 100, journal));
  const sleep = async (ms: number) => {
    journal.push(`wait ${ms}`);
  };
  return { journal, outputs, map: new Map(outputs.map((o) => [o.name, o])), sleep };
}

const on: SequenceStep[] = [
  { output: 'mains' },
  { waitSec: 5 },
  { output: 'display' },
  { waitSec: 2 },
  { output: 'codec' },
];
const off: SequenceStep[] = [
  { output: 'codec' },
  { waitSec: 10 },
  { output: 'display' },
  { waitSec: 2 },
  { output: 'mains' },
];

describe('power sequences', () => {
  test('power-on switches in order with its waits, and reports every step', async () => {
    const r = room();
    const result = await runSequence('on', on, r.map, { sleep: r.sleep });
    expect(r.journal).toEqual(['mains on', 'wait 5000', 'display on', 'wait 2000', 'codec on']);
    expect(result).toMatchObject({ ok: true, changed: true, direction: 'on' });
    expect(summarise(result)).toBe(
      'mains on done, wait 5 s done, display on done, wait 2 s done, codec on done',
    );
    expect(r.outputs.map((o) => o.state)).toEqual(['on', 'on', 'on']);
  });

  test('power-off runs the other way: codec standby first, mains last', async () => {
    const r = room();
    await runSequence('off', off, r.map, { sleep: r.sleep });
    expect(r.journal).toEqual(['codec off', 'wait 10000', 'display off', 'wait 2000', 'mains off']);
  });

  test('a failing step stops the sequence: the mains of a codec that did not sleep is not cut', async () => {
    const r = room();
    for (const o of r.outputs) o.state = 'on';
    r.outputs[2]!.failing = new Error('codec unreachable');
    const result = await runSequence('off', off, r.map, { sleep: r.sleep });
    expect(r.journal).toEqual(['codec off']);
    expect(result.ok).toBe(false);
    expect(result.failed).toMatchObject({
      index: 0,
      step: 'codec off',
      outcome: 'failed',
      error: 'codec unreachable',
    });
    expect(r.outputs.map((o) => o.state)).toEqual(['on', 'on', 'on']);
  });

  test('a failing step on the way up leaves what is on, and touches nothing after it', async () => {
    const r = room();
    r.outputs[1]!.failing = new Error('relay stuck');
    const result = await runSequence('on', on, r.map, { sleep: r.sleep });
    expect(r.journal).toEqual(['mains on', 'wait 5000', 'display on']);
    expect(result.steps.map((s) => s.outcome)).toEqual(['done', 'done', 'failed']);
    expect(r.outputs.map((o) => o.state)).toEqual(['on', 'unknown', 'unknown']);
  });

  test('outputs already in place are not switched, and their waits are skipped', async () => {
    const r = room();
    r.outputs[0]!.state = 'on';
    r.outputs[1]!.state = 'on';
    const result = await runSequence('on', on, r.map, { sleep: r.sleep });
    expect(r.journal).toEqual(['codec on']);
    expect(result.steps.map((s) => s.outcome)).toEqual([
      'unchanged',
      'skipped',
      'unchanged',
      'skipped',
      'done',
    ]);
    const again = await runSequence('on', on, r.map, { sleep: r.sleep });
    expect(again.changed).toBe(false);
  });

  test('force switches outputs that already read as the target', async () => {
    const r = room();
    for (const o of r.outputs) o.state = 'on';
    await runSequence('on', on, r.map, { sleep: r.sleep, force: true });
    expect(r.journal).toEqual(['mains on', 'wait 5000', 'display on', 'wait 2000', 'codec on']);
  });

  test('the default order is the outputs as listed up, reversed down', () => {
    expect(defaultSequence(['mains', 'codec'], 'on')).toEqual([{ output: 'mains' }, { output: 'codec' }]);
    expect(defaultSequence(['mains', 'codec'], 'off')).toEqual([{ output: 'codec' }, { output: 'mains' }]);
  });
});
