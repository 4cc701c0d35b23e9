/**
 * The systemd units of deploy/systemd: `systemd-analyze verify` accepts them without a warning in a
 * root the test builds (the host's unit library, the units, stand-in executables), and they keep
 * what the issue asks: restart on failure, a watchdog the programs feed, hardening, a dedicated
 * user with the gpio group for the agent only, and the data folder as the one writable path.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { tempDir } from '../helpers/temp-dir.js';

const units = ['hnth-agent.service', 'hnth-hub.service'];
let root: ReturnType<typeof tempDir>;

/** `Key=value` lines of one unit file, by key (a repeated key keeps its last value). */
function keysOf(text: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) keys.set(m[1]!, m[2]!);
  }
  return keys;
}

function verify(unitText: Record<string, string> = {}) {
  for (const unit of units) {
    const text = unitText[unit] ?? readFileSync(`deploy/systemd/${unit}`, 'utf8');
    writeFileSync(path.join(root.path, 'etc/systemd/system', unit), text);
  }
  return spawnSync('systemd-analyze', [`--root=${root.path}`, 'verify', ...units], { encoding: 'utf8' });
}

beforeAll(() => {
  root = tempDir('hnth-units-');
  mkdirSync(path.join(root.path, 'etc/systemd/system'), { recursive: true });
  mkdirSync(path.join(root.path, 'usr/local/bin'), { recursive: true });
  // verify resolves dependencies (sysinit.target, ...) and checks ExecStart exists in the root.
  cpSync('/usr/lib/systemd/system', path.join(root.path, 'usr/lib/systemd/system'), { recursive: true });
  for (const bin of ['hnth-agent', 'hnth-hub']) {
    const file = path.join(root.path, 'usr/local/bin', bin);
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o755);
  }
});
afterAll(() => root.remove());

describe('systemd-analyze verify', () => {
  test('accepts both units without a single warning', () => {
    const result = verify();
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });

  test('would catch a mistyped key (the check is not vacuous)', () => {
    const broken = readFileSync('deploy/systemd/hnth-hub.service', 'utf8').replace(
      'WatchdogSec=',
      'WatchdogSecs=',
    );
    expect(verify({ 'hnth-hub.service': broken }).stderr).toMatch(/Unknown key 'WatchdogSecs'/);
  });
});

describe.each(units)('%s', (unit) => {
  const keys = keysOf(readFileSync(`deploy/systemd/${unit}`, 'utf8'));
  const name = unit.replace('.service', '');

  test('restarts on failure and is watched by a watchdog the program feeds (Type=notify)', () => {
    expect(keys.get('Restart')).toBe('on-failure');
    expect(keys.get('Type')).toBe('notify');
    expect(keys.get('NotifyAccess')).toBe('main');
    expect(Number(keys.get('WatchdogSec'))).toBeGreaterThan(0);
  });

  test('runs as its own user, hardened, with its data folder the first writable path', () => {
    expect(keys.get('User')).toBe(name);
    expect(keys.get('NoNewPrivileges')).toBe('yes');
    expect(keys.get('ProtectSystem')).toBe('strict');
    expect(keys.get('ReadWritePaths')?.split(' ')[0]).toBe(`/var/lib/${name}`);
    expect(keys.get('CapabilityBoundingSet')).toBe('');
    expect(keys.get('StandardOutput')).toBe('journal');
  });
});

test('the hub may also write its audit folder and the Mosquitto account files, and nothing else', () => {
  const hub = keysOf(readFileSync('deploy/systemd/hnth-hub.service', 'utf8'));
  const agent = keysOf(readFileSync('deploy/systemd/hnth-agent.service', 'utf8'));
  expect(hub.get('ReadWritePaths')).toBe('/var/lib/hnth-hub -/etc/hnth/hub-audit -/etc/mosquitto/hnth');
  expect(agent.get('ReadWritePaths')?.split(' ')).toHaveLength(1);
});

test('only the agent gets a supplementary group, and only gpio', () => {
  const agent = keysOf(readFileSync('deploy/systemd/hnth-agent.service', 'utf8'));
  const hub = keysOf(readFileSync('deploy/systemd/hnth-hub.service', 'utf8'));
  expect(agent.get('SupplementaryGroups')).toBe('gpio');
  expect(hub.has('SupplementaryGroups')).toBe(false);
});

test('the agent unit writes where the example configuration keeps its data', () => {
  const example = JSON.parse(readFileSync('deploy/agent.example.json', 'utf8'));
  const agent = keysOf(readFileSync('deploy/systemd/hnth-agent.service', 'utf8'));
  expect(agent.get('ReadWritePaths')).toBe(example.dataDir);
});
