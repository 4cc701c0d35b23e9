/**
 * `npm run bench [-- --scale] [-- --pg URL]`: runs every benchmark on the demo, then the scale
 * benchmarks (bench/scale.ts), then, given a PostgreSQL server, the store's inserts into SQLite and
 * PostgreSQL (bench/store-inserts.ts) and two hubs sharing it (bench/two-hubs.ts; 2,000 rooms, 10,000
 * with `--scale`), and prints the results as a markdown table, also written to bench/results.md.
 * `npm run bench -- two-hubs [--rooms N] [--compiled] [--pg URL]` runs the two hubs alone (10,000 rooms by
 * default, on the local PostgreSQL the tests use unless `--pg`) and writes their table into its own
 * section of bench/results.md, leaving the other results as they were.
 * Benchmarks measure; tests never assert on time.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { startDemo } from '../demo/demo.js';
import { benchAgentFootprint } from './agent-footprint.js';
import { benchDecodeCost } from './decode-cost.js';
import { benchDetection } from './detection.js';
import { benchFloodHealth } from './flood-health.js';
import { benchInjectToDashboard } from './inject-to-dashboard.js';
import { benchRehearsalFromOff } from './rehearsal-from-off.js';
import { benchRehearsalReport } from './rehearsal-report.js';
import { benchRehearsalTestCalls } from './rehearsal-test-calls.js';
import { benchRoomGuard } from './room-guard.js';
import { benchScale, defaultSizes, scaleSizes } from './scale.js';
import { benchSoak } from './soak.js';
import { type BenchRow, markdownTable } from './stats.js';
import { benchStoreInserts } from './store-inserts.js';
import { benchTwoHubs, twoHubSizes } from './two-hubs.js';

/** `--soak MINUTES`: run the opt-in soak instead of the standard benchmarks. */
const soakAt = process.argv.indexOf('--soak');
const soakMinutes = soakAt >= 0 ? Number(process.argv[soakAt + 1]) : 0;
if (soakAt >= 0 && !(soakMinutes > 0)) {
  process.stderr.write('usage: npm run bench -- --soak MINUTES (a number greater than 0)\n');
  process.exit(2);
}
/** `--pg URL`: also compare the store's inserts into SQLite and into PostgreSQL on that server. */
const pgAt = process.argv.indexOf('--pg');
const pgUrl = pgAt >= 0 ? process.argv[pgAt + 1] : undefined;
if (pgAt >= 0 && !pgUrl?.startsWith('postgres')) {
  process.stderr.write(
    'usage: npm run bench -- --pg postgres://user@host:5432/database (a user who may create databases)\n',
  );
  process.exit(2);
}

