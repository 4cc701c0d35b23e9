/**
 * Issue 9, backpressure: a dashboard that stops reading must not hold the hub's memory or stall the
 * others. Rooms' views and speak standings are state: a dashboard behind is sent each room's latest
 * when it reads again, however many changes it missed, is never cut off for them, and is counted
 * behind on /metrics meanwhile. Other news must all arrive: past its allowance of it unsent, a
 * dashboard is not reading at all and the hub cuts it off.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { LiveSocket } from '../../hub/api/live-socket.js';
import type { RunningHub } from '../../hub/hub.js';
import type { StoredEvent } from '../../hub/store/store.js';
import { roomTopic } from '../../shared/topics.js';
import { getJson, liveClient, startTestHub } from '../helpers/hub-harness.js';
import { nominalTelemetry, roomEvent } from '../helpers/room-messages.js';
import { waitFor } from '../helpers/wait.js';

type Message = { type: string; [k: string]: unknown };

/** Lets the sockets of this process (the dashboards' ends too) read between two bursts. */
const breathe = () => new Promise((resolve) => setImmediate(resolve));

const wsClients = async (hub: RunningHub) =>
  (await getJson<{ wsClients: number }>(`${hub.httpUrl}/api/health`)).wsClients;

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

describe('a dashboard that stops reading while rooms change', () => {
  let hub: RunningHub & { removeData(): void };
  beforeAll(async () => {
    hub = await startTestHub({ 'metrics.token': METRICS_TOKEN });
  });
  afterAll(async () => {
    await hub?.stop();
    hub?.removeData();
  });

  const rooms = ['tinh-uy', 'so-y-te', 'ubnd-tinh'];
  const bootId = 'backpressure';

  /** The room's last view on `messages`: its last `room` message, else the snapshot's. */
  function lastView(messages: Message[], roomId: string): unknown {
    for (const m of [...messages].reverse()) {
      if (m.type === 'room' && (m.room as { id: string }).id === roomId) return m.room;
      if (m.type === 'snapshot') return (m.rooms as { id: string }[]).find((r) => r.id === roomId);
    }
    return undefined;
  }
  const eventSeqs = (messages: Message[]) =>
    messages
      .filter((m) => m.type === 'event' && (m.event as StoredEvent).bootId === bootId)
      .map((m) => (m.event as StoredEvent).seq);
  /** Every room's view as the hub has it now, as a dashboard reads it. */
  const finalViews = () =>
    JSON.parse(JSON.stringify(hub.fleet.views().filter((r) => rooms.includes(r.id)))) as { id: string }[];
  const caughtUp = (messages: Message[]) =>
    finalViews().every((view) => JSON.stringify(lastView(messages, view.id)) === JSON.stringify(view));
  /** What /metrics says of the dashboards behind: how many now, how many room views held for them. */
  const lagMetrics = async () => {
    const res = await fetch(`${hub.httpUrl}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    const text = await res.text();
    const value = (series: RegExp) => Number(series.exec(text)?.[1]);
    return {
      behind: value(/^hnth_live_clients_behind (\d+)$/m),
      roomViewsHeld: value(/^hnth_live_states_held_total\{type="room"\} (\d+)$/m),
    };
  };

  test('is kept, and when it reads again gets every event in order and each room’s latest view', async () => {
    const stuck = await liveClient(hub.httpUrl);
    let cut = false;
    stuck.ws.once('close', () => {
      cut = true;
    });
    stuck.ws.pause(); // reads nothing more: the kernel's buffers fill, then the hub's queue for it
    const healthy = await liveClient(hub.httpUrl);
    await waitFor('two dashboards connected', async () => (await wsClients(hub)) === 2);

    // About 30 MB of room updates (500 bytes each), far past the kernel's buffers and the hub's
    // 4 MiB allowance for one dashboard (which, before views were conflated, cut this one off),
    // with events among them.
    const updates = 60_000;
    const events = 20;
    for (let i = 0; i < updates; i++) {
      const ts = new Date(Date.UTC(2026, 10, 30, 3, 0, 0, i)).toISOString();
      hub.fleet.applyTelemetry(
        rooms[i % rooms.length]!,
        nominalTelemetry(ts, { tempC: 20 + (i % 10) }),
        new Date(),
      );
      if (i % (updates / events) === 0) {
        const event = roomEvent('threshold.cleared', bootId, i / (updates / events) + 1, ts);
        expect(
          hub.ingest.handle(roomTopic(rooms[0]!, 'events'), Buffer.from(JSON.stringify(event))),
        ).toBeNull();
      }
      if (i % 200 === 0) await breathe();
    }
    const allEvents = Array.from({ length: events }, (_, i) => i + 1);
    await waitFor('every event stored and told', () => eventSeqs(healthy.messages).length === events, 20_000);
    expect(eventSeqs(healthy.messages)).toEqual(allEvents);
    await waitFor('the healthy dashboard on every room’s latest view', () => caughtUp(healthy.messages));
    // The operators see one dashboard behind, and the room views held for it.
    const lagging = await lagMetrics();
    expect(lagging.behind).toBe(1);
    expect(lagging.roomViewsHeld).toBeGreaterThan(updates / 2);

    stuck.ws.resume();
    await waitFor(
      'the stopped dashboard caught up',
      () => caughtUp(stuck.messages) && eventSeqs(stuck.messages).length === events,
      20_000,
    );
    expect(eventSeqs(stuck.messages)).toEqual(allEvents);
    // It was sent the views it could take, not every change: thinned, not cut off.
    expect(stuck.messages.filter((m) => m.type === 'room').length).toBeLessThan(updates / 2);
    expect(cut).toBe(false);
    expect(await wsClients(hub)).toBe(2);
    await waitFor('no dashboard behind on /metrics', async () => (await lagMetrics()).behind === 0);
    healthy.close();
    stuck.close();
  }, 90_000);
});

/** A live socket of its own on an ephemeral port, every reader an operator, its warnings kept. */
async function liveServer(snapshot: () => unknown[] = () => []) {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const reader = { role: 'operator' as const, roomId: null };
  const warnings: string[] = [];
  const live = new LiveSocket(
    server,
    snapshot as () => never,
    pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line).msg) }),
    async () => ({ reader, check: async () => reader }),
  );
  const { port } = server.address() as AddressInfo;
  return {
    live,
    warnings,
    /** A dashboard on it, open, keeping every message it reads. */
    async dashboard() {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
      const messages: Message[] = [];
      ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as Message));
      let closed = false;
      ws.once('close', () => {
        closed = true;
      });
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      return { ws, messages, closed: () => closed };
    },
    async close() {
      live.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const seqsOf = (messages: Message[]) =>
  messages.filter((m) => m.type === 'event').map((m) => (m.event as StoredEvent).seq);

describe('a dashboard that stops reading while news keeps coming', () => {
  let server: Awaited<ReturnType<typeof liveServer>>;
  beforeAll(async () => {
    server = await liveServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  test('is cut off, while the other dashboards get every piece of it in order', async () => {
    const { live, warnings } = server;
    const stuck = await server.dashboard();
    stuck.ws.pause();
    const healthy = await server.dashboard();
    await waitFor('two dashboards connected', () => live.clientCount === 2);

    // About 32 MB of events (64 KB each): a dashboard that takes none of it is not reading.
    const events = 500;
    const padding = 'x'.repeat(64 * 1024);
    for (let seq = 1; seq <= events; seq++) {
      const event = {
        id: seq,
        roomId: 'tinh-uy',
        bootId: 'b',
        seq,
        data: { padding },
      } as unknown as StoredEvent;
      live.broadcast({ type: 'event', event });
      await breathe();
    }
    // Its end learns of it only once it reads again: the hub's count says it is gone.
    await waitFor('the stopped dashboard cut off', () => live.clientCount === 1, 20_000);
    expect(warnings).toContain('websocket client too slow, disconnecting');
    await waitFor(
      'every event on the healthy dashboard',
      () => seqsOf(healthy.messages).length === events,
      20_000,
    );
    expect(seqsOf(healthy.messages)).toEqual(Array.from({ length: events }, (_, i) => i + 1));
    expect(healthy.closed()).toBe(false);
    healthy.ws.close();
    stuck.ws.terminate();
  }, 60_000);
});

describe('a dashboard that stops reading while rooms’ speak standings change', () => {
  test('is kept, and when it reads again gets each room’s latest standing', async () => {
    const server = await liveServer();
    const { live, warnings } = server;
    const stuck = await server.dashboard();
    stuck.ws.pause();
    try {
      await waitFor('the dashboard connected', () => live.clientCount === 1);
      // About 30 MB of standings (a host id padded to make each ~500 bytes), far past the kernel's
      // buffers and the 4 MiB allowance that would cut off a dashboard sent each of them as news.
      const rooms = ['tinh-uy', 'so-y-te', 'ubnd-tinh'];
      const hostRoomId = `hdnd-tinh-${'x'.repeat(450)}`;
      const changes = 60_000;
      const latest = new Map<string, number>();
      for (let i = 0; i < changes; i++) {
        const roomId = rooms[i % rooms.length]!;
        latest.set(roomId, i + 1);
        live.broadcast({
          type: 'speak-state',
          roomId,
          speak: { state: 'waiting', position: i + 1, hostRoomId },
        });
        if (i % 200 === 0) await breathe();
      }
      const positionsOf = (roomId: string) =>
        stuck.messages
          .filter((m) => m.type === 'speak-state' && m.roomId === roomId)
          .map((m) => (m.speak as { position: number }).position);

      stuck.ws.resume();
      await waitFor(
        'each room’s latest standing on the stopped dashboard',
        () => rooms.every((roomId) => positionsOf(roomId).at(-1) === latest.get(roomId)),
        20_000,
      );
      // Thinned, not cut off.
      expect(stuck.messages.filter((m) => m.type === 'speak-state').length).toBeLessThan(changes / 2);
      expect(stuck.closed()).toBe(false);
      expect(live.clientCount).toBe(1);
      expect(warnings).toEqual([]);
    } finally {
      stuck.ws.terminate();
      await server.close();
    }
  }, 60_000);
});

describe('a dashboard on a slow link, at its first connection to a large fleet', () => {
  test('is not cut off by news while its snapshot, larger than the allowance, is still on its way', async () => {
    // About 16 MB of rooms: more than loopback's buffers take, four times the allowance for news.
    const rooms = Array.from({ length: 2000 }, (_, i) => ({ id: `room-${i}`, note: 'x'.repeat(8 * 1024) }));
    const server = await liveServer(() => rooms);
    const { live } = server;
    const dashboard = await server.dashboard();
    dashboard.ws.pause();
    try {
      await waitFor('the dashboard connected', () => live.clientCount === 1);
      live.broadcast({ type: 'event', event: { id: 1, roomId: 'room-1', seq: 1 } as unknown as StoredEvent });
      expect(live.clientCount).toBe(1);
      dashboard.ws.resume();
      await waitFor('the snapshot, then the event', () => dashboard.messages.length === 2, 20_000);
      expect(dashboard.messages.map((m) => m.type)).toEqual(['snapshot', 'event']);
    } finally {
      dashboard.ws.terminate();
      await server.close();
    }
  }, 60_000);
});
