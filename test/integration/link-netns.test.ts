/**
 * The link probe over a real link: two network namespaces made by this test, joined by a veth pair
 * with addresses from a /30 that exists only inside them, so no traffic leaves the namespaces. The
 * agent side pings through `ip netns exec`; then the far end's link is set down.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { EdgeEvent } from '../../agent/edges.js';
import { defaultLinkRules, LinkQualityMonitor } from '../../agent/probes/link-quality.js';
import { linkSeries } from '../../shared/probes/link-series.js';
import { type ProcessRunner, spawnRunner } from '../../shared/probes/process-runner.js';

const tag = `${process.pid % 100000}`;
const room = `hnth-room-${tag}`;
const mcu = `hnth-mcu-${tag}`;
const MCU_ADDRESS = '10.200.77.2';

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function removeNamespaces(): void {
  for (const ns of [room, mcu]) {
    try {
      ip('netns', 'del', ns);
    } catch {
      // not created (setup failed early) or already gone
    }
  }
}

beforeAll(() => {
  try {
    ip('netns', 'add', room);
    ip('netns', 'add', mcu);
    ip('link', 'add', `hr${tag}`, 'netns', room, 'type', 'veth', 'peer', 'name', `hm${tag}`, 'netns', mcu);
    ip('-n', room, 'addr', 'add', '10.200.77.1/30', 'dev', `hr${tag}`);
    ip('-n', mcu, 'addr', 'add', `${MCU_ADDRESS}/30`, 'dev', `hm${tag}`);
    for (const [ns, dev] of [
      [room, `hr${tag}`],
      [mcu, `hm${tag}`],
    ] as const) {
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'link', 'set', dev, 'up');
    }
  } catch (err) {
    removeNamespaces();
    throw err;
  }
});
afterAll(removeNamespaces);

/** The real runner, inside the room's namespace. */
const inRoom: ProcessRunner = (command, args, options) =>
  spawnRunner('ip', ['netns', 'exec', room, command, ...args], options);

test('reachable, then the link set down: loss 100 % and the event raised within the window', async () => {
  const events: EdgeEvent[] = [];
  const window = { k: 2, n: 3 };
  const monitor = new LinkQualityMonitor(
    [
      {
        name: 'mcu',
        series: () =>
          linkSeries(
            { kind: 'icmp', host: MCU_ADDRESS },
            { count: 3, timeoutMs: 1000, intervalSec: 0.05 },
            inRoom,
          ),
      },
    ],
    // Interval 0: every read is a new series.
    { rules: defaultLinkRules, window, intervalMs: 0, timeoutMs: 10_000 },
    (e) => events.push(e),
  );

  const up = await monitor.read();
  expect(up.lossPct).toBe(0);
  expect(up.latencyMs).toEqual(expect.any(Number));
  expect(up.jitterMs).toEqual(expect.any(Number));

  ip('-n', mcu, 'link', 'set', `hm${tag}`, 'down');
  const readings = [];
  for (let i = 0; i < window.n && !events.some((e) => e.type === 'threshold.raised'); i++) {
    readings.push(await monitor.read());
  }
  expect(readings.at(-1)).toEqual({ latencyMs: null, jitterMs: null, lossPct: 100 });
  // k bad series of n: raised on the second series after the link went down.
  expect(readings).toHaveLength(window.k);
  expect(events.filter((e) => e.data.metric === 'lossPct')).toEqual([
    expect.objectContaining({
      type: 'threshold.raised',
      severity: 'warning',
      data: expect.objectContaining({ level: 'degraded', value: 100, target: 'mcu' }),
    }),
    expect.objectContaining({
      type: 'threshold.raised',
      severity: 'critical',
      data: expect.objectContaining({ level: 'notReady', value: 100, target: 'mcu' }),
    }),
  ]);
});
