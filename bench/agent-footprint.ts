/**
 * The agent's footprint on a controller: resident memory, CPU and start time of `hnth-agent` as a Pi
 * runs it, from the agent-only artefact (`npm run build:agent`, this machine's architecture,
 * unpacked as install-agent.sh does), with every sensor adapter on fixtures (IIO climate on a fake sysfs
 * tree, NUT against a fixture upsd, the host sensor on this machine), connected to a broker,
 * beside a bare `node` process idling in the same run. Sampled at 1 Hz for 60 s
 * (HNTH_BENCH_FOOTPRINT_SEC to change). Targets: RSS ≤ 1.5× the bare process (the floor with MQTT.js loaded is about 1.45×), CPU ≤ 1 % of
 * a core. Start time: from spawn to the first telemetry at the broker.
 * Reads /proc, so it runs on Linux only.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectAsync } from 'mqtt';
import { startEmbeddedBroker } from '../hub/broker/embedded-broker.js';
import { identityOf } from '../hub/security/mqtt-policy.js';
import { agentNodeFlags, buildAgent } from '../scripts/build-agent.js';
import { builtInFleet } from '../shared/fleet.js';
import { createLogger } from '../shared/logger.js';
import { decodeMessage, MAX_PAYLOAD_BYTES, type TelemetryMessage } from '../shared/schemas.js';
import { roomTopic } from '../shared/topics.js';
import type { BenchRow } from './stats.js';

const root = path.resolve(import.meta.dirname, '..');

/** A upsd that answers the agent's one request, `LIST VAR <ups>`, from a fixed UPS on line. */
function fixtureUpsd(): Promise<{ port: number; server: Server }> {
  const vars = {
    'ups.status': 'OL',
    'battery.charge': '100',
    'battery.runtime': '1800',
    'input.voltage': '230',
  };
  const server = createServer((socket) => {
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const [verb, kind, ups] = buffer.slice(0, i).trim().split(' ');
        buffer = buffer.slice(i + 1);
        if (verb === 'LIST' && kind === 'VAR') {
          const rows = Object.entries(vars).map(([k, v]) => `VAR ${ups} ${k} "${v}"\n`);
          socket.write(`BEGIN LIST VAR ${ups}\n${rows.join('')}END LIST VAR ${ups}\n`);
        } else socket.write(verb === 'LOGOUT' ? 'OK Goodbye\n' : 'ERR UNKNOWN-COMMAND\n');
      }
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ port: (server.address() as { port: number }).port, server }),
    ),
  );
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** User plus system CPU time of a process, in clock ticks (fields 14 and 15 of /proc/pid/stat). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return exited;
}

