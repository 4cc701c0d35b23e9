/**
 * The processes of the scale benchmarks: a Mosquitto of their own on an ephemeral port (never the
 * machine's on 1883), hub instances and the load generator as child processes so each has its own
 * core time, and a raw `mosquitto_sub` as the yardstick. Every process is killed when done.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { connectAsync } from 'mqtt';
import type { InstanceReport } from './hub-instance.js';

const until = async (what: string, probe: () => boolean | Promise<boolean>, ms: number) => {
  const deadline = Date.now() + ms;
  while (
    !(await Promise.resolve()
      .then(probe)
      .catch(() => false))
  ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  return exited;
}

export interface BenchBroker {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startBenchMosquitto(): Promise<BenchBroker> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hnth-bench-mq-'));
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  // No queue limit: a slow subscriber is measured as slow, not as losing messages.
  writeFileSync(
    conf,
    `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\n`,
  );
  const child = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  const url = `mqtt://127.0.0.1:${port}`;
  await until(
    'mosquitto',
    async () => {
      const c = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 1000 });
      await c.endAsync();
      return true;
    },
    10_000,
  );
  return {
    url,
    port,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A script as a child whose stdout is JSON lines: through tsx, or with `compiled` its copy in dist/
 * (`npm run build`) with plain node.
 */
function jsonChild(script: string, args: string[], nodeFlags: string[] = [], compiled = false) {
  const run = compiled ? [path.join('dist', script.replace(/\.ts$/, '.js'))] : ['--import', 'tsx', script];
  const child = spawn(process.execPath, [...nodeFlags, ...run, ...args], {
    env: { ...process.env, NODE_OPTIONS: '', HNTH_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line);
    } catch {
      return; // Not ours (a library's stray print).
    }
    lines.push(parsed);
    // The child's own log (pino, on the same stdout): its errors belong in the benchmark's output.
    if (typeof parsed.level === 'number' && parsed.level >= 50)
      process.stderr.write(`  ${script}: ${line}\n`);
  });
  return { child, lines };
}

export interface HubProcess {
  /** Its HTTP API and `/ws`. */
  httpUrl: string;
  /** An operator's login (hubs of one group share users: the last hub started set the password). */
  operator: { username: string; password: string };
  /** Telemetry applied so far (updated four times a second). */
  telemetry(): number;
  /** Its memory as last reported (four times a second), in MB. */
  memory(): { rssMb: number; heapUsedMb: number; externalMb: number };
  /** Publish → applied lags since the last call (the first: since it started), count by millisecond. */
  lagWindow(): Promise<Map<number, number>>;
  /** SIGKILL: gone as a crashed hub is, with nothing reported. */
  kill(): Promise<void>;
  /** Events stored so far: the store answers after the commit, so these trail the telemetry. */
  events(): number;
  /** Stops the hub and returns what it measured. */
  finish(): Promise<InstanceReport>;
}

export async function startHubProcess(
  url: string,
  rooms: number,
  clientId: string,
  group = '',
  storeUrl = '',
  auditDir = '',
): Promise<HubProcess> {
  const { child, lines } = jsonChild(
    'bench/hub-instance.ts',
    [url, String(rooms), clientId, group, storeUrl, auditDir],
    // V8 settings to try on the hubs alone (`--optimize-for-size`, which NODE_OPTIONS refuses).
    (process.env.HNTH_BENCH_HUB_NODE_FLAGS ?? '').split(' ').filter(Boolean),
    process.env.HNTH_BENCH_COMPILED === '1',
  );
  await until(`hub ${clientId} ready`, () => lines.some((l) => l.ready === true), 60_000);
  const last = (key: string) => [...lines].reverse().find((l) => key in l);
  const ready = last('ready') as { httpUrl: string; operator: HubProcess['operator'] };
  return {
    httpUrl: ready.httpUrl,
    operator: ready.operator,
    telemetry: () => Number(last('telemetry')?.telemetry ?? 0),
    memory: () => {
      const m = last('rssMb') ?? {};
      return { rssMb: Number(m.rssMb), heapUsedMb: Number(m.heapUsedMb), externalMb: Number(m.externalMb) };
    },
    async lagWindow() {
      const seen = lines.filter((l) => 'lagWindow' in l).length;
      child.kill('SIGUSR2');
      await until(
        `hub ${clientId}'s lags`,
        () => lines.filter((l) => 'lagWindow' in l).length > seen,
        10_000,
      );
      const window = last('lagWindow')!;
      process.stderr.write(
        `  hub ${clientId}'s V8 spaces (MB committed): ${JSON.stringify(window.spaces)}\n`,
      );
      const counts = window.lagWindow as Record<string, number>;
      return new Map(Object.entries(counts).map(([ms, n]) => [Number(ms), n]));
    },
    kill: () => stopChild(child, 'SIGKILL'),
    events: () => Number(last('events')?.events ?? 0),
    async finish() {
      await stopChild(child);
      const report = last('clientId');
      if (!report) throw new Error(`hub ${clientId} reported nothing`);
      return report as unknown as InstanceReport;
    },
  };
}

export interface LoadSummary {
  telemetry: number;
  events: number;
  failed: number;
  rooms: number;
  seconds: number;
  telemetryPerSec: number;
}

/** Runs the load generator to its end (bounded by its --duration, killed 60 s past it). */
export async function runLoad(args: string[], durationSec: number): Promise<LoadSummary> {
  const { child, lines } = jsonChild('bench/loadgen.ts', args);
  const timer = setTimeout(() => child.kill('SIGKILL'), (durationSec + 60) * 1000);
  // `close`, not `exit`: its last line (the summary) may still be unread when it exits.
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  clearTimeout(timer);
  const summary = lines.find((l) => 'telemetryPerSec' in l);
  if (code !== 0 || !summary) throw new Error(`loadgen failed (exit ${code})`);
  return summary as unknown as LoadSummary;
}

/** `mosquitto_sub` on the rooms' telemetry: the broker's own client, the fastest consumer there is. */
export function startMosquittoSub(port: number) {
  const child = spawn(
    'mosquitto_sub',
    ['-h', '127.0.0.1', '-p', String(port), '-V', 'mqttv5', '-t', 'hnth/v1/rooms/+/telemetry'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let count = 0;
  let firstAt = 0;
  let lastAt = 0;
  createInterface({ input: child.stdout! }).on('line', () => {
    lastAt = Date.now();
    if (count++ === 0) firstAt = lastAt;
  });
  return {
    count: () => count,
    async finish() {
      await stopChild(child);
      return { count, firstAt, lastAt };
    },
  };
}

/**
 * Waits until a consumer has what was published, or stops growing for 3 s, or `maxMs` passes (a
 * consumer that cannot keep up is reported with what it got, not waited for without end).
 */
export async function drained(count: () => number, published: number, maxMs = 60_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let last = -1;
  let still = Date.now();
  while (Date.now() < deadline) {
    const n = count();
    if (n >= published) return;
    if (n !== last) {
      last = n;
      still = Date.now();
    } else if (Date.now() - still > 3000) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
