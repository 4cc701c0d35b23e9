/**
 * Opt-in soak (`npm run bench -- --soak MINUTES`): the demo with random mains faults injected into
 * random rooms for the whole run. Reports the memory growth per hour of the process that holds the
 * hub and the 28 agents, and how many of the events the faults caused never reached the hub's
 * store (target 0).
 */
import { connectAsync } from 'mqtt';
import type { Demo } from '../demo/demo.js';
import type { StoredEvent } from '../hub/store/store.js';
import { injectTopic } from '../shared/topics.js';
import { demoSession } from './demo-session.js';
import type { BenchRow } from './stats.js';

const INJECT_EVERY_MS = 500;
const SAMPLE_EVERY_MS = 10_000;
const MB = 1024 * 1024;

/** Least-squares slope of y over x, per hour of x (milliseconds). */
function perHour(samples: { at: number; value: number }[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((s, p) => s + p.at, 0) / n;
  const my = samples.reduce((s, p) => s + p.value, 0) / n;
  const num = samples.reduce((s, p) => s + (p.at - mx) * (p.value - my), 0);
  const den = samples.reduce((s, p) => s + (p.at - mx) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 3600_000;
}

export async function benchSoak(demo: Demo, minutes: number): Promise<BenchRow[]> {
  const { cookie } = await demoSession(demo);
  const mqtt = await connectAsync(demo.mqttUrl, { reconnectPeriod: 0, ...demo.injector });
  const mains = new Map(demo.agents.map((a) => [a.roomId, true]));
  const toggles = new Map(demo.agents.map((a) => [a.roomId, 0]));
  const rss: { at: number; value: number }[] = [];
  const heap: { at: number; value: number }[] = [];
  const start = Date.now();
  const end = start + minutes * 60_000;
  let nextSample = start;
  let nextReport = start + 60_000;
  while (Date.now() < end) {
    const room = demo.agents[Math.floor(Math.random() * demo.agents.length)]!.roomId;
    const next = !mains.get(room);
    mains.set(room, next);
    toggles.set(room, toggles.get(room)! + 1);
    await mqtt.publishAsync(injectTopic(room), JSON.stringify({ mains: next }), { qos: 1 });
    if (Date.now() >= nextSample) {
      const m = process.memoryUsage();
      rss.push({ at: Date.now(), value: m.rss / MB });
      heap.push({ at: Date.now(), value: m.heapUsed / MB });
      nextSample += SAMPLE_EVERY_MS;
    }
    if (Date.now() >= nextReport) {
      process.stderr.write(`  soak: ${Math.round((Date.now() - start) / 60_000)}/${minutes} min\n`);
      nextReport += 60_000;
    }
    await new Promise((resolve) => setTimeout(resolve, INJECT_EVERY_MS));
  }
  await mqtt.endAsync();
  // Let the last events land, then count what the store holds for each room's current boot.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  let expected = 0;
  let lost = 0;
  for (const agent of demo.agents) {
    const res = await fetch(`${demo.httpUrl}/api/rooms/${agent.roomId}/events?limit=1000`, {
      headers: { cookie },
    });
    const events = (await res.json()) as StoredEvent[];
    const stored = events.filter(
      (e) => e.bootId === agent.bootId && (e.type === 'mains.lost' || e.type === 'mains.restored'),
    ).length;
    const made = toggles.get(agent.roomId)!;
    expected += made;
    lost += Math.max(0, made - stored);
  }
  // The first minute is warm-up (JIT, caches, SQLite pages); growth is measured after it.
  const warm = (s: { at: number; value: number }[]) => perHour(s.filter((p) => p.at >= start + 60_000));
  const rssPerHour = warm(rss);
  const heapPerHour = warm(heap);
  const name = `soak ${minutes} min, random mains faults`;
  return [
    {
      benchmark: name,
      measure: 'events caused / lost',
      value: `${expected} / ${lost}`,
      target: '0 lost',
      met: lost === 0,
    },
    {
      benchmark: name,
      measure: 'RSS growth (hub + 28 agents)',
      value: `${rssPerHour.toFixed(1)} MB/h`,
      target: 'flat',
      met: rssPerHour < 10,
    },
    {
      benchmark: name,
      measure: 'heap growth (hub + 28 agents)',
      value: `${heapPerHour.toFixed(1)} MB/h`,
      target: 'flat',
      met: heapPerHour < 5,
    },
  ];
}
