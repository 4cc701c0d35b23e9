/**
 * Starts a hub on ephemeral ports with a temporary data folder, and in-process simulated agents.
 * Authentication is transparent here: the hub gets an operator, `apiRequest`/`getJson`/`liveClient`
 * log in as them (cookie and CSRF token), and agents and MQTT clients use issued credentials. A test
 * that checks a refusal opts out explicitly (`testMqttClient(url, opts, 'anonymous')`, raw fetch).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { WebSocket } from 'ws';
import type { Agent } from '../../agent/agent.js';
import { loadAgentConfig } from '../../agent/config.js';
import { type AgentPorts, createAgent } from '../../agent/create-agent.js';
import { type HubConfig, loadHubConfig } from '../../hub/config.js';
import { type HubOptions, type RunningHub, startHub } from '../../hub/hub.js';
import { loadOrCreateAuditKey } from '../../hub/security/audit-key.js';
import { HUB_ACCOUNT } from '../../hub/security/mqtt-policy.js';
import {
  openSecurity,
  type Security,
  type SecurityOptions,
  securityMigrations,
} from '../../hub/security/security.js';
import { openDatabase } from '../../hub/store/database.js';
import { sqliteStore } from '../../hub/store/sql.js';
import { builtInFleet, type Fleet } from '../../shared/fleet.js';
import { createLogger } from '../../shared/logger.js';
import { injectTopic } from '../../shared/topics.js';
import { tempDir } from './temp-dir.js';
import { waitFor } from './wait.js';

export const TEST_OPERATOR = 'test-operator';

interface KnownHub {
  hub: RunningHub;
  operatorPassword: string;
  /** A TLS test hub's certificate, self-signed, so also the CA its clients trust. */
  caFile: string;
  /** Passwords issued by this harness, per broker account (issuing again would revoke them). */
  issued: Map<string, Promise<string>>;
  session?: Promise<ApiSession>;
  /** Sessions of the room technicians tests act as, by room. */
  technicians: Map<string, Promise<ApiSession>>;
}

/** Test hubs by their broker URL and by their HTTP origin, so helpers given a URL find credentials. */
const byMqttUrl = new Map<string, KnownHub>();
const byHttpOrigin = new Map<string, KnownHub>();
/** The test operator's password on each shared PostgreSQL store, made by the first hub on it. */
const operatorsByStore = new Map<string, Promise<string>>();

export async function startTestHub(
  overrides: Record<string, unknown> = {},
  options: HubOptions = {},
): Promise<RunningHub & { config: HubConfig; removeData(): void }> {
  const data = tempDir('hnth-hub-');
  const config = loadHubConfig({
    env: {},
    overrides: {
      // The audit folder goes beside the data folder (`data-audit`), in the same temporary folder.
      dataDir: path.join(data.path, 'data'),
      'mqtt.port': 0,
      'mqtt.host': '127.0.0.1',
      'mqtt.simInject': true,
      'http.port': 0,
      'http.host': '127.0.0.1',
      readinessCheckSec: 1,
      ...overrides,
    },
  });
  const log = createLogger('hub', process.env.HNTH_TEST_HUB_LOG ?? 'silent');
  const hub = await startHub(config, log, options).catch((err: Error) => {
    data.remove();
    throw err;
  });
  // Hubs of one group share their users: the operator is made once per store, or a second hub's
  // harness would reset the password the first hub's tests log in with.
  const storeUrl = String(config.store.url);
  let operator = storeUrl ? operatorsByStore.get(storeUrl) : undefined;
  if (!operator) {
    operator = hub.security.users.set(
      { username: TEST_OPERATOR, role: 'operator', roomId: null },
      'test-harness',
    );
    if (storeUrl) operatorsByStore.set(storeUrl, operator);
  }
  const operatorPassword = await operator;
  const known: KnownHub = {
    hub,
    operatorPassword,
    caFile: config.mqtt.tls.certFile,
    issued: new Map(),
    technicians: new Map(),
  };
  byMqttUrl.set(hub.mqttUrl, known);
  byHttpOrigin.set(new URL(hub.httpUrl).origin, known);
  return {
    ...hub,
    stop: async () => {
      byMqttUrl.delete(hub.mqttUrl);
      byHttpOrigin.delete(new URL(hub.httpUrl).origin);
      await hub.stop();
    },
    config,
    removeData: data.remove,
  };
}