if (process.argv.includes('two-hubs')) {
  const roomsAt = process.argv.indexOf('--rooms');
  const rooms = roomsAt >= 0 ? Number(process.argv[roomsAt + 1]) : 10_000;
  if (!Number.isInteger(rooms) || rooms < 2) {
    process.stderr.write(
      'usage: npm run bench -- two-hubs [--rooms N (2 or more)] [--compiled] [--pg URL]\n',
    );
    process.exit(2);
  }
  // `--compiled`: the hubs as deployed (dist/, `npm run build` first), not through tsx.
  if (process.argv.includes('--compiled')) process.env.HNTH_BENCH_COMPILED = '1';
  const rows = await benchTwoHubs(pgUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres', twoHubSizes(rooms));
  const table = markdownTable(rows);
  writeTwoHubsSection(
    `Measured ${new Date().toISOString()} with ${rooms.toLocaleString('en')} rooms, the hubs ${process.env.HNTH_BENCH_COMPILED ? 'compiled (dist/)' : 'through tsx'}, on ${process.platform}/${process.arch}, Node ${process.version}, ${cpus().length} cores shared with other sessions.\n\n${table}`,
  );
  process.stdout.write(`${table}\n`);
  process.exit(0);
}

/**
 * bench/results.md with its two-hub section's latest measurement (the "Measured ..." line and its
 * table, or the whole section when it has no table yet) replaced; what follows the table there (how
 * the figures came about, earlier measurements) is kept.
 */
function writeTwoHubsSection(body: string): void {
  const file = new URL('./results.md', import.meta.url);
  const heading = '## Two hubs (`npm run bench -- two-hubs`)';
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const start = text.indexOf(heading);
  const next = start < 0 ? -1 : text.indexOf('\n## ', start + heading.length);
  const end = next < 0 ? text.length : next + 1;
  const before = start < 0 ? `${text.trimEnd()}\n\n` : text.slice(0, start);
  const section = start < 0 ? '' : text.slice(start, end);
  const tableAt = section.indexOf('\n|');
  const tableEnd = tableAt < 0 ? -1 : section.slice(tableAt + 1).search(/^(?!\|)/m);
  const kept = tableEnd < 0 ? '' : section.slice(tableAt + 1 + tableEnd).trim();
  const after = text.slice(end);
  writeFileSync(
    file,
    `${before}${heading}\n\n${body}\n${kept ? `\n${kept}\n` : ''}${after ? `\n${after}` : ''}`,
  );
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'hnth-bench-'));
const rows: BenchRow[] = [];
process.stderr.write('starting the demo (hub, embedded broker, 28 simulated rooms)...\n');
const demo = await startDemo({
  env: { HNTH_DATA_DIR: dataDir, HNTH_LOG_LEVEL: 'error' },
  hubOverrides: {
    'mqtt.port': 0,
    'mqtt.host': '127.0.0.1',
    'http.port': 0,
    'http.host': '127.0.0.1',
    // The inject benchmark toggles one room's mains hundreds of times a second, far past what the
    // embedded broker lets a room publish (mqtt.floodPerSec); it measures latency, not the limit.
    'mqtt.floodBurst': 100_000,
  },
  logLevel: 'error',
});
try {
  if (soakMinutes > 0) {
    rows.push(...(await benchSoak(demo, soakMinutes)));
  } else {
    rows.push(...(await benchInjectToDashboard(demo)));
    rows.push(...(await benchRehearsalReport(demo)));
  }
} finally {
  await demo.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(`${dataDir}-audit`, { recursive: true, force: true });
}
// After the demo has stopped, so its 28 simulated rooms do not share the cores with the measure.
if (soakMinutes === 0) {
  process.stderr.write('rehearsal of 28 rooms all off (a demo of its own)...\n');
  rows.push(...(await benchRehearsalFromOff()));
  process.stderr.write('rehearsal of 28 rooms with test calls (a demo of its own)...\n');
  rows.push(...(await benchRehearsalTestCalls()));
  rows.push(...(await benchAgentFootprint()));
  process.stderr.write('detection: agent killed or hung → offline, GPIO edge → /ws...\n');
  rows.push(...(await benchDetection()));
  process.stderr.write('decoding one room message: messages/s and bytes allocated (a child process)...\n');
  rows.push(...(await benchDecodeCost()));
  // Own Mosquitto, hub and load generator processes; `--scale` tries 10,000 rooms (minutes).
  process.stderr.write('scale benchmarks (own Mosquitto, hub and load generator processes)...\n');
  rows.push(...(await benchScale(process.argv.includes('--scale') ? scaleSizes : defaultSizes, pgUrl)));
  process.stderr.write('one room flooding: worst-case payloads, /api/health meanwhile...\n');
  rows.push(...(await benchFloodHealth()));
  process.stderr.write('one room flooding the shipped Mosquitto; the audit chain verified...\n');
  rows.push(...(await benchRoomGuard()));
  if (pgUrl) {
    process.stderr.write('store inserts, SQLite and PostgreSQL...\n');
    rows.push(...(await benchStoreInserts(pgUrl)));
    process.stderr.write('two hubs on that PostgreSQL: lags, memory, failover...\n');
    rows.push(...(await benchTwoHubs(pgUrl, twoHubSizes(process.argv.includes('--scale') ? 10_000 : 2000))));
  }
}
const table = markdownTable(rows);
const stamp = `Measured ${new Date().toISOString()} on ${process.platform}/${process.arch}, Node ${process.version}.`;
const resultsFile = new URL(soakMinutes > 0 ? './soak-results.md' : './results.md', import.meta.url);
// Its `## ` sections (the two hubs' own run, the memory analysis) are kept: this run does not redo them.
const previous = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '';
const sections = previous.indexOf('\n## ') >= 0 ? `\n${previous.slice(previous.indexOf('\n## ') + 1)}` : '';
writeFileSync(resultsFile, `# Benchmark results\n\n${stamp}\n\n${table}\n${sections}`);
process.stdout.write(`${table}\n`);
