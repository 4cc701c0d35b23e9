import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { loadAgentConfig } from '../../agent/config.js';
import { type Check, runDoctor } from '../../agent/doctor.js';
import { sysfsAt } from '../../agent/sensors/sysfs.js';
import { fakeCommands, prints } from '../fakes/fake-commands.js';
import { FakeGpioPort } from '../fakes/fake-gpio.js';
import {
  type DepartmentBroker,
  departmentBrokers,
  startDepartmentBroker,
} from '../helpers/department-brokers.js';
import { freePort, type RunningMosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('hnth-doctor-');
let mosquitto: RunningMosquitto;

beforeAll(async () => {
  const passwords = path.join(dir.path, 'passwords');
  writeFileSync(passwords, '');
  execFileSync('mosquitto_passwd', ['-b', passwords, 'tinh-uy', 'right-secret']);
  // Mosquitto started as root reads its files as the `mosquitto` user.
  chmodSync(dir.path, 0o755);
  chmodSync(passwords, 0o644);
  // Anonymous stays allowed (the helper probes readiness without credentials); a client that
  // names a user must give its password.
  mosquitto = await startMosquitto(`password_file ${passwords}`);
});
afterAll(async () => {
  await mosquitto?.stop();
  dir.remove();
});

/** Runs `hnth-agent doctor` as a technician would, through tsx. */
function doctor(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'agent/cli.ts', 'doctor', ...args],
      { env: { ...process.env, NODE_OPTIONS: '', HNTH_LOG_LEVEL: 'silent', ...env } },
      (err, stdout) => resolve({ code: err ? Number(err.code) : 0, stdout }),
    );
  });
}

const roomEnv = () => ({
  HNTH_ROOM_ID: 'tinh-uy',
  HNTH_MQTT_URL: mosquitto.url,
  HNTH_MQTT_USERNAME: 'tinh-uy',
  HNTH_MQTT_PASSWORD: 'right-secret',
  HNTH_DATA_DIR: path.join(dir.path, 'data'),
});

describe('hnth-agent doctor (the command)', () => {
  test('a simulated room passes every check; --json prints {checks:[{name, ok, detail}]}', async () => {
    const { code, stdout } = await doctor(['--simulate', '--json'], roomEnv());
    const { checks } = JSON.parse(stdout) as { checks: Check[] };
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['config', true],
      ['ups', true],
      ['ups protection', true],
      ['climate', true],
      ['data folder', true],
      ['clock', true],
      ['broker', true],
    ]);
    expect(checks.find((c) => c.name === 'broker')?.detail).toBe(
      `${mosquitto.url} accepted the connection as tinh-uy`,
    );
    expect(code).toBe(0);
  });

  test('a deliberately broken config: ✗ config naming the key, exit status 2', async () => {
    const bad = path.join(dir.path, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        roomId: 'tinh-uy',
        sensors: { ups: { source: 'gpio', gpio: { mainsLine: 'GPIO40' } } },
      }),
    );
    const { code, stdout } = await doctor(['--config', bad], {});
    expect(code).toBe(2);
    expect(stdout).toMatch(/^✗ config {2}invalid configuration \(.*bad\.json\):/);
    expect(stdout).toContain('sensors.ups.gpio.mainsLine: must be a header line GPIO0 to GPIO27');
    expect(stdout).toContain('1 of 1 checks failed');
  });

  test('wrong broker credentials: ✗ broker with what to do, exit status 1', async () => {
    const { code, stdout } = await doctor(['--simulate'], { ...roomEnv(), HNTH_MQTT_PASSWORD: 'wrong' });
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /✗ broker +mqtt:\/\/127\.0\.0\.1:\d+ refused the credentials .*check mqtt\.username and mqtt\.password/,
    );
    expect(stdout).toMatch(/✓ ups +simulated: mains present/);
    expect(stdout).toContain('1 of 7 checks failed');
  });
});