/**
 * The security parts of a hub's data folder before the hub starts, opened as `hnth-hub`'s
 * subcommands open them (with the hub's audit key), for a test that issues accounts first.
 */
export function openHubSecurity(dataDir: string): Promise<Security & { close(): Promise<void> }> {
  const config = loadHubConfig({ env: {}, overrides: { dataDir } });
  return openSecurityIn(path.join(dataDir, 'hnth.db'), { auditKey: loadOrCreateAuditKey(config.audit.dir) });
}

/**
 * The security parts on a SQLite file of their own (`:memory:` by default, with a throwaway audit
 * key), migrated, for a test that needs accounts and no hub.
 */
export async function openSecurityIn(
  file = ':memory:',
  options: SecurityOptions = {},
  fleet: Fleet = builtInFleet,
): Promise<Security & { close(): Promise<void> }> {
  const db = openDatabase(file);
  const relational = sqliteStore(db);
  await relational.migrate(securityMigrations);
  const security = openSecurity(relational.sql, fleet, options);
  return {
    ...security,
    // The audit rows recorded and not yet stored are written first.
    close: async () => {
      await security.audit.settled();
      db.close();
    },
  };
}

/**
 * The password of a broker account (a room id or the hub's account) at the test hub whose broker is
 * `mqttUrl`, issued once per hub; undefined when no test hub owns that URL (an external broker that
 * lets anyone in).
 */
export function brokerPassword(mqttUrl: string, account: string): Promise<string | undefined> {
  const known = byMqttUrl.get(mqttUrl);
  if (!known) return Promise.resolve(undefined);
  // The promise is kept, not the password: callers at the same moment share one issue.
  let password = known.issued.get(account);
  if (password === undefined) {
    password = known.hub.security.credentials.issue(account, 'test-harness');
    known.issued.set(account, password);
  }
  return password;
}

async function agentEnv(mqttUrl: string, roomId: string): Promise<Record<string, string>> {
  const password = await brokerPassword(mqttUrl, roomId);
  const caFile = byMqttUrl.get(mqttUrl)?.caFile;
  return {
    ...(password === undefined ? {} : { HNTH_MQTT_USERNAME: roomId, HNTH_MQTT_PASSWORD: password }),
    ...(caFile ? { HNTH_MQTT_CA_FILE: caFile } : {}),
  };
}

/** Data folders of agents run as processes by this test process, removed when it exits. */
const agentData = tempDir('hnth-agents-');
process.once('exit', () => agentData.remove());

/**
 * A simulated agent connected to `mqttUrl`. Its data folder is a fresh temporary one (removed when
 * the agent stops) unless `env` names one; `env` sets any other `HNTH_*` value.
 */
export async function startTestAgent(
  mqttUrl: string,
  roomId: string,
  intervalSec = 0.5,
  env: Record<string, string> = {},
  ports: AgentPorts = {},
): Promise<Agent> {
  const data = env.HNTH_DATA_DIR ? null : tempDir('hnth-agent-');
  const config = loadAgentConfig({
    env: {
      HNTH_MQTT_URL: mqttUrl,
      HNTH_TELEMETRY_INTERVAL: String(intervalSec),
      // A codec that boots in a second: tests that switch rooms on do not wait the demo's 45 s.
      HNTH_SIM_CODEC_BOOT_SEC: '1',
      ...(await agentEnv(mqttUrl, roomId)),
      ...(data ? { HNTH_DATA_DIR: data.path } : {}),
      ...env,
    },
    args: ['--room', roomId, '--simulate'],
  });
  const agent = createAgent(config, createLogger(roomId, 'silent'), ports);
  if (data) {
    const stop = agent.stop.bind(agent);
    agent.stop = async () => {
      await stop();
      data.remove();
    };
  }
  await agent.start();
  await agent.connected;
  return agent;
}

