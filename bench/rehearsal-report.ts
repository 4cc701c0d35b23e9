/**
 * A rehearsal of all 28 simulated rooms on the running demo: the time from the end of the slowest
 * room's checks (the `ts` of its reply to `rehearse`, watched on MQTT) to the complete report on
 * the dashboard's WebSocket. The demo's agents run in this process, so both times come from one
 * clock. Target: <= 2 s.
 */
import { connectAsync } from 'mqtt';
import type { Demo } from '../demo/demo.js';
import { rooms } from '../shared/fleet.js';
import { allRoomsFilter } from '../shared/topics.js';
import { demoSession, openLive } from './demo-session.js';
import { type BenchRow, percentile } from './stats.js';

export async function benchRehearsalReport(demo: Demo, runs = 20): Promise<BenchRow[]> {
  // As the operator: the API and /ws need a session, and a POST its CSRF token.
  const session = await demoSession(demo);
  const { cookie, csrfToken } = session;
  const ws = await openLive(demo.httpUrl, session);
  const mqtt = await connectAsync(demo.mqttUrl, { reconnectPeriod: 0, ...demo.injector });
  await mqtt.subscribeAsync(allRoomsFilter('replies'), { qos: 1 });
  let slowestEnd = 0;
  let replies = 0;
  mqtt.on('message', (_topic, payload) => {
    const reply = JSON.parse(payload.toString());
    if (reply.name !== 'rehearse') return;
    replies++;
    slowestEnd = Math.max(slowestEnd, Date.parse(reply.ts));
  });
  let waiting: { id: string; resolve: () => void } | null = null;
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    const w = waiting;
    if (w && msg.type === 'rehearsal' && msg.rehearsal.id === w.id && msg.rehearsal.checkedAt) w.resolve();
  });

  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    replies = 0;
    slowestEnd = 0;
    const reported = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no complete report within 30 s (run ${i})`)), 30_000);
      waiting = {
        id: '',
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
    const res = await fetch(`${demo.httpUrl}/api/rehearsals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ roomIds: rooms.map((r) => r.id) }),
    });
    if (res.status !== 202) throw new Error(`POST /api/rehearsals: HTTP ${res.status}`);
    waiting!.id = ((await res.json()) as { id: string }).id;
    await reported;
    const reportAt = Date.now();
    // This watcher may get the replies a little after the hub did.
    const deadline = Date.now() + 5000;
    while (replies < rooms.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    if (replies !== rooms.length)
      throw new Error(`run ${i}: ${replies} rehearse replies, expected ${rooms.length}`);
    samples.push(reportAt - slowestEnd);
  }
  await mqtt.endAsync();
  ws.close();
  samples.sort((a, b) => a - b);
  const name = `rehearsal of ${rooms.length} rooms: slowest reply → report on /ws (${runs} runs)`;
  const p50 = percentile(samples, 50);
  const max = samples.at(-1)!;
  return [
    { benchmark: name, measure: 'p50', value: `${p50.toFixed(1)} ms`, target: '—', met: true },
    { benchmark: name, measure: 'max', value: `${max.toFixed(1)} ms`, target: '≤ 2 s', met: max <= 2000 },
  ];
}
