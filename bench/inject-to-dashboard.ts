/**
 * Time from a fault injected on MQTT to the dashboard's WebSocket message carrying the event, on the
 * running demo (hub, embedded broker, 28 simulated rooms). Target: p99 <= 100 ms on loopback.
 */
import { connectAsync } from 'mqtt';
import { WebSocket } from 'ws';
import type { Demo } from '../demo/demo.js';
import { injectTopic } from '../shared/topics.js';
import { demoSession } from './demo-session.js';
import { type BenchRow, percentile } from './stats.js';

export async function benchInjectToDashboard(demo: Demo, injections = 200): Promise<BenchRow[]> {
  const { cookie } = await demoSession(demo);
  const ws = new WebSocket(`${demo.httpUrl.replace(/^http/, 'ws')}/ws`, { headers: { cookie } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const mqtt = await connectAsync(demo.mqttUrl, { reconnectPeriod: 0, ...demo.injector });
  const roomId = 'ubnd-chiem-hoa';
  let waiting: { type: string; resolve: () => void } | null = null;
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    if (waiting && msg.type === 'event' && msg.event.roomId === roomId && msg.event.type === waiting.type)
      waiting.resolve();
  });
  const samples: number[] = [];
  for (let i = 0; i < injections; i++) {
    const mains = i % 2 === 1;
    const type = mains ? 'mains.restored' : 'mains.lost';
    const seen = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${type} on /ws within 5 s (injection ${i})`)),
        5000,
      );
      waiting = {
        type,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
    const start = performance.now();
    await mqtt.publishAsync(injectTopic(roomId), JSON.stringify({ mains }), { qos: 0 });
    await seen;
    samples.push(performance.now() - start);
    if ((i + 1) % 50 === 0) process.stderr.write(`  inject → /ws: ${i + 1}/${injections}\n`);
  }
  await mqtt.endAsync();
  ws.close();
  samples.sort((a, b) => a - b);
  const p50 = percentile(samples, 50);
  const p99 = percentile(samples, 99);
  return [
    {
      benchmark: `inject → /ws event (${injections} injections)`,
      measure: 'p50',
      value: `${p50.toFixed(1)} ms`,
      target: '—',
      met: true,
    },
    {
      benchmark: `inject → /ws event (${injections} injections)`,
      measure: 'p99',
      value: `${p99.toFixed(1)} ms`,
      target: '≤ 100 ms',
      met: p99 <= 100,
    },
  ];
}
