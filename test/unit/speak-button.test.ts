import { describe, expect, test } from '@jest/globals';
import { SpeakButton } from '../../agent/speak/speak-button.js';
import type { Timers } from '../../shared/clock.js';
import { createLogger } from '../../shared/logger.js';
import { FakeGpioPort } from '../fakes/fake-gpio.js';

/** Timers run by hand: `fire()` runs what is due, as time passing would. */
class ManualTimers implements Timers {
  private next = 1;
  readonly due = new Map<number, () => void>();
  setTimeout(fn: () => void): unknown {
    const id = this.next++;
    this.due.set(id, fn);
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.due.delete(handle as number);
  }
  async fire(): Promise<void> {
    const fns = [...this.due.values()];
    this.due.clear();
    for (const fn of fns) fn();
    await new Promise((r) => setImmediate(r));
  }
}

const log = createLogger('test', 'silent');

async function setup(activeLow = true) {
  const gpio = new FakeGpioPort();
  gpio.set('GPIO27', activeLow ? 1 : 0);
  const timers = new ManualTimers();
  const presses: number[] = [];
  const button = new SpeakButton(gpio, { line: 'GPIO27', activeLow, debounceMs: 50 }, log, timers);
  await button.start(() => presses.push(1));
  return { gpio, timers, presses, button };
}

describe('speak button', () => {
  test('a press through bouncing contacts counts once, after the line settles', async () => {
    const { gpio, timers, presses } = await setup();
    for (const v of [0, 1, 0, 1, 0] as const) gpio.set('GPIO27', v);
    expect(presses).toHaveLength(0);
    expect(timers.due.size).toBe(1);
    await timers.fire();
    expect(presses).toHaveLength(1);
    gpio.set('GPIO27', 1);
    await timers.fire();
    gpio.set('GPIO27', 0);
    await timers.fire();
    expect(presses).toHaveLength(2);
  });

  test('a glitch that is gone before the debounce ends is no press', async () => {
    const { gpio, timers, presses } = await setup();
    gpio.set('GPIO27', 0);
    gpio.set('GPIO27', 1);
    await timers.fire();
    expect(presses).toHaveLength(0);
  });

  test('holding the button is one press; release is none', async () => {
    const { gpio, timers, presses } = await setup();
    gpio.set('GPIO27', 0);
    await timers.fire();
    gpio.set('GPIO27', 1);
    await timers.fire();
    expect(presses).toHaveLength(1);
  });

  test('active-high wiring presses on a high level', async () => {
    const { gpio, timers, presses } = await setup(false);
    gpio.set('GPIO27', 1);
    await timers.fire();
    expect(presses).toHaveLength(1);
  });

  test('a line that cannot be opened leaves the agent running without a button', async () => {
    const gpio = new FakeGpioPort();
    gpio.failing.add('GPIO27');
    const button = new SpeakButton(
      gpio,
      { line: 'GPIO27', activeLow: true, debounceMs: 50 },
      log,
      new ManualTimers(),
    );
    await expect(button.start(() => {})).resolves.toBeUndefined();
    await button.stop();
  });
});
