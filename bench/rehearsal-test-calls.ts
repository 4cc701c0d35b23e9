/**
 * A full rehearsal of the 28 simulated rooms with test calls (issue 19), all of them off and all
 * calling at once: from "rehearse now" to the complete report on the dashboard's WebSocket. Each room
 * powers on, waits for its codec's boot, dials the MCU's test conference (the simulated MCU answers
 * in 2 s), reads the call's figures for `testCall.measureSec`, hangs up, tests its line from the
 * controller alongside, lists its peripherals, is judged and goes back off. The boot and the call
 * are what a rehearsal must wait for; what is left beyond them is hnth's own cost.
 * Target: ≤ boot time + call time + 10 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDemo } from '../demo/demo.js';
import type { RoomView } from '../hub/fleet-state.js';
import type { CallResult } from '../hub/schedule/rehearsals-repo.js';
import { rooms } from '../shared/fleet.js';
import { demoSession, openLive } from './demo-session.js';
import { type BenchRow, percentile } from './stats.js';

const BOOT_SEC = 10;
/** The default: the call's figures read for 20 s. */
const MEASURE_SEC = 20;

export async function benchRehearsalTestCalls(runs = 2): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hnth-bench-calls-'));
  const demo = await startDemo({
    env: {
      HNTH_DATA_DIR: dataDir,
      HNTH_LOG_LEVEL: 'error',
      HNTH_SIM_CODEC_BOOT_SEC: String(BOOT_SEC),
      HNTH_POWER_TICK: '1',
    },
    hubOverrides: {
      'mqtt.port': 0,
      'mqtt.host': '127.0.0.1',
      'http.port': 0,
      'http.host': '127.0.0.1',
      'testCall.dialString': 'kiemtra@mcu.tuyenquang.gov.vn',
      'testCall.measureSec': MEASURE_SEC,
      'testCall.lineTestUri': 'sip:9999@mcu.tuyenquang.gov.vn',
      'testCall.lineTestSec': 10,
    },
    logLevel: 'error',
    quietMin: 0.05,
  });
  try {
    const session = await demoSession(demo);
    const { cookie, csrfToken } = session;
    const getJson = async <T>(p: string) =>
      (await (await fetch(`${demo.httpUrl}${p}`, { headers: { cookie } })).json()) as T;
    const allOff = async () =>
      (await getJson<RoomView[]>('/api/rooms')).every((r) => r.readiness.power.state === 'off');
    const ws = await openLive(demo.httpUrl, session);
    let waiting: { id: string; resolve: () => void } | null = null;
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      if (waiting && msg.type === 'rehearsal' && msg.rehearsal.id === waiting.id && msg.rehearsal.checkedAt)
        waiting.resolve();
    });
    const totals: number[] = [];
    const beyond: number[] = [];
    let callSec = 0;
    for (let i = 0; i < runs; i++) {
      const deadline = Date.now() + 120_000;
      while (!(await allOff())) {
        if (Date.now() > deadline)
          throw new Error(`run ${i}: the 28 rooms did not all switch off within 120 s`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const reported = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no complete report within 180 s (run ${i})`)),
          180_000,
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
      const id = ((await res.json()) as { id: string }).id;
      waiting!.id = id;
      await reported;
      const total = Date.now() - started;
      // Every room's call, as it reported it: connected, and how long it took to connect and measure.
      const calls = await Promise.all(
        rooms.map(async (r) => (await getJson<CallResult[]>(`/api/rooms/${r.id}/test-calls?limit=1`))[0]),
      );
      const mine = calls.filter((c) => c?.rehearsalId === id);
      const connected = mine.filter((c) => c!.calls.testCall?.outcome === 'connected');
      if (connected.length !== rooms.length)
        throw new Error(`run ${i}: ${connected.length} of ${rooms.length} test calls connected`);
      callSec = Math.max(
        ...connected.map((c) => (c!.calls.testCall!.connectSec ?? 0) + c!.calls.testCall!.measuredSec),
      );
      totals.push(total);
      beyond.push(total - (BOOT_SEC + callSec) * 1000);
    }
    ws.close();
    totals.sort((a, b) => a - b);
    beyond.sort((a, b) => a - b);
    const name = `rehearsal of ${rooms.length} rooms all off, each placing a test call and a line test at once (${BOOT_SEC} s boot, ${MEASURE_SEC} s of figures; ${runs} runs)`;
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const worst = beyond.at(-1)!;
    return [
      {
        benchmark: name,
        measure: 'rehearse now → complete report on /ws, p50; max',
        value: `${s(percentile(totals, 50))}; ${s(totals.at(-1)!)}`,
        target: '—',
        met: true,
      },
      {
        benchmark: name,
        measure: `beyond boot + call (${BOOT_SEC} s + ${callSec} s connect and measure), max`,
        value: s(worst),
        target: '≤ 10 s',
        met: worst <= 10_000,
      },
    ];
  } finally {
    await demo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
