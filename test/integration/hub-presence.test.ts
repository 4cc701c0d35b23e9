/**
 * Two hubs of one shared group on a real Mosquitto, built from the hub's own link code, and a real
 * (simulated) room's agent: the room sends its events while any hub says it is online. One hub's
 * connection killed, or one hub stopped, the other receives the room's events; both gone, the room
 * holds them in its outbox and sends them when a hub comes back. Agents of the earlier version read
 * only the single status topic: it stays `online` while a hub runs and says `offline` after the last
 * one stopped. A hub machine that vanishes (its packets stop, nothing closes) is taken for gone
 * after 1.5 times the link's keepalive.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { connectAsync, type MqttClient } from 'mqtt';
import type { Agent } from '../../agent/agent.js';
import { connectHubLink } from '../../hub/broker/hub-link.js';
import { ingestFilter } from '../../hub/ingest/ingest-filter.js';
import { createLogger } from '../../shared/logger.js';
import {
  decodeMessage,
  type EventMessage,
  SCHEMA_VERSION,
  type TelemetryMessage,
} from '../../shared/schemas.js';
import {
  ALL_HUB_STATUSES_FILTER,
  ackTopic,
  allRoomsFilter,
  HUB_STATUS_TOPIC,
  hubIdOfStatusTopic,
  hubStatusTopic,
  parseTopic,
  roomChannels,
  roomTopic,
  sharedFilter,
} from '../../shared/topics.js';
import { inject, startTestAgent } from '../helpers/hub-harness.js';
import { type RunningMosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { waitFor } from '../helpers/wait.js';

const ROOM = 'tinh-uy';
const GROUP = 'hnth-hub';

interface TestHub {
  id: string;
  link: MqttClient & { stop(): Promise<void> };
  /** The room's events this hub received, by `bootId:seq`. */
  events: string[];
}

