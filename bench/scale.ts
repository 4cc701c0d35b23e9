/**
 * Scale benchmarks on a real Mosquitto of their own, with the hub, the load generator and
 * `mosquitto_sub` each in its own process: hub ingest rate against raw consumption of the same
 * stream; publish → applied/stored lag with many rooms; two hub instances sharing the ingest.
 * Bounded: the default sizes take about a minute in all; `--scale` tries the 10,000 rooms
 * at 5 s (a few minutes).
 */
import {
  type BenchBroker,
  drained,
  runLoad,
  startBenchMosquitto,
  startHubProcess,
  startMosquittoSub,
} from './bench-processes.js';
import { withThrowawayDatabase } from './pg-throwaway.js';
import type { BenchRow } from './stats.js';

export interface ScaleSizes {
  /** Flood for the ingest-rate comparison: rooms at a short interval. */
  flood: { rooms: number; intervalSec: number; durationSec: number; perConnection: number };
  /** Realistic load for the lag: rooms at the agents' interval. */
  fleet: { rooms: number; intervalSec: number; durationSec: number; perConnection: number };
}

export const defaultSizes: ScaleSizes = {
  flood: { rooms: 1000, intervalSec: 0.1, durationSec: 10, perConnection: 50 },
  fleet: { rooms: 2000, intervalSec: 5, durationSec: 30, perConnection: 1 },
};

/** The target: 10,000 rooms every 5 s; rooms grouped 10 per connection (see load-generator.ts). */
export const scaleSizes: ScaleSizes = {
  flood: { rooms: 2000, intervalSec: 0.1, durationSec: 20, perConnection: 50 },
  fleet: { rooms: 10_000, intervalSec: 5, durationSec: 60, perConnection: 10 },
};

const loadArgs = (url: string, s: ScaleSizes['flood'], faults: number) => [
  '--url',
  url,
  '--rooms',
  String(s.rooms),
  '--interval',
  String(s.intervalSec),
  '--duration',
  String(s.durationSec),
  '--per-connection',
  String(s.perConnection),
  '--faults',
  String(faults),
];

const rate = (count: number, firstAt: number, lastAt: number) =>
  lastAt > firstAt ? count / ((lastAt - firstAt) / 1000) : Number.NaN;

async function withBroker<T>(run: (broker: BenchBroker) => Promise<T>): Promise<T> {
  const broker = await startBenchMosquitto();
  try {
    return await run(broker);
  } finally {
    await broker.stop();
  }
}

/** Hub ingest rate vs `mosquitto_sub` on the same flood; returns the rows and the hub's rate. */
export async function benchIngestVsMosquittoSub(
  s: ScaleSizes['flood'],
): Promise<{ rows: BenchRow[]; hubRate: number }> {
  return withBroker(async (broker) => {
    const hub = await startHubProcess(broker.url, s.rooms, 'bench-hub');
    const sub = startMosquittoSub(broker.port);
    process.stderr.write(
      `  ingest vs mosquitto_sub: ${s.rooms} rooms every ${s.intervalSec} s for ${s.durationSec} s\n`,
    );
    const load = await runLoad(loadArgs(broker.url, s, 0), s.durationSec);
    await drained(() => sub.count(), load.telemetry);
    await drained(() => hub.telemetry(), load.telemetry);
    const raw = await sub.finish();
    const report = await hub.finish();
    const hubRate = rate(report.telemetry, report.firstAt, report.lastAt);
    const subRate = rate(raw.count, raw.firstAt, raw.lastAt);
    const ratio = hubRate / subRate;
    return {
      hubRate,
      rows: [
        {
          benchmark: 'hub ingest vs mosquitto_sub (same stream, same broker)',
          measure: `telemetry/s (offered ${load.telemetryPerSec}/s, ${s.rooms} rooms)`,
          value: `${Math.round(hubRate)} vs ${Math.round(subRate)} = ${(ratio * 100).toFixed(0)} %`,
          target: '≥ 50 %',
          met: ratio >= 0.5,
        },
        {
          benchmark: 'hub ingest vs mosquitto_sub (same stream, same broker)',
          measure: 'messages received of those published (hub, mosquitto_sub)',
          value: `${report.telemetry}, ${raw.count} of ${load.telemetry}`,
          target: 'all',
          met: report.telemetry === load.telemetry && raw.count === load.telemetry,
        },
      ],
    };
  });
}

