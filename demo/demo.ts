/**
 * `npm start`: the hub with its embedded broker and SQLite file, plus the 28 rooms as simulated
 * agents and a simulated MCU in this one process, so a new user sees the whole network on one machine. Security is on
 * as in production: each simulated room gets its own issued broker password, and a demo operator
 * gets a password generated at this start (printed once; none is ever fixed in the repository).
 */
import path from 'node:path';
import type { Agent } from '../agent/agent.js';
import { type AgentConfig, loadAgentConfig } from '../agent/config.js';
import { createAgent } from '../agent/create-agent.js';
import { loadHubConfig } from '../hub/config.js';
import { startHub } from '../hub/hub.js';
import { HUB_ACCOUNT } from '../hub/security/mqtt-policy.js';
import { rooms } from '../shared/fleet.js';
import { createLogger } from '../shared/logger.js';
import { startSimMcu } from './sim-mcu.js';

export const DEMO_OPERATOR = 'demo';

/** How long a simulated controller takes to boot after the operator reboots it (a Pi: about 20 s). */
const CONTROLLER_BOOT_MS = 20_000;

export interface Demo {
  httpUrl: string;
  mqttUrl: string;
  agents: Agent[];
  /** The dashboard login of this run. */
  operator: { username: string; password: string };
  /** A broker login that may inject simulated faults (the benchmark uses it). */
  injector: { username: string; password: string };
  stop(): Promise<void>;
}

export interface DemoOptions {
  env?: NodeJS.ProcessEnv;
  /** Hub settings that override the environment (tests and the benchmark use ephemeral ports). */
  hubOverrides?: Record<string, unknown>;
  logLevel?: string;
  /**
   * Demo only: minutes a room with nothing scheduled stays on before it switches off, short so a
   * visitor sees rooms go POWERED_OFF (a real room's `power.quietMin` defaults to 30). Default 2,
   * or `HNTH_DEMO_QUIET_MIN`.
   */
  quietMin?: number;
  /** How long after a simulated room's halt on a critical UPS it boots again; 60 s by default. */
  rebootMs?: number;
}

function demoQuietMin(options: DemoOptions, env: NodeJS.ProcessEnv): number {
  const value = options.quietMin ?? Number(env.HNTH_DEMO_QUIET_MIN ?? 2);
  if (!(value > 0)) throw new Error('HNTH_DEMO_QUIET_MIN must be a number of minutes greater than 0');
  return value;
}

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const env = options.env ?? process.env;
  const quietMin = demoQuietMin(options, env);
  const level = options.logLevel ?? env.HNTH_LOG_LEVEL ?? 'warn';
  // A simulated MCU unless a real one is named: the fleet page then shows it reachable, with its round trip.
  const mcu = env.HNTH_MCU_SIP_URI || env.HNTH_MCU_HOST ? null : await startSimMcu();
  const hubConfig = loadHubConfig({
    env,
    overrides: {
      portFallback: true,
      'mqtt.simInject': true,
      ...(mcu ? { 'mcu.sipUri': mcu.sipUri } : {}),
      ...options.hubOverrides,
    },
  });
  const hub = await startHub(hubConfig, createLogger('hnth-hub', level === 'warn' ? 'info' : level)).catch(
    async (err: Error) => {
      await mcu?.stop();
      throw err;
    },
  );
  const { users, credentials } = hub.security;
  const operator = {
    username: DEMO_OPERATOR,
    password: await users.set({ username: DEMO_OPERATOR, role: 'operator', roomId: null }, 'demo'),
  };
  const injector = { username: HUB_ACCOUNT, password: await credentials.issue(HUB_ACCOUNT, 'demo') };
  const agentLog = createLogger('hnth-agent', level);
  const agents: Agent[] = [];
  const startRoom = (room: (typeof rooms)[number], index: number) => {
    const config: AgentConfig = loadAgentConfig({
      env: {
        ...env,
        HNTH_MQTT_URL: hub.mqttUrl,
        HNTH_MQTT_USERNAME: room.id,
        HNTH_MQTT_PASSWORD: passwords.get(room.id)!,
        HNTH_POWER_QUIET_MIN: String(quietMin),
        // The simulated rooms' outboxes and schedules beside the hub's data, not in whatever folder
        // the demo was started from: one place to look, and a test's temporary folder holds it all.
        HNTH_DATA_DIR: path.join(hubConfig.dataDir, 'rooms'),
      },
      args: ['--room', room.id, '--simulate'],
    });
    // A simulated controller halted by its UPS comes back a minute later, as a real one does when
    // the mains return and it boots: the demo's room is not lost for the rest of the run. One the
    // operator reboots comes back after a controller's boot time.
    const bootAgain = (afterMs: number) => () => {
      const timer = setTimeout(() => void startRoom(room, index).start(), afterMs);
      reboots.add(timer);
    };
    const agent = createAgent(config, agentLog.child({ room: room.id }), {
      afterHalt: bootAgain(options.rebootMs ?? 60_000),
      afterReboot: bootAgain(CONTROLLER_BOOT_MS),
    });
    agents[index] = agent;
    return agent;
  };
  const reboots = new Set<NodeJS.Timeout>();
  const passwords = new Map(
    await Promise.all(
      rooms.map(async (room) => [room.id, await credentials.issue(room.id, 'demo')] as const),
    ),
  );
  for (const [i, room] of rooms.entries()) startRoom(room, i);
  await Promise.all(agents.map((a) => a.start()));
  return {
    httpUrl: hub.httpUrl,
    mqttUrl: hub.mqttUrl,
    agents,
    operator,
    injector,
    stop: async () => {
      for (const timer of reboots) clearTimeout(timer);
      await Promise.all(agents.map((a) => a.stop()));
      await hub.stop();
      await mcu?.stop();
    },
  };
}
