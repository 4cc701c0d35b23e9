/**
 * deploy/install-agent.sh: clean under shellcheck, and run for real (as root) into a temporary root
 * twice: the first run creates the user (gpio only), folders, configuration from the template, the
 * unit (enabled) and runs doctor; the second changes nothing and keeps the room's own edits. Bad
 * arguments are refused naming what is wrong.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { tempDir } from '../helpers/temp-dir.js';

const script = 'deploy/install-agent.sh';
let root: ReturnType<typeof tempDir>;
let stub: ReturnType<typeof tempDir>;
let agentBin: string;

/** A root with only `root` in its account files, as useradd --prefix needs them. */
function seedRoot(dir: string) {
  const files: [string, string, number][] = [
    ['passwd', 'root:x:0:0:root:/root:/bin/bash\n', 0o644],
    ['group', 'root:x:0:\n', 0o644],
    ['shadow', 'root:*:19000:0:99999:7:::\n', 0o600],
    ['gshadow', 'root:*::\n', 0o600],
    [
      'os-release',
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n',
      0o644,
    ],
  ];
  spawnSync('mkdir', ['-p', path.join(dir, 'etc')]);
  for (const [name, text, mode] of files) {
    writeFileSync(path.join(dir, 'etc', name), text);
    chmodSync(path.join(dir, 'etc', name), mode);
  }
}

const at = (p: string) => path.join(root.path, p);
const read = (p: string) => readFileSync(at(p), 'utf8');
const install = (...args: string[]) =>
  spawnSync('bash', [script, '--root', root.path, '--no-systemctl', '--agent', agentBin, ...args], {
    encoding: 'utf8',
  });

beforeEach(() => {
  root = tempDir('hnth-root-');
  stub = tempDir('hnth-stub-');
  seedRoot(root.path);
  // Stands in for hnth-agent: records how doctor was called; DOCTOR_EXIT sets its verdict.
  agentBin = path.join(stub.path, 'hnth-agent');
  writeFileSync(agentBin, `#!/bin/sh\necho "$*" >> ${stub.path}/calls\nexit "\${DOCTOR_EXIT:-0}"\n`);
  chmodSync(agentBin, 0o755);
});
afterEach(() => {
  root.remove();
  stub.remove();
});

test('passes shellcheck', () => {
  const result = spawnSync('shellcheck', [script], { encoding: 'utf8' });
  expect({ status: result.status, out: result.stdout }).toEqual({ status: 0, out: '' });
});

describe('into a temporary root', () => {
  test('the first run installs everything and runs doctor', () => {
    const first = install('--room', 'tinh-uy', '--hub-url', 'mqtts://hub.test:8883');
    expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: '' });

    const user = read('etc/passwd')
      .split('\n')
      .find((l) => l.startsWith('hnth-agent:'))!
      .split(':');
    expect(user[5]).toBe('/var/lib/hnth-agent');
    expect(user[6]).toBe('/usr/sbin/nologin');
    const groupsWithAgent = read('etc/group')
      .split('\n')
      .filter((l) => l.split(':')[3]?.split(',').includes('hnth-agent'))
      .map((l) => l.split(':')[0]);
    expect(groupsWithAgent).toEqual(['gpio']);

    const data = statSync(at('var/lib/hnth-agent'));
    expect([data.uid, data.mode & 0o777]).toEqual([Number(user[2]), 0o750]);

    const config = JSON.parse(read('etc/hnth/agent.json'));
    const template = JSON.parse(readFileSync('deploy/agent.example.json', 'utf8'));
    expect(config).toEqual({
      ...template,
      roomId: 'tinh-uy',
      dataDir: '/var/lib/hnth-agent',
      mqtt: { ...template.mqtt, url: 'mqtts://hub.test:8883', username: 'tinh-uy', password: '' },
    });
    // The room's configuration and secrets are not for other users of the controller.
    expect(statSync(at('etc/hnth/agent.json')).mode & 0o777).toBe(0o640);
    expect(statSync(at('etc/hnth/agent.env')).mode & 0o777).toBe(0o640);
    expect(read('etc/hnth/agent.env')).toMatch(/^HNTH_MQTT_PASSWORD=$/m);

    expect(read('etc/systemd/system/hnth-agent.service')).toBe(
      readFileSync('deploy/systemd/hnth-agent.service', 'utf8'),
    );
    expect(readlinkSync(at('etc/systemd/system/multi-user.target.wants/hnth-agent.service'))).toBe(
      '/etc/systemd/system/hnth-agent.service',
    );
    expect(read('etc/polkit-1/rules.d/50-hnth-agent.rules')).toContain('org.freedesktop.login1.power-off');
    expect(readFileSync(path.join(stub.path, 'calls'), 'utf8')).toBe(
      `doctor --config ${at('etc/hnth/agent.json')}\n`,
    );
  });

  test('a second run changes nothing and keeps the room’s own edits', () => {
    expect(install('--room', 'tinh-uy').status).toBe(0);
    const edited = read('etc/hnth/agent.json').replace(
      '"telemetryIntervalSec": 5',
      '"telemetryIntervalSec": 10',
    );
    writeFileSync(at('etc/hnth/agent.json'), edited);
    writeFileSync(at('etc/hnth/agent.env'), 'HNTH_MQTT_PASSWORD=issued-secret\n');
    const before = ['etc/passwd', 'etc/group', 'etc/shadow', 'etc/gshadow'].map(read);

    const second = install();
    expect({ status: second.status, stderr: second.stderr }).toEqual({ status: 0, stderr: '' });
    expect(second.stdout).toContain('keeping /etc/hnth/agent.json');
    expect(['etc/passwd', 'etc/group', 'etc/shadow', 'etc/gshadow'].map(read)).toEqual(before);
    expect(read('etc/hnth/agent.json')).toBe(edited);
    expect(read('etc/hnth/agent.env')).toBe('HNTH_MQTT_PASSWORD=issued-secret\n');
    expect(readFileSync(path.join(stub.path, 'calls'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  test('an existing gpio group is used, not created again', () => {
    writeFileSync(at('etc/group'), 'root:x:0:\ngpio:x:997:\n');
    writeFileSync(at('etc/gshadow'), 'root:*::\ngpio:!::\n');
    const run = install('--room', 'tinh-uy');
    expect(run.status).toBe(0);
    expect(run.stdout).not.toContain('no gpio group');
    expect(read('etc/group')).toMatch(/^gpio:x:997:hnth-agent$/m);
  });

  test('says when doctor finds problems (exit 3), with everything installed', () => {
    const run = spawnSync(
      'bash',
      [script, '--root', root.path, '--no-systemctl', '--agent', agentBin, '--room', 'tinh-uy'],
      { encoding: 'utf8', env: { ...process.env, DOCTOR_EXIT: '1' } },
    );
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(
      /doctor found problems .* hnth-agent doctor --config \/etc\/hnth\/agent\.json/,
    );
    expect(existsSync(at('etc/systemd/system/hnth-agent.service'))).toBe(true);
  });

  test.each([
    [['--room', 'Bad Room!'], /--room "Bad Room!" is not a room id/],
    [
      ['--room', 'tinh-uy', '--hub-url', 'http://hub'],
      /--hub-url "http:\/\/hub" must be mqtts:\/\/host:port/,
    ],
    [[], /no \/etc\/hnth\/agent\.json yet: give --room ID/],
    [['--colour'], /unknown option "--colour"/],
  ])('refuses %j (exit 2) naming what is wrong, and installs nothing', (args, error) => {
    const run = install(...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(error);
    expect(existsSync(at('etc/hnth'))).toBe(false);
  });
});