export async function benchAgentFootprint(
  seconds = Number(process.env.HNTH_BENCH_FOOTPRINT_SEC ?? 60),
): Promise<BenchRow[]> {
  const name = `agent footprint, agent-only artefact (${seconds} s at 1 Hz, adapters on fixtures)`;
  if (!existsSync('/proc/self/status')) {
    return [{ benchmark: name, measure: 'skipped', value: 'needs /proc (Linux)', target: '—', met: true }];
  }
  process.stderr.write('building the agent artefact (npm run build:agent)...\n');
  const dir = mkdtempSync(path.join(tmpdir(), 'hnth-footprint-'));
  const [artefact] = await buildAgent([process.arch === 'arm64' ? 'arm64' : 'x64'], dir);
  execFileSync('tar', ['-xzf', artefact!, '-C', dir]);
  const cli = path.join(dir, 'hnth-agent/cli.js');
  // A private broker on loopback: each agent logs in as its room, the watcher as the hub. The broker
  // wants a password from everyone; this one takes any, it is the bench's own.
  const broker = await startEmbeddedBroker(
    { port: 0, host: '127.0.0.1', fallback: false, tls: null, allowPlain: false },
    {
      authenticate: async (username) =>
        (username ? identityOf(username, builtInFleet) : null) ?? { kind: 'hub' },
      policy: { simInject: false },
      maxPayloadBytes: MAX_PAYLOAD_BYTES,
      flood: { perSec: 100, burst: 200 },
    },
    createLogger('bench', 'silent'),
  );
  const upsd = await fixtureUpsd();
  const mqttUrl = `mqtt://127.0.0.1:${broker.port}`;
  const configFile = path.join(dir, 'agent.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      roomId: 'ubnd-na-hang',
      dataDir: path.join(dir, 'data'),
      mqtt: { url: mqttUrl, username: 'ubnd-na-hang', password: 'bench' },
      sensors: {
        sysfsRoot: path.join(root, 'test/fixtures/sysfs/climate/iio-dht22-good/sys'),
        climate: { source: 'iio', device: 'dht11' },
        ups: { source: 'nut', nut: { port: upsd.port, ups: 'room' } },
      },
      host: { enabled: true },
    }),
  );
  const watcher = await connectAsync(mqttUrl, {
    reconnectPeriod: 0,
    username: 'hnth-hub',
    password: 'bench',
  });
  const first = new Promise<TelemetryMessage>((resolve) =>
    watcher.on('message', (_t, payload) => {
      const d = decodeMessage('telemetry', payload);
      if (d.ok) resolve(d.message);
    }),
  );
  await watcher.subscribeAsync(roomTopic('ubnd-na-hang', 'telemetry'));
  const env = { ...process.env, HNTH_LOG_LEVEL: 'error', NODE_OPTIONS: '' };
  const spawnedAt = performance.now();
  // As its `#!` line starts it on a controller.
  const agent = spawn(process.execPath, [...agentNodeFlags, cli, '--config', configFile], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { env, stdio: 'ignore' });
  // The same program with simulated hardware: what the adapters add is the difference.
  const simulated = spawn(
    process.execPath,
    [...agentNodeFlags, cli, '--simulate', '--room', 'ubnd-lam-binh'],
    {
      env: {
        ...env,
        HNTH_MQTT_URL: mqttUrl,
        HNTH_MQTT_USERNAME: 'ubnd-lam-binh',
        HNTH_MQTT_PASSWORD: 'bench',
        HNTH_DATA_DIR: path.join(dir, 'sim-data'),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  let startMs = Number.NaN;
  try {
    const t = await Promise.race([
      first.then((m) => {
        startMs = performance.now() - spawnedAt;
        return m;
      }),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('the agent sent no telemetry in 20 s')), 20_000),
      ),
    ]);
    if (t.climate.tempC !== 23.4 || t.power.mains !== true || !t.host) {
      throw new Error(`the agent is not reading its fixtures: ${JSON.stringify(t)}`);
    }
    const pids = { agent: agent.pid!, bare: bare.pid!, simulated: simulated.pid! };
    const rss = { agent: [] as number[], bare: [] as number[], simulated: [] as number[] };
    const startTicks = {
      agent: cpuTicks(pids.agent),
      bare: cpuTicks(pids.bare),
      simulated: cpuTicks(pids.simulated),
    };
    const startAt = performance.now();
    for (let i = 0; i < seconds; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      rss.agent.push(rssMb(pids.agent));
      rss.bare.push(rssMb(pids.bare));
      rss.simulated.push(rssMb(pids.simulated));
      if ((i + 1) % 15 === 0) process.stderr.write(`  agent footprint: ${i + 1}/${seconds} s\n`);
    }
    const elapsedSec = (performance.now() - startAt) / 1000;
    const ticksPerSec = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    const cpuPct = (who: keyof typeof pids) =>
      ((cpuTicks(pids[who]) - startTicks[who]) / ticksPerSec / elapsedSec) * 100;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const agentRss = mean(rss.agent);
    const bareRss = mean(rss.bare);
    const ratio = agentRss / bareRss;
    const agentCpu = cpuPct('agent');
    return [
      {
        benchmark: name,
        measure: 'RSS, bare node (mean)',
        value: `${bareRss.toFixed(1)} MB`,
        target: '—',
        met: true,
      },
      {
        benchmark: name,
        measure: 'RSS, agent (mean; max)',
        value: `${agentRss.toFixed(1)} MB; ${Math.max(...rss.agent).toFixed(1)} MB (${ratio.toFixed(2)}× bare)`,
        target: '≤ 1.5× bare',
        met: ratio <= 1.5,
      },
      {
        benchmark: name,
        measure: 'start: spawn → first telemetry at the broker',
        value: `${startMs.toFixed(0)} ms`,
        target: '—',
        met: true,
      },
      {
        benchmark: name,
        measure: 'RSS, simulated agent (no adapters; for reference)',
        value: `${mean(rss.simulated).toFixed(1)} MB (${(mean(rss.simulated) / bareRss).toFixed(2)}× bare)`,
        target: '—',
        met: true,
      },
      {
        benchmark: name,
        measure: 'CPU, bare node',
        value: `${cpuPct('bare').toFixed(2)} % of a core`,
        target: '—',
        met: true,
      },
      {
        benchmark: name,
        measure: 'CPU, agent',
        value: `${agentCpu.toFixed(2)} % of a core`,
        target: '≤ 1 % of a core',
        met: agentCpu <= 1,
      },
    ];
  } finally {
    await Promise.all([stop(agent), stop(bare), stop(simulated)]);
    await watcher.endAsync();
    await broker.close();
    await new Promise((resolve) => upsd.server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}
