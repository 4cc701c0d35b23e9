/**
 * A day in the life (shared/SCENARIO.md): the hub with its embedded broker and store, and the 28
 * simulated rooms as agents, all in this process on one virtual clock. Time moves only through
 * `at()`; after each instant the world settles (every message read, every store call answered)
 * before time moves on, so three days pass in seconds with every message at its virtual time.
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
import { quiescent, watchSockets } from './quiescence.js';
import { tempDir } from './temp-dir.js';

/** `Mon 09:00` in the scenario's week, in the province's time (ICT, UTC+7). */
export type LocalTime = `${'Mon' | 'Tue' | 'Wed' | 'Thu' | 'Fri'} ${string}`;

export interface DayWorldOptions {
  /** Monday 00:00 of the scenario's week, ICT, as `2027-01-04`. */
  monday: string;
  hubOverrides: Record<string, unknown>;
  agentEnv: Record<string, string>;
}

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'];

export class DayWorld {
  readonly agents = new Map<string, Agent>();
  private session: ApiSession | null = null;
  private injector: MqttClient | null = null;
  private readonly data = tempDir('hnth-day-agents-');
  private halted: Promise<void> | null = null;

  private constructor(
    readonly clock: VirtualClock,
    readonly hub: Awaited<ReturnType<typeof startTestHub>>,
    private readonly options: DayWorldOptions,
  ) {}

  static async start(options: DayWorldOptions): Promise<DayWorld> {
    watchSockets();
    const monday = new Date(`${options.monday}T00:00:00+07:00`);
    const ref: { hub?: RunningHub } = {};
    const clock = new VirtualClock(monday, () => quiescent(() => ref.hub?.backlog().pending ?? 0));
    const hub = await startTestHub(options.hubOverrides, { clock });
    ref.hub = hub;
    const world = new DayWorld(clock, hub, options);
    for (const room of rooms) await world.startAgent(room.id);
    await Promise.all([...world.agents.values()].map((a) => a.start()));
    await Promise.all([...world.agents.values()].map((a) => a.connected));
    await clock.advance(0);
    return world;
  }

  /** The instant of `Thu 09:35` in the scenario's week. */
  time(when: LocalTime): Date {
    const [day, hm] = when.split(' ') as [string, string];
    const monday = Date.parse(`${this.options.monday}T00:00:00+07:00`);
    const [h, m] = hm.split(':').map(Number) as [number, number];
    return new Date(monday + DAYS.indexOf(day) * 86_400_000 + (h * 60 + m) * 60_000);
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
        HNTH_MQTT_URL: this.hub.mqttUrl,
        HNTH_MQTT_USERNAME: roomId,
        HNTH_MQTT_PASSWORD: (await brokerPassword(this.hub.mqttUrl, roomId)) ?? '',
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
    this.injector ??= await testMqttClient(this.hub.mqttUrl);
    await this.injector.publishAsync(injectTopic(roomId), JSON.stringify(fault), { qos: 1 });
    await this.clock.advance(0);
  }

  /**
   * The operator's call to the API at this instant. Sessions expire on the hub's clock, so a
   * session days old is replaced by a new login, as a person would log in again.
   */
  async api(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown) {
    for (let attempt = 0; attempt < 2; attempt++) {
      this.session ??= await this.login();
      const res = await apiRequest(this.hub.httpUrl, method, path, body, this.session);
      if (res.status !== 401) {
        await this.clock.advance(0);
        return res;
      }
      this.session = null;
    }
    throw new Error(`${method} ${path}: still 401 after logging in again`);
  }

  private login(): Promise<ApiSession> {
    const { username, password } = operatorLogin(this.hub.httpUrl);
    return login(this.hub.httpUrl, username, password);
  }

  /**
   * Stops the rooms and the hub, leaving the hub's data folder and audit folder for a test to read
   * (the day's database moved elsewhere); once, however often it is called.
   */
  halt(): Promise<void> {
    this.halted ??= (async () => {
      await this.injector?.endAsync();
      await Promise.all([...this.agents.values()].map((a) => a.stop()));
      await this.hub.stop();
    })();
    return this.halted;
  }

  async stop(): Promise<void> {
    await this.halt();
    this.hub.removeData();
    this.data.remove();
  }
}