/** The agent as its own process (through tsx), so a test can kill it as a crash would. */
export async function spawnAgentProcess(mqttUrl: string, roomId: string, dataDir = agentData.path) {
  const login = await agentEnv(mqttUrl, roomId);
  return spawn(process.execPath, ['--import', 'tsx', 'agent/cli.ts', '--simulate', '--room', roomId], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      HNTH_MQTT_URL: mqttUrl,
      HNTH_LOG_LEVEL: 'silent',
      HNTH_TELEMETRY_INTERVAL: '0.5',
      HNTH_SIM_CODEC_BOOT_SEC: '1',
      HNTH_DATA_DIR: dataDir,
      ...login,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export interface HubProcess {
  child: ChildProcess;
  httpUrl: string;
  mqttUrl: string;
  /** Of the operator `op`. */
  operatorPassword: string;
  /** The broker password of the room named in `args`, if one was. */
  roomPassword: string | null;
}

/**
 * The hub as its own process (test/fakes/hub-process.ts), so a test can kill it with SIGKILL;
 * `args`: data folder, MQTT port, HTTP port and optionally a room to issue a broker password for;
 * `overrides`: more of its configuration.
 */
export function startHubProcess(
  args: string[],
  overrides: Record<string, unknown> = {},
): Promise<HubProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fakes/hub-process.ts', ...args], {
    env: { ...process.env, NODE_OPTIONS: '', HNTH_TEST_HUB_OVERRIDES: JSON.stringify(overrides) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`hub process exited with ${code} before it was ready`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ child, ...JSON.parse(line) }));
  });
}

export async function inject(mqttUrl: string, roomId: string, fault: object): Promise<void> {
  const client = await testMqttClient(mqttUrl);
  await client.publishAsync(injectTopic(roomId), JSON.stringify(fault), { qos: 1 });
  await client.endAsync();
}

/** A logged-in dashboard session: its cookie and CSRF token, sent with every request. */
export interface ApiSession {
  cookie: string;
  csrfToken: string;
  username: string;
  role: string;
}

