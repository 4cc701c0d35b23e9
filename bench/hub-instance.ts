/**
 * One hub as its own process for the scale benchmarks, tracking the load generator's rooms on an
 * external broker: `tsx bench/hub-instance.ts <mqtt-url> <rooms> <client-id> [shared-group]`. The
 * rooms reach it as an operator's would: a fleet file (`fleet.file`) in its data folder.
 * It prints `{"ready":true}` once subscribed; on SIGTERM it prints what it measured (telemetry
 * applied, events stored, publish → applied/stored lags, its CPU and RSS) as one JSON line and exits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadHubConfig } from '../hub/config.js';
import { startHub } from '../hub/hub.js';
import { writeFleetFile } from '../shared/fleet-file.js';
import { createLogger } from '../shared/logger.js';
import { loadRooms } from './load-generator.js';
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

const [url, roomCount, clientId, group = '', storeUrl = ''] = process.argv.slice(2);
if (!url || !roomCount || !clientId) {
  process.stderr.write(
    'usage: tsx bench/hub-instance.ts <mqtt-url> <rooms> <client-id> [shared-group] [postgres-store-url]\n',
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
    'http.port': 0,
    'http.host': '127.0.0.1',
  },
});
const hub = await startHub(config, createLogger(clientId, 'error'));

const telemetryLags: number[] = [];
const eventLags: number[] = [];
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
  telemetryLags.push(now - Date.parse(telemetry.ts));
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
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
// Progress, so the benchmark knows when the hub has drained the stream.
const progressTimer = setInterval(() => {
  process.stdout.write(`${JSON.stringify({ telemetry: telemetryLags.length, events: eventLags.length })}\n`);
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
    rmSync(`${dataDir}-audit`, { recursive: true, force: true });
    process.exit(0);
  });
});
