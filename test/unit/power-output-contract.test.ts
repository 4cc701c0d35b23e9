/** What every PowerOutput promises, run against each implementation and the test fake. */
import { describe, expect, test } from '@jest/globals';
import { CodecStandbyOutput } from '../../agent/power/codec-standby-output.js';
import type { PowerOutput } from '../../agent/power/power-output.js';
import { RelayOutput } from '../../agent/power/relay-output.js';
import { SimOutput } from '../../agent/sim/sim-output.js';
import { FakeGpioPort } from '../fakes/fake-gpio.js';
import { FakePowerOutput } from '../fakes/fake-power-output.js';

const implementations: [string, () => PowerOutput][] = [
  [
    'relay',
    () =>
      new RelayOutput({ name: 'display', line: 'GPIO17', activeLow: true, ratedW: 180 }, new FakeGpioPort()),
  ],
  ['codec standby', () => new CodecStandbyOutput('display', 180, { standby: async () => {} })],
  ['simulated', () => new SimOutput('display', 180)],
  ['test fake', () => new FakePowerOutput('display', 180)],
];

describe.each(implementations)('power output contract: %s', (_name, make) => {
  test('starts unknown, and reads what it was last switched to', async () => {
    const output = make();
    expect(output).toMatchObject({ name: 'display', ratedW: 180, state: 'unknown' });
    await output.set(true);
    expect(output.state).toBe('on');
    await output.set(true);
    expect(output.state).toBe('on');
    await output.set(false);
    expect(output.state).toBe('off');
    await output.close?.();
    expect(output.state).toBe('off');
  });
});
