/**
 * A rehearsal of the 28 simulated rooms when all of them are off (art. 6.5: off is their normal
 * state): from "rehearse now" to the complete report on the dashboard's WebSocket, less the
 * simulated codec's boot time, which the rehearsal must wait for. What is left is the cost of
 * switching on through the sequence, noticing the codec is up, checking, switching back off and
 * reporting. Target: ≤ 5 s beyond the boot.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDemo } from '../demo/demo.js';
import type { RoomView } from '../hub/fleet-state.js';
import { rooms } from '../shared/fleet.js';
import { demoSession, openLive } from './demo-session.js';
import { type BenchRow, percentile } from './stats.js';

const BOOT_SEC = 10;

export async function benchRehearsalFromOff(runs = 3): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hnth-bench-off-'));
  const demo = await startDemo({
    env: {
      HNTH_DATA_DIR: dataDir,
      HNTH_LOG_LEVEL: 'error',
      HNTH_SIM_CODEC_BOOT_SEC: String(BOOT_SEC),
      HNTH_POWER_TICK: '1',
    },
    hubOverrides: { 'mqtt.port': 0, 'mqtt.host': '127.0.0.1', 'http.port': 0, 'http.host': '127.0.0.1' },
    logLevel: 'error',
    quietMin: 0.05,
  });
  try {
    const session = await demoSession(demo);
    const { cookie, csrfToken } = session;
    const allOff = async () => {
      const res = await fetch(`${demo.httpUrl}/api/rooms`, { headers: { cookie } });
      return ((await res.json()) as RoomView[]).every((r) => r.readiness.power.state === 'off');
    };
    const ws = await openLive(demo.httpUrl, session);
    let waiting: { id: string; resolve: () => void } | null = null;
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      if (waiting && msg.type === 'rehearsal' && msg.rehearsal.id === waiting.id && msg.rehearsal.checkedAt)
        waiting.resolve();
    });
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const deadline = Date.now() + 120_000;
      while (!(await allOff())) {
        if (Date.now() > deadline)
          throw new Error(`run ${i}: the 28 rooms did not all switch off within 120 s`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const reported = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no complete report within 120 s (run ${i})`)),
          120_000,
        );
        waiting = {
          id: '',
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
      });
      const started = Date.now();
      const res = await fetch(`${demo.httpUrl}/api/rehearsals`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
        body: JSON.stringify({ roomIds: rooms.map((r) => r.id) }),
      });
      if (res.status !== 202) throw new Error(`POST /api/rehearsals: HTTP ${res.status}`);
      waiting!.id = ((await res.json()) as { id: string }).id;
      await reported;
      samples.push(Date.now() - started - BOOT_SEC * 1000);
    }
    ws.close();
    samples.sort((a, b) => a - b);
    const name = `rehearsal of ${rooms.length} rooms all off → report on /ws, beyond the ${BOOT_SEC} s codec boot (${runs} runs)`;
    const max = samples.at(-1)!;
    return [
      {
        benchmark: name,
        measure: 'p50',
        value: `${(percentile(samples, 50) / 1000).toFixed(2)} s`,
        target: '—',
        met: true,
      },
      {
        benchmark: name,
        measure: 'max',
        value: `${(max / 1000).toFixed(2)} s`,
        target: '≤ 5 s',
        met: max <= 5000,
      },
    ];
  } finally {
    await demo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
