import { describe, expect, test } from '@jest/globals';
import { CodecStandbyOutput } from '../../agent/power/codec-standby-output.js';
import { PowerError } from '../../agent/power/power-output.js';
import { RelayOutput } from '../../agent/power/relay-output.js';
import { FakeGpioPort } from '../fakes/fake-gpio.js';

describe('relay output', () => {
  test.each([
    ['active-high', false, [1, 0]],
    ['active-low', true, [0, 1]],
  ] as const)('%s relay drives the line to the right level', async (_name, activeLow, levels) => {
    const gpio = new FakeGpioPort();
    const relay = new RelayOutput({ name: 'display', line: 'GPIO17', activeLow, ratedW: 180 }, gpio);
    expect(relay.state).toBe('unknown');
    await relay.set(true);
    expect(relay.state).toBe('on');
    await relay.set(false);
    expect(relay.state).toBe('off');
    expect(gpio.writes('GPIO17')).toEqual(levels);
  });

  test('a line that cannot be opened is a PowerError that says what to check', async () => {
    const gpio = new FakeGpioPort();
    gpio.failing.add('GPIO22');
    const relay = new RelayOutput({ name: 'amp', line: 'GPIO22', activeLow: true, ratedW: 60 }, gpio);
    const err = await relay.set(true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PowerError);
    expect(err).toMatchObject({ code: 'gpio', message: expect.stringMatching(/GPIO22.*EACCES.*gpio group/) });
    expect(relay.state).toBe('unknown');
  });

  test('closing keeps the relay where it is', async () => {
    const gpio = new FakeGpioPort();
    const relay = new RelayOutput({ name: 'display', line: 'GPIO17', activeLow: true, ratedW: 180 }, gpio);
    await relay.set(true);
    await relay.close();
    expect(gpio.writes('GPIO17')).toEqual([0]);
  });
});

describe('codec standby output', () => {
  test('off is standby, on is wake', async () => {
    const calls: boolean[] = [];
    const codec = new CodecStandbyOutput('codec', 45, { standby: async (on) => void calls.push(on) });
    await codec.set(false);
    expect(codec.state).toBe('off');
    await codec.set(true);
    expect(codec.state).toBe('on');
    expect(calls).toEqual([true, false]);
  });

  test('a codec that does not answer is a PowerError naming what failed', async () => {
    const codec = new CodecStandbyOutput('codec', 45, {
      standby: async () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:443')),
    });
    await expect(codec.set(false)).rejects.toMatchObject({
      code: 'codec',
      message: expect.stringMatching(/standby failed \(connect ECONNREFUSED/),
    });
    expect(codec.state).toBe('unknown');
  });
});
