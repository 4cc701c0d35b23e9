import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { timesyncdSynced } from '../../agent/power/clock-synced.js';
import { commandArgv, runCommand } from '../../agent/power/shutdown-command.js';
import { SimHardware } from '../../agent/sim/sim-hardware.js';
import { spawnRunner } from '../../shared/probes/process-runner.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
afterAll(() => dir.remove());

describe('the shutdown command', () => {
  test('is split into a program and its arguments, never given to a shell', () => {
    expect(commandArgv('  sudo  /usr/bin/systemctl poweroff ')).toEqual([
      'sudo',
      '/usr/bin/systemctl',
      'poweroff',
    ]);
    expect(commandArgv('')).toEqual([]);
  });

  test('runs through the process runner, and a failure is a result', async () => {
    expect(await runCommand(spawnRunner, ['true'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await runCommand(spawnRunner, ['sh', '-c', 'echo no permission >&2; exit 3'])).toEqual({
      code: 3,
      stdout: '',
      stderr: 'no permission\n',
    });
    const missing = await runCommand(spawnRunner, ['/nonexistent/poweroff']);
    expect(missing.code).toBeNull();
    expect(missing.error).toMatch(/not found/);
    const empty = await runCommand(spawnRunner, []);
    expect(empty).toMatchObject({ code: null, error: 'empty command' });
  });
});

describe('clock synchronisation', () => {
  test('is the flag systemd-timesyncd leaves after its first sync', () => {
    const synced = timesyncdSynced(dir.path);
    expect(synced()).toBe(false);
    mkdirSync(path.join(dir.path, 'systemd', 'timesync'), { recursive: true });
    writeFileSync(path.join(dir.path, 'systemd', 'timesync', 'synchronized'), '');
    expect(synced()).toBe(true);
  });
});

describe('simulated room power', () => {
  test('reports the power state, and a room switched off has no codec answering and is in no call', async () => {
    let state: 'on' | 'off' = 'on';
    const sim = new SimHardware(7, { powerState: () => state });
    sim.inject({ inCall: true });
    expect((await sim.read()).codec.inCall).toBe(true);
    state = 'off';
    const r = await sim.read();
    expect(r.power.state).toBe('off');
    expect(r.codec).toEqual({ state: 'unreachable', inCall: false, detail: 'switched off' });
  });

  test('the codec answers only once it has booted after power-on', async () => {
    let state: 'on' | 'off' = 'off';
    const clock = new FakeClock('2026-12-01T00:00:00Z');
    const sim = new SimHardware(7, { powerState: () => state, now: clock.now, codecBootSec: 45 });
    await sim.read();
    state = 'on';
    expect((await sim.read()).codec).toMatchObject({ state: 'unreachable', detail: 'booting' });
    clock.advance(44_000);
    expect((await sim.read()).codec.state).toBe('unreachable');
    clock.advance(1000);
    expect((await sim.read()).codec.state).toBe('up');
  });

  test('the simulated UPS drains its runtime on battery and raises its own low-battery flag near the end', async () => {
    const sim = new SimHardware(7);
    sim.inject({ mains: false, upsRuntime: 2400 });
    expect((await sim.read()).power).toMatchObject({
      mains: false,
      upsRuntimeSec: 2400,
      upsChargePct: 100,
      upsLowBattery: false,
    });
    sim.advance(2280);
    expect((await sim.read()).power).toMatchObject({
      upsRuntimeSec: 120,
      upsChargePct: 5,
      upsLowBattery: true,
    });
  });
});
