/**
 * A day in the life (shared/SCENARIO.md): the hub with its embedded broker and store, and the 28
 * simulated rooms as agents, all in this process on one virtual clock. Time moves only through
 * `at()`; after each instant the world settles (every message read, every store call answered)
 * before time moves on, so three days pass in seconds with every message at its virtual time.
 * With `group`, the hubs are a hub group (issue 17): several on one throwaway PostgreSQL and one
 * real Mosquitto that the rooms connect to, all on the same virtual clock; the world settles when
 * every running hub's store is done and Mosquitto has passed on all it was given.
 */
import type { MqttClient } from 'mqtt';
import type { Agent } from '../../agent/agent.js';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgent } from '../../agent/create-agent.js';
import type { RunningHub } from '../../hub/hub.js';
import { rooms } from '../../shared/fleet.js';
import { createLogger } from '../../shared/logger.js';
import { injectTopic } from '../../shared/topics.js';
import { VirtualClock } from '../fakes/virtual-clock.js';
import {
  type ApiSession,
  apiRequest,
  brokerPassword,
  login,
  operatorLogin,
  startTestHub,
  testMqttClient,
} from './hub-harness.js';
import { type RunningMosquitto, startMosquitto } from './mosquitto.js';
import { createTestDatabase, type TestDatabase } from './pg-database.js';
import { quiescent, quiescentThrough, watchSockets } from './quiescence.js';
import { tempDir } from './temp-dir.js';

/** `Mon 09:00` in the scenario's week, in the province's time (ICT, UTC+7). */
export type LocalTime = `${'Mon' | 'Tue' | 'Wed' | 'Thu' | 'Fri'} ${string}`;

export interface DayWorldOptions {
  /** Monday 00:00 of the scenario's week, ICT, as `2027-01-04`. */
  monday: string;
  hubOverrides: Record<string, unknown>;
  agentEnv: Record<string, string>;
  /** This many hubs of a group on PostgreSQL and Mosquitto; absent, one hub alone on SQLite. */
  group?: number;
  /** When the world starts in the week; Monday 00:00 by default. */
  from?: LocalTime;
}

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'];

/** The instant of `when` in the week of `monday`. */
function timeIn(monday: string, when: LocalTime): Date {
  const [day, hm] = when.split(' ') as [string, string];
  const [h, m] = hm.split(':').map(Number) as [number, number];
  const start = Date.parse(`${monday}T00:00:00+07:00`);
  return new Date(start + DAYS.indexOf(day) * 86_400_000 + (h * 60 + m) * 60_000);
}

type TestHub = Awaited<ReturnType<typeof startTestHub>>;

/** What a hub group shares: the database and the broker. */
interface GroupPeers {
  db: TestDatabase;
  mosquitto: RunningMosquitto;
}

/** The configuration of the group's hub number `i`: its own client id, the shared store and broker. */
function groupHub(
  options: DayWorldOptions,
  group: GroupPeers,
  i: number,
  first: TestHub | undefined,
): Record<string, unknown> {
  return {
    ...options.hubOverrides,
    // The audit log is one HMAC chain in the shared store: every hub signs with the first one's key
    // (deploy/ha/README.md, "The audit key").
    ...(first ? { 'audit.dir': first.config.audit.dir } : {}),
    'store.url': group.db.url,
    'mqtt.url': group.mosquitto.url,
    'mqtt.protocolVersion': 5,
    'mqtt.sharedGroup': 'hnth-hub',
    'mqtt.clientId': `hnth-hub-${i}`,
  };
}

export class DayWorld {
  readonly agents = new Map<string, Agent>();
  /** Each hub's operator session, by the hub's index. */
  private readonly sessions = new Map<number, ApiSession>();
  private injector: MqttClient | null = null;
  private readonly data = tempDir('hnth-day-agents-');
  private halted: Promise<void> | null = null;
  /** The hubs stopped on purpose before the world halts. */
  private readonly stopped = new Set<TestHub>();

  private constructor(
    readonly clock: VirtualClock,
    private readonly allHubs: TestHub[],
    private readonly group: GroupPeers | null,
    private readonly options: DayWorldOptions,
  ) {}

  /** Every hub started, in order: `api(…, via)` names one by its place here. */
  get hubs(): readonly TestHub[] {
    return this.allHubs;
  }

  /** The first hub (the only one, alone). */
  get hub(): TestHub {
    return this.hubs[0]!;
  }

  /** Where the rooms connect: the group's Mosquitto, or the hub's embedded broker. */
  get mqttUrl(): string {
    return this.group?.mosquitto.url ?? this.hub.mqttUrl;
  }

