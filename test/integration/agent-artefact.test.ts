/**
 * The agent alone on a Raspberry Pi, tested the way it will run: each Pi artefact
 * (`npm run build:agent`, arm64 and armhf) installed by deploy/install-agent.sh into a Debian 13 root
 * of its architecture with `nodejs` from Debian's archive, its programs run under qemu-user-static.
 * No registry and no compiler are used by the install; no hub module is in it. The agent passes
 * `doctor --simulate`, the install's last step (the doctor as the agent's user) passes against the
 * broker over TLS with the department's CA, and the agent publishes to the broker on the host.
 *
 * arm64 meets both brokers (the hub's embedded one and Mosquitto); armhf, whose difference is the
 * architecture and not the broker, meets Mosquitto only, to keep the run short (each broker costs
 * about 20 s under emulation).
 *
 * The roots are made once by test/helpers/debian-root.sh and cached in /var/cache/hnth-test (about
 * half a minute each the first time, from this machine's Debian mirror); this test fails, naming
 * why, when one cannot be made.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type AgentArch, agentNodeFlags, buildAgent } from '../../scripts/build-agent.js';
import { decodeMessage } from '../../shared/schemas.js';
import { roomTopic } from '../../shared/topics.js';
import {
  type BrokerKind,
  type DepartmentBroker,
  departmentBrokers,
  startDepartmentBroker,
} from '../helpers/department-brokers.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

interface PiTarget {
  arch: Exclude<AgentArch, 'x64'>;
  /** qemu-user's program for the architecture, copied into the root by debian-root.sh. */
  qemu: string;
  /** What a native module built for it says it is: its ELF e_machine, and e_flags bits it must carry. */
  elf: { machine: number; flags?: number };
  brokers: BrokerKind[];
}

const targets: PiTarget[] = [
  {
    arch: 'arm64',
    qemu: '/usr/bin/qemu-aarch64-static',
    elf: { machine: 0xb7 }, // EM_AARCH64
    brokers: departmentBrokers,
  },
  {
    arch: 'armhf',
    qemu: '/usr/bin/qemu-arm-static',
    // EM_ARM, and EF_ARM_ABI_FLOAT_HARD: armhf's hard-float ABI, not armel's soft float.
    elf: { machine: 0x28, flags: 0x400 },
    brokers: ['mosquitto'],
  },
];

const ROOM = 'tinh-uy';
/** The hub's own dependencies (ws is not among them: MQTT.js carries it for mqtt over WebSocket). */
const HUB_MODULES = ['fastify', 'aedes', 'pg', 'nodemailer', 'better-sqlite3', 'prom-client'];

let work: ReturnType<typeof tempDir>;
let artefacts: Map<AgentArch, string>;

beforeAll(async () => {
  work = tempDir('hnth-pi-');
  // One bundle, its natives compiled for each architecture.
  const built = await buildAgent(
    targets.map((t) => t.arch),
    work.path,
  );
  artefacts = new Map(targets.map((t, i) => [t.arch, built[i]!]));
}, 300_000);
afterAll(() => work?.remove());

