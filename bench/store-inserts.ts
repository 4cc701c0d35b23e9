/**
 * `--pg URL`: the store alone, as ingest drives it: telemetry samples and events from many rooms,
 * many calls in flight at once, into the SQLite store and into PostgreSQL. Measures inserts per
 * second and the p99 time from a call to its answer (the wait of the room's acknowledgement).
 * PostgreSQL gets a throwaway database `hnth_bench_<random>` on the URL's server (the user needs
 * CREATEDB), dropped afterwards; the SQLite store a temporary file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PgStore } from '../hub/store/pg-store.js';
import type { HubStore } from '../hub/store/store.js';
import { WorkerStore } from '../hub/store/worker-store.js';
import { createLogger } from '../shared/logger.js';
import { type EventMessage, SCHEMA_VERSION, type TelemetryMessage } from '../shared/schemas.js';
import { withThrowawayDatabase } from './pg-throwaway.js';
import { type BenchRow, percentile } from './stats.js';

const ROOMS = 200;
const SAMPLES_PER_ROOM = 100;
/** One event for every ten samples: edges are rarer than readings. */
const EVENT_EVERY = 10;
/** Calls handed to the store and not yet answered, as ingest keeps them when many rooms report at once. */
const IN_FLIGHT = 64;

const sample = (ts: string): TelemetryMessage => ({
  v: SCHEMA_VERSION,
  ts,
  power: { mains: true, upsChargePct: 100, state: 'on' },
  climate: { tempC: 26.5, humidityPct: 61 },
  codec: { state: 'up', inCall: false },
  link: { latencyMs: 12.5, jitterMs: 1.25, lossPct: 0 },
  energy: {
    sinceIso: '2026-01-01T00:00:00.000Z',
    usedWh: 120,
    alwaysOnWh: 400,
    outputs: [{ name: 'codec', ratedW: 60, onH: 2, offH: 22 }],
  },
});

async function measure(store: HubStore): Promise<{ perSec: number; p99Ms: number; calls: number }> {
  const calls: (() => Promise<unknown>)[] = [];
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  for (let i = 0; i < SAMPLES_PER_ROOM; i++) {
    const ts = new Date(start + i * 5000).toISOString();
    for (let r = 0; r < ROOMS; r++) {
      const roomId = `room-${r}`;
      calls.push(() => store.insertSample(roomId, sample(ts)));
      if (i % EVENT_EVERY === 0) {
        const event: EventMessage = {
          v: SCHEMA_VERSION,
          type: 'codec.down',
          severity: 'warning',
          data: { latencyMs: 900 },
          ts,
          bootId: 'bench',
          seq: i,
        };
        calls.push(() => store.insertEvent(roomId, event, new Date()));
      }
    }
  }
  const latencies: number[] = [];
  let next = 0;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < calls.length) {
        const call = calls[next++]!;
        const t = performance.now();
        await call();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSec: calls.length / seconds, p99Ms: percentile(latencies, 99), calls: calls.length };
}

export async function benchStoreInserts(pgUrl: string): Promise<BenchRow[]> {
  const name = `store inserts: ${ROOMS} rooms × ${SAMPLES_PER_ROOM} samples + an event per ${EVENT_EVERY}, ${IN_FLIGHT} in flight`;
  const row = (store: string, r: Awaited<ReturnType<typeof measure>>): BenchRow => ({
    benchmark: name,
    measure: `${store}: inserts/s, p99 call → answer (${r.calls} calls)`,
    value: `${Math.round(r.perSec)}/s, p99 ${r.p99Ms.toFixed(1)} ms`,
    target: 'recorded',
    met: true,
  });

  const dir = mkdtempSync(path.join(tmpdir(), 'hnth-bench-store-'));
  const sqlite = await WorkerStore.open(path.join(dir, 'hnth.db'), createLogger('bench', 'silent'));
  const rows: BenchRow[] = [];
  try {
    rows.push(row('SQLite (file, WAL, in its worker thread)', await measure(sqlite)));
  } finally {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }

  await withThrowawayDatabase(pgUrl, async (url) => {
    const store = await PgStore.open(url);
    try {
      rows.push(row(`PostgreSQL (${new URL(url).hostname}, pool of 10)`, await measure(store)));
    } finally {
      await store.close();
    }
  });
  return rows;
}