  static async start(options: DayWorldOptions): Promise<DayWorld> {
    watchSockets();
    const start = timeIn(options.monday, options.from ?? 'Mon 00:00');
    // The hubs still running: one stopped on purpose has nothing more to do.
    const ref: { hubs: () => readonly RunningHub[]; settle?: () => Promise<void> } = { hubs: () => [] };
    const busy = () => ref.hubs().reduce((n, hub) => n + hub.backlog().pending, 0);
    const clock = new VirtualClock(start, () => (ref.settle ? ref.settle() : quiescent(busy)));
    let group: GroupPeers | null = null;
    const hubs: TestHub[] = [];
    if (options.group) {
      const [db, mosquitto] = await Promise.all([createTestDatabase(), startMosquitto()]);
      group = { db, mosquitto };
      ref.settle = quiescentThrough(mosquitto.port, busy);
      try {
        for (let i = 0; i < options.group; i++)
          hubs.push(await startTestHub(groupHub(options, group, i, hubs[0]), { clock }));
      } catch (err) {
        // No world to stop yet: what was started for it is let go here.
        for (const hub of hubs.reverse()) await hub.stop().then(hub.removeData);
        await db.drop();
        await mosquitto.stop();
        throw err;
      }
    } else hubs.push(await startTestHub(options.hubOverrides, { clock }));
    const world = new DayWorld(clock, hubs, group, options);
    ref.hubs = () => world.running;
    for (const room of rooms) await world.startAgent(room.id);
    await Promise.all([...world.agents.values()].map((a) => a.start()));
    await Promise.all([...world.agents.values()].map((a) => a.connected));
    await clock.advance(0);
    return world;
  }

  /** The instant of `Thu 09:35` in the scenario's week. */
  time(when: LocalTime): Date {
    return timeIn(this.options.monday, when);
  }

  /** Moves the world to `when`, each timer at its time; `onInstant` sees every instant on the way. */
  async at(when: LocalTime, onInstant?: (at: Date) => void): Promise<void> {
    const target = this.time(when);
    if (target < this.clock.now())
      throw new Error(`${when} is in the past of ${this.clock.now().toISOString()}`);
    await this.clock.advanceTo(target, onInstant);
  }

  /** A simulated room's agent (again: a controller that booted after its halt), on the world's clock. */
  async startAgent(roomId: string, env: Record<string, string> = {}): Promise<Agent> {
    const config = loadAgentConfig({
      env: {
        HNTH_MQTT_URL: this.mqttUrl,
        HNTH_MQTT_USERNAME: roomId,
        HNTH_MQTT_PASSWORD: (await brokerPassword(this.mqttUrl, roomId)) ?? '',
        HNTH_DATA_DIR: this.data.path,
        ...this.options.agentEnv,
        ...env,
      },
      args: ['--room', roomId, '--simulate'],
    });
    const agent = createAgent(config, createLogger(roomId, process.env.HNTH_TEST_AGENT_LOG ?? 'silent'), {
      clock: this.clock,
    });
    this.agents.set(roomId, agent);
    return agent;
  }

  /** A fault in a simulated room (`{codec: 'down'}`), seen by the room at this instant. */
  async inject(roomId: string, fault: object): Promise<void> {
    this.injector ??= await testMqttClient(this.mqttUrl);
    await this.injector.publishAsync(injectTopic(roomId), JSON.stringify(fault), { qos: 1 });
    await this.clock.advance(0);
  }

  /**
   * The operator's call to the API of hub `via` (the first by default) at this instant. Sessions
   * expire on the hub's clock, so a session days old is replaced by a new login, as a person would
   * log in again.
   */
  async api(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown, via = 0) {
    const hub = this.hubs[via]!;
    for (let attempt = 0; attempt < 2; attempt++) {
      const session = this.sessions.get(via) ?? (await this.login(hub));
      this.sessions.set(via, session);
      const res = await apiRequest(hub.httpUrl, method, path, body, session);
      if (res.status !== 401) {
        await this.clock.advance(0);
        return res;
      }
      this.sessions.delete(via);
    }
    throw new Error(`${method} ${path}: still 401 after logging in again`);
  }

  private login(hub: TestHub): Promise<ApiSession> {
    const { username, password } = operatorLogin(hub.httpUrl);
    return login(hub.httpUrl, username, password);
  }

  /** The hubs not stopped. */
  get running(): TestHub[] {
    return this.hubs.filter((hub) => !this.stopped.has(hub));
  }

  /**
   * A stopped hub of the group started again (a new process, with the same MQTT client id and so the
   * same broker session), on the world's clock; its index in `hubs`.
   */
  async restartHub(stopped: TestHub): Promise<number> {
    if (!this.group) throw new Error('a hub alone has no group to join');
    if (!this.stopped.has(stopped)) throw new Error('only a stopped hub starts again');
    const overrides = groupHub(this.options, this.group, this.allHubs.indexOf(stopped), this.hub);
    const i = this.allHubs.length;
    this.allHubs.push(await startTestHub(overrides, { clock: this.clock }));
    await this.clock.advance(0);
    return i;
  }

  /** Stops one hub of a group, the others and the rooms going on. */
  async stopHub(hub: TestHub): Promise<void> {
    this.stopped.add(hub);
    await hub.stop();
  }

  /**
   * Stops the rooms and the hubs, leaving the hubs' data folders and audit folders for a test to
   * read (the day's database moved elsewhere); once, however often it is called.
   */
  halt(): Promise<void> {
    this.halted ??= (async () => {
      await this.injector?.endAsync();
      await Promise.all([...this.agents.values()].map((a) => a.stop()));
      for (const hub of this.running.reverse()) await this.stopHub(hub);
    })();
    return this.halted;
  }

  async stop(): Promise<void> {
    await this.halt();
    for (const hub of this.hubs) hub.removeData();
    this.data.remove();
    await this.group?.db.drop();
    await this.group?.mosquitto.stop();
  }
}