describe.each(targets)('the $arch artefact in a Debian 13 $arch root (under qemu-user-static)', (target) => {
  const CACHE = `/var/cache/hnth-test/debian-trixie-${target.arch}`;
  const QEMU = target.qemu;
  let root: string;
  let artefact: string;

  beforeAll(() => {
    const made = spawnSync('bash', ['test/helpers/debian-root.sh', target.arch, 'trixie', CACHE], {
      encoding: 'utf8',
    });
    if (made.status !== 0) {
      throw new Error(
        `cannot make the Debian 13 ${target.arch} root in ${CACHE} (exit ${made.status}): ${made.stderr.trim().split('\n').slice(-5).join(' / ')}`,
      );
    }
    artefact = artefacts.get(target.arch)!;
    // A copy per run: the cached root stays as debootstrap left it.
    root = path.join(work.path, `root-${target.arch}`);
    execFileSync('cp', ['-a', '--reflink=auto', CACHE, root]);
  }, 300_000);

  /**
   * Runs the install script into the root, as a technician would (exit status and output). Not
   * spawnSync: the embedded broker answers from this test's own event loop.
   */
  function install(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(
        'bash',
        ['deploy/install-agent.sh', '--root', root, '--no-systemctl', '--emulator', QEMU, ...args],
        { env: { ...process.env, PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  }

  /** node inside the root, under qemu, as root. */
  function nodeInRoot(args: string[], env: Record<string, string> = {}) {
    return spawnSync('/usr/sbin/chroot', [root, QEMU, '/usr/bin/node', ...args], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', ...env },
    });
  }

  const at = (p: string) => path.join(root, p);

  test('installs without the registry or a compiler; nothing of the hub comes along', async () => {
    expect(existsSync(at('usr/bin/npm'))).toBe(false);
    expect(existsSync(at('usr/bin/gcc'))).toBe(false);
    const first = await install(
      '--artefact',
      artefact,
      '--room',
      ROOM,
      '--hub-url',
      'mqtts://127.0.0.1:8883',
    );
    expect(first.stdout).toContain('installing hnth-agent-');
    // No password yet: the doctor says so, as on a real first run.
    expect(first.status).toBe(3);

    const lib = at('usr/local/lib/hnth-agent');
    // The V8 settings of a small daemon travel in the program's own #! line.
    expect(readFileSync(path.join(lib, 'cli.js'), 'utf8').split('\n')[0]).toBe(
      `#!/usr/bin/env -S node ${agentNodeFlags.join(' ')}`,
    );
    const shipped = readdirSync(path.join(lib, 'node_modules'));
    for (const hubModule of HUB_MODULES) expect(shipped).not.toContain(hubModule);
    const code = [
      path.join(lib, 'cli.js'),
      ...readdirSync(path.join(lib, 'chunks')).map((f) => path.join(lib, 'chunks', f)),
    ]
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const hubModule of HUB_MODULES) expect(code).not.toMatch(new RegExp(`node_modules/${hubModule}/`));
    expect(code).not.toMatch(/hub\/(broker|api|store)\//);
    // The natives are built for this architecture (its ELF machine and ABI) and load here.
    const natives = execFileSync('find', [lib, '-name', '*.node'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .sort();
    expect(natives.map((f) => path.basename(f))).toEqual(['epoll.node', 'unix_dgram.node']);
    for (const f of natives) {
      const elf = readFileSync(f);
      expect({ file: path.basename(f), machine: elf.readUInt16LE(18) }).toEqual({
        file: path.basename(f),
        machine: target.elf.machine,
      });
      // e_flags: at 36 in a 32-bit ELF, 48 in a 64-bit one (byte 4 says which).
      const flags = elf.readUInt32LE(elf[4] === 1 ? 36 : 48);
      const wanted = target.elf.flags ?? 0;
      expect(flags & wanted).toBe(wanted);
    }
    const loaded = nodeInRoot([
      '--input-type=commonjs',
      '-e',
      "const m = (n) => require('/usr/local/lib/hnth-agent/node_modules/' + n); console.log(typeof m('epoll').Epoll, typeof m('unix-dgram').createSocket)",
    ]);
    expect(loaded.stdout.trim()).toBe('function function');
  }, 120_000);

  test('passes doctor --simulate', () => {
    // (Debian's node warns on stderr that this minimal root has no ca-certificates bundle.)
    const run = nodeInRoot(
      [
        ...agentNodeFlags,
        '/usr/local/lib/hnth-agent/cli.js',
        'doctor',
        '--simulate',
        '--room',
        ROOM,
        '--json',
      ],
      {
        HNTH_MQTT_URL: 'mqtt://127.0.0.1:9',
        HNTH_DATA_DIR: '/var/lib/hnth-agent',
      },
    );
    const { checks } = JSON.parse(run.stdout) as { checks: { name: string; ok: boolean }[] };
    // Nothing listens on port 9: every check but the broker's passes.
    expect(checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['broker']);
  }, 120_000);

  describe.each(target.brokers)('against the %s broker over TLS with the department’s CA', (kind) => {
    let broker: DepartmentBroker;
    let agent: ChildProcess | undefined;
    beforeAll(async () => {
      broker = await startDepartmentBroker(kind, ROOM);
    });
    afterAll(async () => {
      agent?.kill('SIGKILL');
      await broker?.stop();
    });

    test('the install script’s last step (doctor as the agent’s user) passes', async () => {
      // What the technician does: the operator's password in the secrets file, the hub's address
      // and CA given to the script (the configuration, once written, is the room's own: edited here).
      writeFileSync(at('etc/hnth/agent.env'), `HNTH_MQTT_PASSWORD=${broker.password}\n`);
      const config = JSON.parse(readFileSync(at('etc/hnth/agent.json'), 'utf8'));
      config.mqtt.url = broker.url;
      config.mqtt.caFile = '/etc/hnth/hub-ca.pem';
      // A controller on the bench: no UPS, sensors or NTP in this root, so simulated hardware.
      config.simulate = true;
      writeFileSync(at('etc/hnth/agent.json'), JSON.stringify(config));
      const run = await install('--artefact', artefact, '--ca', broker.caFile);
      expect(run.stdout).toMatch(new RegExp(`✓ broker +${broker.url} accepted the connection as ${ROOM}`));
      expect(run.stdout).toContain('all 7 checks passed');
      expect(run.status).toBe(0);
    }, 120_000);

    test('the agent starts and publishes its telemetry to the broker on the host', async () => {
      const hub = await broker.hubClient();
      const telemetry: unknown[] = [];
      hub.on('message', (_topic, payload) => {
        const decoded = decodeMessage('telemetry', payload);
        if (decoded.ok) telemetry.push(decoded.message);
      });
      await hub.subscribeAsync(roomTopic(ROOM, 'telemetry'));
      agent = spawn(
        '/usr/sbin/chroot',
        [
          root,
          QEMU,
          '/usr/bin/node',
          // As its #! line starts it on a controller.
          ...agentNodeFlags,
          '/usr/local/lib/hnth-agent/cli.js',
          '--simulate',
          '--config',
          '/etc/hnth/agent.json',
        ],
        {
          env: { PATH: '/usr/bin:/bin', HNTH_MQTT_PASSWORD: broker.password, HNTH_LOG_LEVEL: 'warn' },
          stdio: 'ignore',
        },
      );
      try {
        await waitFor(`telemetry from the ${target.arch} agent`, () => telemetry.length > 0, 60_000);
      } finally {
        await hub.endAsync();
      }
      agent.kill('SIGTERM');
    }, 90_000);
  });
});