/** Logs in over HTTP as a browser would; throws with the hub's answer when it is refused. */
export async function login(baseUrl: string, username: string, password: string): Promise<ApiSession> {
  const res = await fetch(`${baseUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await res.json()) as { csrfToken?: string; role?: string; error?: string };
  if (res.status !== 200 || !body.csrfToken)
    throw new Error(`login as ${username}: HTTP ${res.status} ${body.error ?? ''}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  return { cookie, csrfToken: body.csrfToken, username, role: body.role ?? '' };
}

/** The test operator's login at a test hub, for a browser test to type into the login page. */
export function operatorLogin(baseUrl: string): { username: string; password: string } {
  const known = byHttpOrigin.get(new URL(baseUrl).origin);
  if (!known) throw new Error(`${baseUrl} is not a hub started by startTestHub`);
  return { username: TEST_OPERATOR, password: known.operatorPassword };
}

/** The test operator's session at the test hub serving `baseUrl`; none for a server the harness did not start. */
function operatorSession(baseUrl: string): Promise<ApiSession> | undefined {
  const known = byHttpOrigin.get(new URL(baseUrl).origin);
  if (!known) return undefined;
  known.session ??= login(baseUrl, TEST_OPERATOR, known.operatorPassword);
  return known.session;
}

/** Who a test request is made as: the test operator, or the technician of a room. */
export type TestActor = { role: 'operator' } | { role: 'technician'; roomId: string };

export interface RequestOptions {
  /** Act as this person (a session is opened for them at the test hub); the operator by default. */
  as?: TestActor;
  /** Send `body` as this text type (text/csv) instead of JSON. */
  contentType?: string;
}

/** The session of a room's technician at the test hub serving `baseUrl`, created on first use. */
function technicianSession(baseUrl: string, roomId: string): Promise<ApiSession> {
  const known = byHttpOrigin.get(new URL(baseUrl).origin);
  if (!known) throw new Error(`${baseUrl} is not a hub started by startTestHub`);
  let session = known.technicians.get(roomId);
  if (!session) {
    const username = `tech-${roomId}`;
    session = known.hub.security.users
      .set({ username, role: 'technician', roomId }, 'test-harness')
      .then((password) => login(baseUrl, username, password));
    known.technicians.set(roomId, session);
  }
  return session;
}

function isSession(x: unknown): x is ApiSession {
  return typeof x === 'object' && x !== null && 'cookie' in x;
}

/**
 * Every test's HTTP call to the hub goes through here, so that authentication (session cookie,
 * CSRF token) is added in one place for all of them: as the test operator by default, as the person
 * `as` names, as an explicit `session`, or with no session at all when given null.
 */
export async function apiRequest(
  baseUrl: string,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  who: RequestOptions | ApiSession | null = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const options: RequestOptions = who === null || isSession(who) ? {} : who;
  let auth: ApiSession | null | undefined;
  if (who === null) auth = null;
  else if (isSession(who)) auth = who;
  else if (options.as?.role === 'technician') auth = await technicianSession(baseUrl, options.as.roomId);
  else auth = await operatorSession(baseUrl);
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  if (auth) {
    headers.cookie = auth.cookie;
    headers['x-csrf-token'] = auth.csrfToken;
  }
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : options.contentType ? String(body) : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (calendar, CSV, HTML): the text itself
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** GET that must succeed; `url` is the hub's base URL followed by the path. */
export async function getJson<T = unknown>(url: string): Promise<T> {
  const u = new URL(url);
  const res = await apiRequest(u.origin, 'GET', `${u.pathname}${u.search}`);
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  return res.body as T;
}

/**
 * Who a raw test client is on the broker: by default the hub's account (reads everything, writes
 * commands, schedules and injections); explicitly a room (`{ room: id }`, client id = room id) or
 * `anonymous`. An explicit `username` in the options wins.
 */
export type TestMqttIdentity = 'hub' | 'anonymous' | { room: string };

/** A raw MQTT client for tests (forging, watching); credentials are added here. */
export async function testMqttClient(
  mqttUrl: string,
  options: IClientOptions = {},
  as?: TestMqttIdentity,
): Promise<MqttClient> {
  const who: TestMqttIdentity = as ?? 'hub';
  let login: IClientOptions = {};
  if (options.username === undefined && who !== 'anonymous') {
    const account = who === 'hub' ? HUB_ACCOUNT : who.room;
    const password = await brokerPassword(mqttUrl, account);
    if (password !== undefined)
      login = { username: account, password, ...(who === 'hub' ? {} : { clientId: who.room }) };
  }
  const caFile = byMqttUrl.get(mqttUrl)?.caFile;
  return connectAsync(mqttUrl, {
    reconnectPeriod: 0,
    ...(caFile ? { ca: readFileSync(caFile) } : {}),
    ...login,
    ...options,
  });
}

/** A `/ws` client that keeps every message, for tests to wait on; `ws` to pause it or see it closed. */
export async function liveClient(
  httpUrl: string,
  as: TestActor = { role: 'operator' },
): Promise<{ messages: { type: string; [k: string]: unknown }[]; ws: WebSocket; close(): void }> {
  const session =
    as.role === 'operator' ? await operatorSession(httpUrl) : await technicianSession(httpUrl, as.roomId);
  const ws = new WebSocket(`${httpUrl.replace(/^http/, 'ws')}/ws`, {
    headers: session ? { cookie: session.cookie } : {},
  });
  const messages: { type: string }[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
  await waitFor('websocket snapshot', () => messages.some((m) => m.type === 'snapshot'));
  return { messages, ws, close: () => ws.close() };
}