describe('doctor on real adapters (fixtures and fakes at the kernel boundary)', () => {
  const climateRoot = path.join(import.meta.dirname, '../fixtures/sysfs/climate/iio-dht22-good/sys');

  test('each configured adapter read once; failures say what to do', async () => {
    const closedPort = await freePort();
    const notADir = path.join(dir.path, 'a-file');
    writeFileSync(notADir, '');
    const config = loadAgentConfig({
      env: {
        HNTH_ROOM_ID: 'tinh-uy',
        HNTH_MQTT_URL: `mqtt://127.0.0.1:${closedPort}`,
        HNTH_DATA_DIR: notADir,
        HNTH_SYSFS_ROOT: climateRoot,
        HNTH_CLIMATE_SOURCE: 'iio',
        HNTH_CLIMATE_DEVICE: 'dht11',
        HNTH_UPS_SOURCE: 'nut',
        HNTH_NUT_PORT: String(closedPort),
      },
    });
    const checks = await runDoctor(config, {
      ports: {
        sysfs: sysfsAt(climateRoot),
        runner: fakeCommands({ timedatectl: prints('no\n'), vcgencmd: prints('throttled=0x50005\n') }),
        gpio: new FakeGpioPort(),
        system: {
          cpuTempC: async () => 61,
          memUsedPct: async () => 20,
          load1: () => 0.1,
          uptimeSec: () => 100,
          diskFreeMb: async () => 5000,
        },
      },
    });
    const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
    expect(byName.ups).toEqual({
      name: 'ups',
      ok: false,
      detail: `upsd at 127.0.0.1:${closedPort} refused the connection: is nut-server running?`,
    });
    expect(byName.climate).toEqual({
      name: 'climate',
      ok: true,
      detail: '23.4 °C, 56.1 % RH from iio:device0 (dht11)',
    });
    expect(byName.host?.ok).toBe(false);
    expect(byName.host?.detail).toContain('under-voltage now');
    expect(byName.clock).toMatchObject({ ok: false, detail: expect.stringContaining('not synchronised') });
    expect(byName['data folder']).toMatchObject({
      ok: false,
      detail: expect.stringContaining('cannot write'),
    });
    expect(byName.broker).toMatchObject({ ok: false, detail: expect.stringContaining('nothing listens at') });
  });

  test('a GPIO UPS on a fake line reads mains present', async () => {
    const gpio = new FakeGpioPort();
    gpio.set('GPIO17', 0);
    const config = loadAgentConfig({
      file: (() => {
        const f = path.join(dir.path, 'gpio.json');
        writeFileSync(
          f,
          JSON.stringify({
            roomId: 'tinh-uy',
            dataDir: path.join(dir.path, 'data'),
            host: { enabled: false },
            sensors: {
              ups: { source: 'gpio', gpio: { mainsLine: 'GPIO17', mainsActiveLow: true, backend: 'gpiod' } },
            },
          }),
        );
        return f;
      })(),
      env: {},
    });
    const checks = await runDoctor(config, {
      ports: { sysfs: sysfsAt('/nonexistent'), runner: fakeCommands(), gpio, system: {} as never },
      tryBroker: async () => {},
    });
    expect(checks.find((c) => c.name === 'ups')).toEqual({ name: 'ups', ok: true, detail: 'mains present' });
    expect(checks.map((c) => c.name)).toEqual(['ups', 'ups protection', 'climate', 'data folder', 'broker']);
    // Mains over a contact, no low-battery line: only a time limit could shut the controller down.
    expect(checks.find((c) => c.name === 'ups protection')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/power.upsMaxOnBatterySec/),
    });
  });
});

describe.each(departmentBrokers)(
  'the broker check on the %s broker, over TLS with the department’s CA',
  (kind) => {
    let broker: DepartmentBroker;
    beforeAll(async () => {
      broker = await startDepartmentBroker(kind, 'tinh-uy');
    });
    afterAll(() => broker?.stop());

    const env = (extra: Record<string, string> = {}) => ({
      HNTH_ROOM_ID: 'tinh-uy',
      HNTH_MQTT_URL: broker.url,
      HNTH_MQTT_USERNAME: 'tinh-uy',
      HNTH_MQTT_PASSWORD: broker.password,
      HNTH_DATA_DIR: path.join(dir.path, 'data'),
      ...extra,
    });

    test('passes with the room’s own settings: its id, its account, the CA file', async () => {
      const { code, stdout } = await doctor(['--simulate'], env({ HNTH_MQTT_CA_FILE: broker.caFile }));
      expect(stdout).toMatch(
        new RegExp(`✓ broker +${broker.url} accepted the connection as tinh-uy, trusting ${broker.caFile}`),
      );
      expect(code).toBe(0);
    });

    test('without the CA file: ✗ saying which setting to give', async () => {
      const { code, stdout } = await doctor(['--simulate'], env());
      expect(stdout).toMatch(/✗ broker .*not signed by a CA this controller trusts.*set mqtt\.caFile/);
      expect(code).toBe(1);
    });
  },
);
