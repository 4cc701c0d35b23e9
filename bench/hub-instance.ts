/**
 * One hub as its own process for the scale benchmarks, tracking the load generator's rooms on an
 * external broker: `tsx bench/hub-instance.ts <mqtt-url> <rooms> <client-id> [shared-group]`. The
 * rooms reach it as an operator's would: a fleet file (`fleet.file`) in its data folder.
 * With HNTH_BENCH_COMPILED=1 the benchmark runs its compiled copy (dist/bench/, `npm run build`
 * first) with plain node, and so the compiled hub beside it, as deployed: no TypeScript loader (its
 * hooks' thread, the sources' maps) in the memory measured.
 * It prints `{"ready":true,…}` once subscribed, with its HTTP address and an operator's login for
 * `/ws`, then its counts and memory four times a second; on SIGUSR2 the publish → applied lags since
 * the last SIGUSR2 (a histogram by millisecond, so two hubs' windows merge); on SIGTERM what it
 * measured (telemetry applied, events stored, publish → applied/stored lags, its CPU and RSS) as one
 * JSON line, and exits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';
import { loadHubConfig } from '../hub/config.js';
import { applyHubHeapSettings } from '../hub/heap-settings.js';
import { startHub } from '../hub/hub.js';
import { writeFleetFile } from '../shared/fleet-file.js';
import { createLogger } from '../shared/logger.js';
import { loadRooms } from './load-rooms.js';
import { percentile } from './stats.js';

export interface InstanceReport {
  clientId: string;
  telemetry: number;
  events: number;
  /** Epoch ms of the first and last telemetry applied. */
  firstAt: number;
  lastAt: number;
  telemetryLagP50Ms: number;
  telemetryLagP99Ms: number;
  eventLagP99Ms: number;
  cpuSec: number;
  wallSec: number;
  maxRssMb: number;
}

const [url, roomCount, clientId, group = '', storeUrl = '', sharedAuditDir = ''] = process.argv.slice(2);
if (!url || !roomCount || !clientId) {
  process.stderr.write(
    'usage: tsx bench/hub-instance.ts <mqtt-url> <rooms> <client-id> [shared-group] [postgres-store-url] [audit-dir]\n',
  );
  process.exit(2);
}
const dataDir = mkdtempSync(path.join(tmpdir(), 'hnth-bench-hub-'));
const fleetFile = path.join(dataDir, 'fleet.json');
writeFleetFile(fleetFile, loadRooms(Number(roomCount)));
const config = loadHubConfig({
  env: {},
  overrides: {
    dataDir,
    'fleet.file': fleetFile,
    'mqtt.url': url,
    'mqtt.protocolVersion': 5,
    'mqtt.clientId': clientId,
    'mqtt.sharedGroup': group,
    'store.url': storeUrl,
    // Hubs of one group keep one audit chain, so they share its key (deploy/ha/: one audit folder).
    ...(sharedAuditDir ? { 'audit.dir': sharedAuditDir } : {}),
    'http.port': 0,
    'http.host': '127.0.0.1',
  },
});
// As the deployed hub's command sizes its heap (hub/cli.ts).
applyHubHeapSettings();
const hub = await startHub(config, createLogger(clientId, 'error'));
// Hubs of one group share their users: each sets the password, the last one started is the one.
const operator = { username: 'bench-operator', password: '' };
operator.password = await hub.security.users.set(
  { username: operator.username, role: 'operator', roomId: null },
  'bench',
);

const telemetryLags: number[] = [];
const eventLags: number[] = [];
/** Publish → applied lags since the last SIGUSR2, by whole millisecond. */
let windowLags = new Map<number, number>();
let firstAt = 0;
let lastAt = 0;
// The hub's ingest calls these on the same objects: wrapping them measures from the agent's `ts`
// (set when it published) to the moment the hub has applied (telemetry) or stored (event) it.
const applyTelemetry = hub.fleet.applyTelemetry.bind(hub.fleet);
hub.fleet.applyTelemetry = (roomId, telemetry, at) => {
  applyTelemetry(roomId, telemetry, at);
  const now = Date.now();
  if (firstAt === 0) firstAt = now;
  lastAt = now;
  const lag = now - Date.parse(telemetry.ts);
  telemetryLags.push(lag);
  windowLags.set(lag, (windowLags.get(lag) ?? 0) + 1);
};
const insertEvent = hub.store.insertEvent.bind(hub.store);
hub.store.insertEvent = async (roomId, event, receivedAt) => {
  const stored = await insertEvent(roomId, event, receivedAt);
  if (stored) eventLags.push(Date.now() - Date.parse(event.ts));
  return stored;
};
let maxRss = process.memoryUsage().rss;
const rssTimer = setInterval(() => {
  maxRss = Math.max(maxRss, process.memoryUsage().rss);
}, 500);
const cpuStart = process.cpuUsage();
const wallStart = performance.now();
process.stdout.write(`${JSON.stringify({ ready: true, httpUrl: hub.httpUrl, operator })}\n`);
process.on('SIGUSR2', () => {
  // Where the memory is at the window's end: V8's spaces (committed) beside the RSS.
  const spaces = Object.fromEntries(
    getHeapSpaceStatistics().map((s) => [s.space_name, Math.round(s.physical_space_size / 1048576)]),
  );
  process.stdout.write(`${JSON.stringify({ lagWindow: Object.fromEntries(windowLags), spaces })}\n`);
  windowLags = new Map();
});
// Progress, so the benchmark knows when the hub has drained the stream.
const progressTimer = setInterval(() => {
  const m = process.memoryUsage();
  const mb = (bytes: number) => Math.round(bytes / 1048576);
  process.stdout.write(
    `${JSON.stringify({ telemetry: telemetryLags.length, events: eventLags.length, rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), externalMb: mb(m.external + m.arrayBuffers) })}\n`,
  );
}, 250);

process.once('SIGTERM', () => {
  clearInterval(rssTimer);
  clearInterval(progressTimer);
  const cpu = process.cpuUsage(cpuStart);
  telemetryLags.sort((a, b) => a - b);
  eventLags.sort((a, b) => a - b);
  const report: InstanceReport = {
    clientId,
    telemetry: telemetryLags.length,
    events: eventLags.length,
    firstAt,
    lastAt,
    telemetryLagP50Ms: percentile(telemetryLags, 50),
    telemetryLagP99Ms: percentile(telemetryLags, 99),
    eventLagP99Ms: percentile(eventLags, 99),
    cpuSec: (cpu.user + cpu.system) / 1e6,
    wallSec: (performance.now() - wallStart) / 1000,
    maxRssMb: Math.round(maxRss / 1048576),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  void hub.stop().finally(() => {
    rmSync(dataDir, { recursive: true, force: true });
    if (!sharedAuditDir) rmSync(`${dataDir}-audit`, { recursive: true, force: true });
    process.exit(0);
  });
});