describe('two hubs of one group: a room sends while any hub is online', () => {
  let broker: RunningMosquitto;
  let agent: Agent;
  let watcher: MqttClient;
  /** Every event the room put on the wire, in order, seen by a plain (unshared) subscriber. */
  const sent: EventMessage[] = [];
  /** The room's telemetry, as the broker passed it on. */
  const telemetry: TelemetryMessage[] = [];
  /** The last status each hub, and the single topic (''), said. */
  const statuses = new Map<string, string>();
  const running: TestHub[] = [];

  async function connectHub(id: string): Promise<TestHub> {
    const events: string[] = [];
    // Messages the broker kept for this hub's session arrive before the link is handed back.
    const link: Promise<TestHub['link']> = connectHubLink(
      {
        url: broker.url,
        login: {},
        clientId: id,
        protocolVersion: 5,
        keepaliveSec: 10,
        // As a hub of a group: its session ends when it goes.
        sessionExpirySec: 0,
        now: () => new Date(),
        // As hub/hub.ts subscribes with mqtt.sharedGroup: events shared, the rest not.
        filters: roomChannels.map((ch) => ingestFilter(ch, GROUP)),
      },
      (topic, payload) => {
        const parsed = parseTopic(topic);
        if (parsed.kind !== 'room' || parsed.channel !== 'events') return;
        const decoded = decodeMessage('events', payload);
        if (!decoded.ok) return;
        const { bootId, seq } = decoded.message;
        events.push(`${bootId}:${seq}`);
        // As the hub's ingest does once stored: the room's outbox forgets the event.
        const ack = { v: SCHEMA_VERSION, bootId, seqs: [seq], ts: new Date().toISOString() };
        void link.then((l) => l.publishAsync(ackTopic(parsed.roomId), JSON.stringify(ack), { qos: 1 }));
      },
      createLogger(id, 'silent'),
    );
    const hub: TestHub = { id, link: await link, events };
    running.push(hub);
    return hub;
  }

  async function stopHub(hub: TestHub): Promise<void> {
    running.splice(running.indexOf(hub), 1);
    await hub.link.stop();
  }

  /** Injects a mains change; resolves with the key of the room's event for it once on the wire. */
  async function mainsEdgeSent(mains: boolean): Promise<string> {
    const before = sent.length;
    await inject(broker.url, ROOM, { mains });
    const event = await waitFor('the room’s mains event on the wire', () =>
      sent.slice(before).find((e) => e.type === (mains ? 'mains.restored' : 'mains.lost')),
    );
    return `${event.bootId}:${event.seq}`;
  }

  const statusOf = (id: string) => statuses.get(id);
  const hubNamed = (id: string) => running.find((h) => h.id === id)!;
  const receivedBy = (key: string) => running.filter((h) => h.events.includes(key)).map((h) => h.id);

  beforeAll(async () => {
    broker = await startMosquitto();
    watcher = await connectAsync(broker.url, { reconnectPeriod: 0 });
    watcher.on('message', (topic, payload) => {
      if (topic === HUB_STATUS_TOPIC || hubIdOfStatusTopic(topic) !== undefined) {
        const decoded = decodeMessage('hubStatus', payload);
        statuses.set(hubIdOfStatusTopic(topic) ?? '', decoded.ok ? decoded.message.state : 'unreadable');
        return;
      }
      if (topic === roomTopic(ROOM, 'telemetry')) {
        const decoded = decodeMessage('telemetry', payload);
        if (decoded.ok) telemetry.push(decoded.message);
        return;
      }
      const decoded = decodeMessage('events', payload);
      if (decoded.ok) sent.push(decoded.message);
    });
    await watcher.subscribeAsync(
      [roomTopic(ROOM, 'events'), roomTopic(ROOM, 'telemetry'), ALL_HUB_STATUSES_FILTER, HUB_STATUS_TOPIC],
      {
        qos: 1,
      },
    );
    await connectHub('hnth-hub-a');
    await connectHub('hnth-hub-b');
    agent = await startTestAgent(broker.url, ROOM);
  });
  afterAll(async () => {
    await agent?.stop();
    for (const hub of [...running]) await stopHub(hub);
    await watcher?.endAsync();
    await broker?.stop();
  });

  test('with both hubs online, each event reaches one hub of the group', async () => {
    expect(running.map((h) => h.id)).toEqual(['hnth-hub-a', 'hnth-hub-b']);
    await waitFor('both hubs and the single topic online', () =>
      ['hnth-hub-a', 'hnth-hub-b', ''].every((id) => statusOf(id) === 'online'),
    );
    const key = await mainsEdgeSent(false);
    await waitFor('the event at one hub', () => receivedBy(key).length === 1);
  });

  test('an earlier hub’s last will on the single topic: a running hub says online there again', async () => {
    const offline = JSON.stringify({ v: SCHEMA_VERSION, state: 'offline', ts: new Date().toISOString() });
    const earlier = await connectAsync(broker.url, {
      clientId: 'hnth-hub-earlier',
      reconnectPeriod: 0,
      will: { topic: HUB_STATUS_TOPIC, payload: Buffer.from(offline), qos: 1, retain: true },
    });
    const seen: string[] = [];
    const probe = await connectAsync(broker.url, { reconnectPeriod: 0 });
    probe.on('message', (_topic, payload) => {
      const decoded = decodeMessage('hubStatus', payload);
      seen.push(decoded.ok ? decoded.message.state : 'unreadable');
    });
    await probe.subscribeAsync(HUB_STATUS_TOPIC, { qos: 1 });
    await waitFor('the single topic’s retained status', () => seen.length === 1);
    earlier.stream.destroy();
    // Each running hub answers the will (both here): the topic ends `online` whoever is first.
    await waitFor(
      'the will, then the running hubs’ online',
      () => seen[1] === 'offline' && seen.at(-1) === 'online',
    );
    expect(seen.slice(2).every((state) => state === 'online')).toBe(true);
    await probe.endAsync();
    await earlier.endAsync(true);
  });

  test('one hub’s connection killed (as SIGKILL): its own status goes offline, the other hub gets the events', async () => {
    const a = hubNamed('hnth-hub-a');
    a.link.options.reconnectPeriod = 0;
    a.link.stream.destroy();
    await waitFor('hub A’s last will', () => statusOf('hnth-hub-a') === 'offline');
    running.splice(running.indexOf(a), 1);
    await a.link.endAsync(true);
    // Earlier agents still see the group up: the single topic carries no hub's last will.
    expect(statusOf('')).toBe('online');
    const key = await mainsEdgeSent(true);
    await waitFor('the event at hub B', () => receivedBy(key).join() === 'hnth-hub-b');
  });

  test('one hub stopped: the single topic says online again at once, and the other hub gets the events', async () => {
    await connectHub('hnth-hub-a');
    await waitFor('hub A online again', () => statusOf('hnth-hub-a') === 'online');
    await stopHub(hubNamed('hnth-hub-b'));
    await waitFor('hub B’s own status offline', () => statusOf('hnth-hub-b') === 'offline');
    await waitFor('hub A says the group is online on the single topic', () => statusOf('') === 'online');
    const key = await mainsEdgeSent(false);
    await waitFor('the event at hub A', () => receivedBy(key).join() === 'hnth-hub-a');
  });

  test('both hubs gone (the last one killed): the room holds its events, and sends them when a hub comes back', async () => {
    const a = hubNamed('hnth-hub-a');
    running.splice(running.indexOf(a), 1);
    a.link.options.reconnectPeriod = 0;
    a.link.stream.destroy();
    await waitFor('both hubs offline', () =>
      ['hnth-hub-a', 'hnth-hub-b'].every((id) => statusOf(id) === 'offline'),
    );
    await a.link.endAsync(true);
    // The single topic has no hub's will: it still says online, and this room does not believe it.
    expect(statusOf('')).toBe('online');
    const wireBefore = sent.length;
    const telemetryBefore = telemetry.length;
    await inject(broker.url, ROOM, { mains: true });
    // The broker is up, so the room's telemetry still flows; one sampled after the edge says its
    // event waits in the outbox, and a sent event would have gone out before it.
    await waitFor('telemetry after the edge with the event in the outbox', () =>
      telemetry
        .slice(telemetryBefore)
        .some((t) => t.power.mains === true && (t.outbox?.pendingCount ?? 0) > 0),
    );
    expect(sent.slice(wireBefore).map((e) => e.type)).not.toContain('mains.restored');
    const b = await connectHub('hnth-hub-b');
    const held = await waitFor('the held event on the wire once a hub is back', () =>
      sent.slice(wireBefore).find((e) => e.type === 'mains.restored'),
    );
    await waitFor('the held event at the hub that came back', () =>
      b.events.includes(`${held.bootId}:${held.seq}`),
    );
    await waitFor('the outbox empty once the hub acknowledged', () =>
      telemetry.slice(-1).some((t) => t.outbox?.pendingCount === 0),
    );
  });

  test('the last hub stopped on purpose: the single topic says offline too, for earlier agents', async () => {
    await stopHub(hubNamed('hnth-hub-b'));
    await waitFor('the single topic offline', () => statusOf('') === 'offline');
    expect(statusOf('hnth-hub-b')).toBe('offline');
  });
});

