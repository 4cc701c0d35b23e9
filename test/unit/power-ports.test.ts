import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { timesyncdSynced } from '../../agent/power/clock-synced.js';
import { commandArgv, execFileRunner } from '../../agent/power/shutdown-command.js';
import { SimHardware } from '../../agent/sim/sim-hardware.js';
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
    expect(await execFileRunner(['true'])).toEqual({ exitCode: 0, output: '' });
    expect(await execFileRunner(['sh', '-c', 'echo no permission >&2; exit 3'])).toEqual({
      exitCode: 3,
      output: 'no permission',
    });
    const missing = await execFileRunner(['/nonexistent/poweroff']);
    expect(missing.exitCode).toBeNull();
    expect(missing.output).toMatch(/ENOENT/);
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
  test('reports the power state, and a room switched off is in no call', async () => {
    let state: 'on' | 'off' = 'on';
    const sim = new SimHardware(7, () => state);
    sim.inject({ inCall: true });
    expect((await sim.read()).codec.inCall).toBe(true);
    state = 'off';
    const r = await sim.read();
    expect(r.power.state).toBe('off');
    expect(r.codec.inCall).toBe(false);
  });
});