/** Publish → applied lag, CPU and RSS of the hub with many rooms at the agents' interval. */
export async function benchFleetLag(s: ScaleSizes['fleet']): Promise<BenchRow[]> {
  return withBroker(async (broker) => {
    const hub = await startHubProcess(broker.url, s.rooms, 'bench-hub');
    process.stderr.write(`  fleet lag: ${s.rooms} rooms every ${s.intervalSec} s for ${s.durationSec} s\n`);
    const load = await runLoad(loadArgs(broker.url, s, 0.002), s.durationSec);
    await drained(() => hub.telemetry(), load.telemetry);
    await drained(() => hub.events(), load.events);
    const r = await hub.finish();
    const name = `${s.rooms} rooms, telemetry every ${s.intervalSec} s, ${s.durationSec} s (own Mosquitto, 2 cores shared with the load)`;
    return [
      {
        benchmark: name,
        measure: 'p99 publish → applied (telemetry), p50',
        value: `${r.telemetryLagP99Ms} ms (p50 ${r.telemetryLagP50Ms} ms)`,
        target: '< 1000 ms',
        met: r.telemetryLagP99Ms < 1000,
      },
      {
        benchmark: name,
        measure: 'p99 publish → stored (events)',
        value: `${r.eventLagP99Ms} ms of ${r.events} events`,
        target: '< 1000 ms',
        met: r.eventLagP99Ms < 1000,
      },
      {
        benchmark: name,
        measure: 'hub CPU, max RSS',
        value: `${((r.cpuSec / r.wallSec) * 100).toFixed(0)} % of a core, ${r.maxRssMb} MB`,
        target: 'recorded',
        met: true,
      },
      {
        benchmark: name,
        measure: 'telemetry applied of those published',
        value: `${r.telemetry} of ${load.telemetry}`,
        target: 'all',
        met: r.telemetry === load.telemetry,
      },
    ];
  });
}

/**
 * Two hubs in one shared group on the flood: each event stored once, all the telemetry applied by
 * each hub, and each hub's rate beside one hub alone. Given a PostgreSQL server, both share one store
 * on it, as a deployment at scale would.
 */
export async function benchSharedHubs(
  s: ScaleSizes['flood'],
  singleHubRate: number,
  pgUrl?: string,
): Promise<BenchRow[]> {
  if (pgUrl) return withThrowawayDatabase(pgUrl, (storeUrl) => sharedHubs(s, singleHubRate, storeUrl));
  return sharedHubs(s, singleHubRate, '');
}

async function sharedHubs(
  s: ScaleSizes['flood'],
  singleHubRate: number,
  storeUrl: string,
): Promise<BenchRow[]> {
  return withBroker(async (broker) => {
    const hubs = [
      await startHubProcess(broker.url, s.rooms, 'bench-hub-a', 'hnth-hub', storeUrl),
      await startHubProcess(broker.url, s.rooms, 'bench-hub-b', 'hnth-hub', storeUrl),
    ];
    process.stderr.write(
      `  two shared hubs: ${s.rooms} rooms every ${s.intervalSec} s for ${s.durationSec} s\n`,
    );
    const load = await runLoad(loadArgs(broker.url, s, 0.01), s.durationSec);
    // Telemetry reaches every hub of the group; events one each.
    await drained(() => Math.min(hubs[0]!.telemetry(), hubs[1]!.telemetry()), load.telemetry);
    await drained(() => hubs[0]!.events() + hubs[1]!.events(), load.events);
    const [a, b] = [await hubs[0]!.finish(), await hubs[1]!.finish()];
    const slower = Math.min(rate(a.telemetry, a.firstAt, a.lastAt), rate(b.telemetry, b.firstAt, b.lastAt));
    const name = `two hub instances, MQTT 5 shared subscription ($share/hnth-hub/…), ${storeUrl ? 'one PostgreSQL store' : 'a SQLite store each'}`;
    return [
      {
        benchmark: name,
        measure: 'events stored (a + b) of those published',
        value: `${a.events} + ${b.events} = ${a.events + b.events} of ${load.events}`,
        target: 'each once',
        met: a.events + b.events === load.events && a.events > 0 && b.events > 0,
      },
      {
        benchmark: name,
        measure: 'telemetry applied by each hub (a / b)',
        value: `${a.telemetry} / ${b.telemetry} of ${load.telemetry}`,
        target: 'all, on both',
        met: a.telemetry === load.telemetry && b.telemetry === load.telemetry,
      },
      {
        benchmark: name,
        measure: 'the slower hub’s telemetry rate vs one hub on the same flood',
        value: `${Math.round(slower)}/s vs ${Math.round(singleHubRate)}/s = ×${(slower / singleHubRate).toFixed(2)}`,
        target: '> ×0.5 (2 cores shared by both hubs, broker and load)',
        met: slower > singleHubRate / 2,
      },
    ];
  });
}

export async function benchScale(sizes: ScaleSizes, pgUrl?: string): Promise<BenchRow[]> {
  const ingest = await benchIngestVsMosquittoSub(sizes.flood);
  const lag = await benchFleetLag(sizes.fleet);
  const shared = await benchSharedHubs(sizes.flood, ingest.hubRate, pgUrl);
  return [...ingest.rows, ...lag, ...shared];
}