/** A TCP relay to the broker that can go silent, as a hub machine losing power or its network. */
async function silenceableRelay(brokerPort: number) {
  const sockets: Socket[] = [];
  const server = createServer((client) => {
    const upstream = createConnection(brokerPort, '127.0.0.1');
    sockets.push(client, upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('relay has no port');
  return {
    url: `mqtt://127.0.0.1:${address.port}`,
    /** Nothing passes any more, either way, and no connection closes. */
    silence: () => {
      for (const socket of sockets) {
        socket.unpipe();
        socket.pause();
      }
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('a hub machine that vanishes', () => {
  let broker: RunningMosquitto;
  let relay: Awaited<ReturnType<typeof silenceableRelay>>;
  let watcher: MqttClient;
  let link: MqttClient & { stop(): Promise<void> };

  beforeAll(async () => {
    broker = await startMosquitto();
    relay = await silenceableRelay(broker.port);
    watcher = await connectAsync(broker.url, { reconnectPeriod: 0 });
  });
  afterAll(async () => {
    await link?.endAsync(true);
    await watcher?.endAsync();
    await relay?.close();
    await broker?.stop();
  });

  test('is taken for gone by the broker after 1.5 times mqtt.keepaliveSec: its last will says offline', async () => {
    const keepaliveSec = 2;
    link = await connectHubLink(
      {
        url: relay.url,
        login: {},
        clientId: 'hnth-hub-c',
        protocolVersion: 5,
        sessionExpirySec: 0,
        keepaliveSec,
        now: () => new Date(),
        filters: [sharedFilter(GROUP, allRoomsFilter('events'))],
      },
      () => {},
      createLogger('hnth-hub-c', 'silent'),
    );
    link.options.reconnectPeriod = 0;
    const states: string[] = [];
    watcher.on('message', (_topic, payload) => {
      const decoded = decodeMessage('hubStatus', payload);
      states.push(decoded.ok ? decoded.message.state : 'unreadable');
    });
    await watcher.subscribeAsync(hubStatusTopic('hnth-hub-c'), { qos: 1 });
    await waitFor('hub C online', () => states.at(-1) === 'online');
    const silentAt = Date.now();
    relay.silence();
    await waitFor('hub C’s last will', () => states.at(-1) === 'offline', 15_000);
    const tookMs = Date.now() - silentAt;
    // Mosquitto checks keepalives about once a second (slack for a loaded machine); with mqtt.js's
    // default (60 s) this would take 90 s.
    expect(tookMs).toBeGreaterThanOrEqual(keepaliveSec * 1000);
    expect(tookMs).toBeLessThan(keepaliveSec * 1.5 * 1000 + 8000);
  });
});
