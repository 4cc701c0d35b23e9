/**
 * What decoding one room message costs the hub: messages per second of one core, and the bytes
 * allocated per message, for a controller's full telemetry, a threshold event and a telemetry
 * message refused for one wrong type (test/helpers/controller-messages.ts). At 10,000 rooms the hub
 * decodes about 2,000 telemetry messages a second, and a heap profile put zod's parsing at 38 % of
 * all its allocation. Measured in a child process started with --expose-gc and a 64 MB young
 * generation: each batch starts from a collected heap and allocates well under the young
 * generation's size, so no scavenge runs inside it and the growth of `heapUsed` is what it allocated
 * (the child counts the collections that ran inside a batch all the same; the row says so if any did).
 */
import { spawn } from 'node:child_process';
import { type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { decodeCompiled } from '../hub/ingest/compiled-decode.js';
import { type Channel, decodeMessage } from '../shared/schemas.js';
import { controllerEvent, controllerTelemetry } from '../test/helpers/controller-messages.js';
import type { BenchRow } from './stats.js';

const TIMED_RUNS = 100_000;
/** Messages per allocation batch: a full telemetry message at ~10 KB each stays under 16 MB. */
const BATCH = 1000;
const BATCHES = 7;
const SEMI_SPACE_MB = 64;

type Decode = (channel: Channel, payload: Buffer) => { ok: boolean };

const decoders: Record<string, Decode> = { decodeMessage, decodeCompiled };

function cases(): { name: string; channel: Channel; payload: Buffer }[] {
  const refused = controllerTelemetry() as unknown as { codec: { inCall: unknown } };
  refused.codec.inCall = 'yes';
  // What the load generator's simulated rooms send: no outbox, energy or host readings.
  const { outbox, energy, host, ...simulated } = controllerTelemetry();
  return [
    { name: 'telemetry (full controller)', channel: 'telemetry', payload: json(controllerTelemetry()) },
    { name: 'telemetry (simulated room)', channel: 'telemetry', payload: json(simulated) },
    { name: 'event (threshold, 4 facts)', channel: 'events', payload: json(controllerEvent()) },
    { name: 'telemetry refused (one wrong type)', channel: 'telemetry', payload: json(refused) },
  ];
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

interface Measured {
  decoder: string;
  name: string;
  bytes: number;
  perSec: number;
  bytesPerMessage: number;
  /** Collections that ran inside an allocation batch (other than the one forced before it). */
  collectionsInside: number;
}

/** In the child: times TIMED_RUNS decodes, then the median of BATCHES allocation batches. */
async function measure(): Promise<Measured[]> {
  const gc = (globalThis as { gc?: () => void }).gc!;
  const collections: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => collections.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const batches: { measured: Measured; from: number; to: number }[] = [];
  const out: Measured[] = [];
  let accepted = 0; // read at the end, so no decode is dead code to the compiler
  for (const { name, channel, payload } of cases()) {
    for (const [decoder, decode] of Object.entries(decoders)) {
      for (let i = 0; i < 10_000; i++) accepted += decode(channel, payload).ok ? 1 : 0;
      const t = performance.now();
      for (let i = 0; i < TIMED_RUNS; i++) accepted += decode(channel, payload).ok ? 1 : 0;
      const perSec = TIMED_RUNS / ((performance.now() - t) / 1000);
      const perMessage: number[] = [];
      const measured: Measured = {
        decoder,
        name,
        bytes: payload.length,
        perSec,
        bytesPerMessage: 0,
        collectionsInside: 0,
      };
      for (let b = 0; b < BATCHES; b++) {
        gc();
        const before = process.memoryUsage().heapUsed;
        const from = performance.now();
        for (let i = 0; i < BATCH; i++) accepted += decode(channel, payload).ok ? 1 : 0;
        perMessage.push((process.memoryUsage().heapUsed - before) / BATCH);
        batches.push({ measured, from, to: performance.now() });
      }
      perMessage.sort((a, b) => a - b);
      measured.bytesPerMessage = perMessage[BATCHES >> 1]!;
      out.push(measured);
    }
  }
  // The observer hears of collections after the fact: let it catch up, then find those inside a batch.
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer.disconnect();
  for (const { measured, from, to } of batches)
    measured.collectionsInside += collections.filter((c) => c.startTime > from && c.startTime < to).length;
  if (accepted < 0) process.stderr.write('unreachable\n');
  return out;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

export async function benchDecodeCost(): Promise<BenchRow[]> {
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      `--min-semi-space-size=${SEMI_SPACE_MB}`,
      `--max-semi-space-size=${SEMI_SPACE_MB}`,
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      'measure',
    ],
    { env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let measured: Measured[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    measured = JSON.parse(line) as Measured[];
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the decoding benchmark's child exited with ${code}`);
  const names = [...new Set(measured.map((m) => m.name))];
  return names.map((name) => {
    const each = measured.filter((m) => m.name === name);
    const collections = each.reduce((sum, m) => sum + m.collectionsInside, 0);
    return {
      benchmark: `decoding one room message (size check, depth scan, JSON.parse, schema), ${TIMED_RUNS.toLocaleString('en')} runs; allocation: median of ${BATCHES} batches of ${BATCH}`,
      measure: `${name}, ${each[0]!.bytes} bytes: messages/s of one core; bytes allocated per message`,
      value: each
        .map((m) => `${m.decoder} ${Math.round(m.perSec).toLocaleString('en')}/s, ${kb(m.bytesPerMessage)}`)
        .join('; ')
        .concat(
          collections > 0
            ? ` (${collections} collections ran inside the batches: allocation undercounted)`
            : '',
        ),
      target: 'recorded',
      met: collections === 0,
    };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'measure') {
  process.stdout.write(`${JSON.stringify(await measure())}\n`);
}
