/**
 * The hub's configuration: one convict schema with defaults and documentation. Values come from
 * the defaults, then `--config file.json`, then `HNTH_*` environment variables.
 */
import path from 'node:path';
import convict from 'convict';
import { ConfigError, loadConfigFile, validateStrict } from '../shared/config-file.js';
import type { Fleet } from '../shared/fleet.js';
import { loadFleet } from '../shared/fleet-file.js';
import { parseSipTarget } from '../shared/probes/sip-options.js';
import { isValidShareGroup } from '../shared/topics.js';
import { defaultRulesConfig, type RulesConfig } from './incidents/incident-rules.js';
import type { McuConfig } from './mcu/mcu-monitor.js';
import type { WebhookTarget } from './notify/notify-routing.js';
import { defaultThresholds, type Thresholds } from './readiness.js';
import { type CallLimits, defaultCallLimits, type ExpectedPeripherals } from './schedule/call-checks.js';
import { HUB_ACCOUNT } from './security/mqtt-policy.js';

function positiveNumber(value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new Error('must be a number greater than 0');
}

function hoursList(value: unknown): void {
  if (!Array.isArray(value) || value.length === 0 || value.some((h) => typeof h !== 'number' || !(h > 0)))
    throw new Error('must be a non-empty list of hours greater than 0, e.g. [24, 2]');
}

const severityNames = ['info', 'warning', 'critical'];

/** What a room or the MCU is dialled with: a SIP URI or number, as a codec's Dial takes it. */
const DIAL_STRING = /^[A-Za-z0-9@.:+_*#-]{1,255}$/;

convict.addFormat({
  name: 'dial-string',
  validate(value: unknown) {
    if (value !== '' && (typeof value !== 'string' || !DIAL_STRING.test(value)))
      throw new Error('must be empty or a SIP URI or number to dial (letters, digits and @ . : + _ * # -)');
  },
});
convict.addFormat({
  name: 'room-dial-strings',
  validate(value: unknown) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error('must be an object of room ids to dial strings');
    for (const [room, dial] of Object.entries(value)) {
      if (typeof dial !== 'string' || !DIAL_STRING.test(dial))
        throw new Error(`"${room}": "${String(dial)}" is not a SIP URI or number to dial`);
    }
  },
});
convict.addFormat({
  name: 'line-test-uri',
  validate(value: unknown) {
    if (value !== '' && (typeof value !== 'string' || !/^sip:[^@\s]+@[^\s:;]+(:\d{1,5})?$/.test(value)))
      throw new Error('must be empty or the MCU’s test number as sip:number@host[:port]');
  },
});

function peripheralCounts(value: unknown, where: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${where}must be {cameras, microphones, touchPanels, displays}`);
  for (const [kind, n] of Object.entries(value)) {
    if (!['cameras', 'microphones', 'touchPanels', 'displays'].includes(kind))
      throw new Error(`${where}"${kind}" is not one of cameras, microphones, touchPanels, displays`);
    if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > 16)
      throw new Error(`${where}${kind} must be a whole number from 0 to 16`);
  }
}
convict.addFormat({
  name: 'hh-mm-or-empty',
  validate(value: unknown) {
    if (value !== '' && (typeof value !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(value))) {
      throw new Error('must be a local time HH:mm (22:00) or empty');
    }
  },
});
convict.addFormat({
  name: 'webhook-list',
  validate(value: unknown) {
    if (!Array.isArray(value)) throw new Error('must be a list of {url, minSeverity}');
    value.forEach((w: { url?: unknown; minSeverity?: unknown }, i) => {
      if (typeof w?.url !== 'string' || !/^https?:\/\/\S+$/.test(w.url)) {
        throw new Error(`[${i}].url must be an http(s) URL`);
      }
      if (!severityNames.includes(String(w.minSeverity))) {
        throw new Error(`[${i}].minSeverity must be one of ${severityNames.join(', ')}`);
      }
    });
  },
});
convict.addFormat({
  name: 'email-list',
  validate(value: unknown) {
    if (!Array.isArray(value)) throw new Error('must be a list of email addresses');
    for (const v of value) {
      if (typeof v !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v))
        throw new Error(`"${v}" is not an email address`);
    }
  },
  coerce: (v: string) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
});

export const hubSchema = {
  dataDir: {
    doc: 'Folder of the hub’s database (hnth.db).',
    format: String,
    default: './data',
    env: 'HNTH_DATA_DIR',
  },
  fleet: {
    file: {
      doc: 'JSON file listing the rooms this hub serves, [{no, id, name, nameEn?, kind, operatesNetwork?}] (shared/fleet-file.ts), for a fleet past the regulation’s 28; a broken file stops the hub. Empty: the 28 rooms of shared/fleet.ts.',
      format: String,
      default: '',
      env: 'HNTH_FLEET_FILE',
    },
  },
  portFallback: {
    doc: 'When a configured port is taken, listen on a free one and say which (the demo does this).',
    format: Boolean,
    default: false,
    env: 'HNTH_PORT_FALLBACK',
  },
  mqtt: {
    url: {
      doc: 'External broker (Mosquitto, EMQX); empty to run the embedded broker.',
      format: String,
      default: '',
      env: 'HNTH_MQTT_URL',
    },
    protocolVersion: {
      doc: 'MQTT protocol towards an external broker: 4 (3.1.1) or 5. The embedded broker speaks 4.',
      format: [4, 5],
      default: 4,
      env: 'HNTH_MQTT_PROTOCOL',
    },
    clientId: {
      doc: 'The hub’s MQTT client id; its session is persistent, so each hub instance needs its own.',
      format: String,
      default: 'hnth-hub',
      env: 'HNTH_MQTT_CLIENT_ID',
    },
    sharedGroup: {
      doc: 'MQTT 5 shared subscription group ($share/<group>/…) for the rooms’ telemetry and events, so several hub instances on one external broker split them; every instance still gets every status and reply. Empty: plain subscriptions.',
      format: (value: unknown) => {
        if (value !== '' && !isValidShareGroup(String(value)))
          throw new Error('must be empty or letters, digits, - and _ (e.g. hnth-hub)');
      },
      default: '',
      env: 'HNTH_MQTT_SHARED_GROUP',
    },
    username: {
      doc: 'Username at an external broker.',
      format: String,
      default: '',
      env: 'HNTH_MQTT_USERNAME',
    },
    password: {
      doc: 'Password at an external broker.',
      format: String,
      default: '',
      sensitive: true,
      env: 'HNTH_MQTT_PASSWORD',
    },
    port: { doc: 'Port of the embedded broker.', format: 'port', default: 1883, env: 'HNTH_MQTT_PORT' },
    host: {
      doc: 'Address the embedded broker listens on; anything but loopback needs TLS (mqtt.tls) or mqtt.allowPlain.',
      format: String,
      default: '127.0.0.1',
      env: 'HNTH_MQTT_HOST',
    },
    tls: {
      certFile: {
        doc: 'PEM certificate (with its chain) of the embedded broker; rooms then connect with mqtts://.',
        format: String,
        default: '',
        env: 'HNTH_MQTT_TLS_CERT',
      },
      keyFile: {
        doc: 'PEM private key of that certificate.',
        format: String,
        default: '',
        env: 'HNTH_MQTT_TLS_KEY',
      },
      caFile: {
        doc: 'PEM certificate authority the hub trusts when it connects to an external broker over mqtts://.',
        format: String,
        default: '',
        env: 'HNTH_MQTT_CA_FILE',
      },
    },
    allowPlain: {
      doc: 'Let the embedded broker serve plain MQTT on a non-loopback address (a closed lab network only).',
      format: Boolean,
      default: false,
      env: 'HNTH_MQTT_ALLOW_PLAIN',
    },
    simInject: {
      doc: 'Open the simulator’s fault-injection topic (demo and tests only; never in production).',
      format: Boolean,
      default: false,
      env: 'HNTH_MQTT_SIM_INJECT',
    },
    maxPayloadBytes: {
      doc: 'Largest MQTT payload the embedded broker accepts; a client that sends more is disconnected.',
      format: 'nat',
      default: 65536,
    },
    floodPerSec: {
      doc: 'Messages per second a room may publish, on average, counted per account across its connections. The embedded broker disconnects a room past it; behind an external broker the hub cuts it off (mqtt.mosquitto) and raises an incident. Agents pace their replays under it (outbox.sendPerSec).',
      format: 'nat',
      default: 20,
    },
    floodBurst: {
      doc: 'Messages a room may publish at once before the rate limit applies (a reconnection, the first records of a replay).',
      format: 'nat',
      default: 200,
    },
    mosquitto: {
      dir: {
        doc: 'Behind an external Mosquitto: the folder it reads its password and ACL files from (deploy/mosquitto/). To cut off a room over mqtt.floodPerSec the hub writes them there again without the room and runs reloadCommand. Empty: the hub only drops the room’s messages and raises the incident.',
        format: String,
        default: '',
        env: 'HNTH_MQTT_MOSQUITTO_DIR',
      },
      reloadCommand: {
        doc: 'Command that makes Mosquitto read its files again (and disconnect accounts no longer in them), program and arguments separated by spaces, no shell.',
        format: String,
        default: 'systemctl reload mosquitto.service',
        env: 'HNTH_MQTT_MOSQUITTO_RELOAD',
      },
    },
  },
  http: {
    port: { doc: 'Port of the API and dashboard.', format: 'port', default: 8080, env: 'HNTH_HTTP_PORT' },
    trustProxy: {
      doc: 'Behind a reverse proxy that serves HTTPS: trust its X-Forwarded-* headers (client address for login limits, https for Secure cookies).',
      format: Boolean,
      default: false,
      env: 'HNTH_HTTP_TRUST_PROXY',
    },
    host: {
      doc: 'Address the API and dashboard listen on.',
      format: String,
      default: '0.0.0.0',
      env: 'HNTH_HTTP_HOST',
    },
  },
  metrics: {
    token: {
      doc: 'Bearer token Prometheus sends to GET /metrics (at least 16 characters); empty: /metrics is off.',
      format: (value: unknown) => {
        if (value !== '' && (typeof value !== 'string' || !/^\S{16,}$/.test(value)))
          throw new Error('must be empty (metrics off) or at least 16 characters without spaces');
      },
      default: '',
      sensitive: true,
      env: 'HNTH_METRICS_TOKEN',
    },
  },
  audit: {
    dir: {
      doc: 'Folder outside the data folder for the audit log’s secret key (audit.key, created with mode 0600 at the first start) and its signed checkpoints (checkpoints.jsonl). Whoever can write the database must not be able to write here. The hubs of a group sharing one store.url keep one audit chain, so each needs the same audit.key: copy the first hub’s. Empty: hub-audit beside the configuration file (or, without one, <dataDir>-audit).',
      format: String,
      default: '',
      env: 'HNTH_AUDIT_DIR',
    },
    checkpointEveryMin: {
      doc: 'How often the hub verifies what the audit log gained and, when it grew, writes a signed checkpoint there and to its log.',
      format: positiveNumber,
      default: 5,
    },
  },
  readinessCheckSec: {
    doc: 'How often readiness is recomputed without news, to notice rooms that went quiet.',
    format: 'nat',
    default: 5,
  },
  telemetrySampleSec: {
    doc: 'Live telemetry is kept for charts and reports once per this many seconds per room.',
    format: 'nat',
    default: 60,
  },
  store: {
    url: {
      doc: 'PostgreSQL URL (postgres://user:password@host:5432/hnth) of the store of what the rooms report (events, telemetry samples, readiness transitions), which the hub instances of a shared group then share. Empty: SQLite, hnth.db in the data folder.',
      format: (value: unknown) => {
        if (typeof value !== 'string') throw new Error('must be a string');
        if (value === '') return;
        let url: URL;
        try {
          url = new URL(value);
        } catch {
          throw new Error('must be a postgres:// URL');
        }
        if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
          throw new Error(`must be a postgres:// URL, not ${url.protocol}//`);
        }
      },
      default: '',
      env: 'HNTH_DB_URL',
      sensitive: true,
    },
    maxPendingSamples: {
      doc: 'While this many writes wait on a slow or locked database, live telemetry samples for the history are skipped (counted in hnth_store_samples_skipped_total); events are never skipped.',
      format: 'nat',
      default: 5000,
    },
  },
  mcu: {
    sipUri: {
      doc: 'The MCU’s SIP address for OPTIONS checks, sip:host:port;transport=udp|tcp; empty for none.',
      format: (value: unknown) => {
        if (value !== '') parseSipTarget(String(value));
      },
      default: '',
      env: 'HNTH_MCU_SIP_URI',
    },
    host: {
      doc: 'The MCU’s address for ping series (latency, jitter, loss); empty for none.',
      format: (value: unknown) => {
        if (value !== '' && !/^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$/.test(String(value))) {
          throw new Error('must be a host name or address');
        }
      },
      default: '',
      env: 'HNTH_MCU_HOST',
    },
    intervalSec: {
      doc: 'Seconds between two checks of the MCU.',
      format: (value: unknown) => {
        if (typeof value !== 'number' || !(value > 0)) throw new Error('must be a number greater than 0');
      },
      default: 15,
      env: 'HNTH_MCU_INTERVAL',
    },
    pingCount: { doc: 'Echoes in one ping series.', format: 'nat', default: 5 },
    timeoutMs: { doc: 'Longest wait for one answer of the MCU.', format: 'nat', default: 1000 },
  },
  thresholds: {
    doc: 'Readiness thresholds (see hub/readiness.ts for the meaning and sources of each).',
    format: Object,
    default: defaultThresholds as unknown as object,
  },
  schedule: {
    noticeHours: {
      doc: 'Art. 8.1: hours of notice a meeting is registered with, unless an emergency (art. 8.2).',
      format: 'nat',
      default: 48,
    },
    prepMinutes: {
      doc: 'Minutes before the start a meeting holds its rooms for preparation; counted in overlaps (art. 8.3).',
      format: 'nat',
      default: 60,
    },
    rehearsalOffsetsH: {
      doc: 'Art. 9.3: hours before the start at which rehearsals run.',
      format: hoursList,
      default: [24, 2],
    },
    deadlineH: {
      doc: 'Art. 11.1: hours before the start by which checks are complete; rooms still failing then are escalated.',
      format: positiveNumber,
      default: 1,
    },
    rehearsalMin: {
      doc: 'Minutes a rehearsal holds the room, as published on its schedule topic and calendar.',
      format: 'nat',
      default: 30,
    },
    warmUpMin: {
      doc: 'Minutes before a meeting or rehearsal that its change freeze begins: the agents’ power.warmUpMin (set both alike).',
      format: 'nat',
      default: 30,
    },
    recheckMin: {
      doc: 'Minutes between re-checks of a room that is not ready, until the deadline (art. 11.1).',
      format: positiveNumber,
      default: 5,
      env: 'HNTH_RECHECK_MIN',
    },
    rehearseTimeoutSec: {
      doc: 'Seconds a room has to answer the rehearse command, its power-on and the codec’s boot included (the agents’ probes.codec.bootDeadlineSec, 180 by default, must fit in it).',
      format: positiveNumber,
      default: 300,
    },
    powerOnTimeoutSec: {
      doc: 'Seconds a room has to answer power.on (its equipment may take that long to boot).',
      format: positiveNumber,
      default: 60,
    },
    inspectionCron: {
      doc: 'Art. 11.1: when the whole fleet is inspected, as cron in Asia/Ho_Chi_Minh; empty for never.',
      format: String,
      default: '0 7 * * 1',
      env: 'HNTH_INSPECTION_CRON',
    },
  },
  testCall: {
    dialString: {
      doc: 'Art. 9.3: the MCU’s test conference each room’s codec dials in a rehearsal (SIP URI or number); empty: no test call unless the room has its own below.',
      format: 'dial-string',
      default: '',
      env: 'HNTH_TEST_CALL_DIAL',
    },
    roomDialStrings: {
      doc: 'A room’s own test conference, room id to dial string, where it differs from dialString.',
      format: 'room-dial-strings',
      default: {} as Record<string, string>,
    },
    connectTimeoutSec: {
      doc: 'Seconds the test call has to connect before it counts as not connecting.',
      format: positiveNumber,
      default: 30,
    },
    measureSec: {
      doc: 'Seconds the test call’s media statistics are read once connected.',
      format: positiveNumber,
      default: 20,
    },
    lineTestUri: {
      doc: 'The MCU’s test number the room controllers call themselves, sip:number@host[:port], and which echoes RTP; empty: no line test.',
      format: 'line-test-uri',
      default: '',
      env: 'HNTH_LINE_TEST_URI',
    },
    lineTestSec: {
      doc: 'Seconds of RTP the line test sends.',
      format: positiveNumber,
      default: 10,
    },
    limits: {
      doc: 'Limits the test call and the line test are judged by: lossPct, jitterMs, rttMs {marginal, fail} (over them), heightPx, frameRate {marginal, fail} (under them); see hub/schedule/call-checks.ts for the sources.',
      format: Object,
      default: defaultCallLimits as unknown as object,
    },
  },
  remoteActions: {
    timeoutSec: {
      doc: 'Seconds a room has to answer a remote action (codec standby, wake, restart, controller reboot) or a configuration read or delivery; the order lapses then, so a room that hears it later does not act on it.',
      format: positiveNumber,
      default: 15,
    },
  },
  peripherals: {
    expected: {
      doc: 'Art. 5.1: the peripherals every room must have connected, {cameras, microphones, touchPanels, displays}; integrated cameras count.',
      format: (value: unknown) => peripheralCounts(value, ''),
      default: { cameras: 1, microphones: 1, touchPanels: 0, displays: 1 } as ExpectedPeripherals,
    },
    rooms: {
      doc: 'A room’s own expected peripherals where they differ, room id to {cameras, microphones, touchPanels, displays} (missing kinds as peripherals.expected).',
      format: (value: unknown) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value))
          throw new Error('must be an object of room ids to expected peripherals');
        for (const [room, counts] of Object.entries(value)) peripheralCounts(counts, `"${room}": `);
      },
      default: {} as Record<string, Partial<ExpectedPeripherals>>,
    },
  },
  incidents: {
    raiseAfterSec: {
      doc: 'A fault must last this long before an incident opens (a flapping signal opens one, not twenty).',
      format: 'nat',
      default: defaultRulesConfig.raiseAfterSec,
    },
    clearAfterSec: {
      doc: 'A fault must be gone this long before its incident closes.',
      format: 'nat',
      default: defaultRulesConfig.clearAfterSec,
    },
    networkOfflineFraction: {
      doc: 'This share of the rooms offline at once is one network incident (uplink, MCU), not one per room.',
      format: (v: unknown) => {
        if (typeof v !== 'number' || !(v > 0 && v <= 1))
          throw new Error('must be a number above 0 and at most 1');
      },
      default: defaultRulesConfig.networkOfflineFraction,
    },
    startupGraceSec: {
      doc: 'After the hub starts, a room not heard from yet counts as offline only after this long.',
      format: 'nat',
      default: 120,
    },
    checkSec: {
      doc: 'How often the incident rules run without news, so waits end on time.',
      format: 'nat',
      default: 5,
    },
  },
  contacts: {
    staleAfterDays: {
      doc: 'A contact not confirmed for this many days is flagged stale (art. 4.3).',
      format: 'nat',
      default: 180,
      env: 'HNTH_CONTACTS_STALE_AFTER_DAYS',
    },
  },
  notify: {
    operatorEmails: {
      doc: 'Addresses of the operator (Sở TT&TT) that hear of every incident; comma-separated in the variable.',
      format: 'email-list',
      default: [] as string[],
      env: 'HNTH_NOTIFY_OPERATOR_EMAILS',
    },
    minSeverity: {
      doc: 'Least severity that is emailed: info, warning or critical.',
      format: severityNames,
      default: 'warning',
    },
    quietHoursStart: {
      doc: 'Start of quiet hours (HH:mm, Asia/Ho_Chi_Minh); only critical incidents are sent then, the others are postponed to one digest per recipient at the end. Empty: none.',
      format: 'hh-mm-or-empty',
      default: '',
    },
    quietHoursEnd: {
      doc: 'End of quiet hours (HH:mm, Asia/Ho_Chi_Minh), when the postponed notices go out.',
      format: 'hh-mm-or-empty',
      default: '',
    },
    postponedCheckSec: {
      doc: 'How often notices postponed by quiet hours are checked for being due, so a digest goes out this soon after the end.',
      format: positiveNumber,
      default: 60,
    },
    smtp: {
      host: {
        doc: 'SMTP relay for email; empty to send none (they are logged as skipped).',
        format: String,
        default: '',
        env: 'HNTH_SMTP_HOST',
      },
      port: { doc: 'Port of the SMTP relay.', format: 'port', default: 587, env: 'HNTH_SMTP_PORT' },
      secure: {
        doc: 'TLS from the start (port 465); false uses STARTTLS when the relay offers it.',
        format: Boolean,
        default: false,
        env: 'HNTH_SMTP_SECURE',
      },
      user: { doc: 'SMTP username; empty for none.', format: String, default: '', env: 'HNTH_SMTP_USER' },
      password: {
        doc: 'SMTP password.',
        format: String,
        default: '',
        sensitive: true,
        env: 'HNTH_SMTP_PASSWORD',
      },
      from: {
        doc: 'Sender of the hub’s email.',
        format: String,
        default: 'hnth@localhost',
        env: 'HNTH_SMTP_FROM',
      },
    },
    webhooks: {
      doc: 'Webhooks that receive incidents, rehearsal verdicts and escalations as JSON (without meeting titles): [{"url": "https://…", "minSeverity": "warning"}].',
      format: 'webhook-list',
      default: [] as WebhookTarget[],
    },
    webhookAttempts: { doc: 'Attempts per webhook delivery.', format: 'nat', default: 4 },
    webhookBackoffMs: {
      doc: 'Wait before the second webhook attempt; doubled after each failure.',
      format: 'nat',
      default: 2000,
    },
    webhookTimeoutMs: { doc: 'Timeout of one webhook attempt.', format: 'nat', default: 5000 },
  },
};

export interface HubConfig {
  dataDir: string;
  fleet: { file: string };
  portFallback: boolean;
  mqtt: {
    url: string;
    protocolVersion: 4 | 5;
    clientId: string;
    sharedGroup: string;
    username: string;
    password: string;
    port: number;
    host: string;
    tls: { certFile: string; keyFile: string; caFile: string };
    allowPlain: boolean;
    simInject: boolean;
    maxPayloadBytes: number;
    floodPerSec: number;
    floodBurst: number;
    mosquitto: { dir: string; reloadCommand: string };
  };
  http: { port: number; host: string; trustProxy: boolean };
  metrics: { token: string };
  audit: { dir: string; checkpointEveryMin: number };
  readinessCheckSec: number;
  telemetrySampleSec: number;
  store: { url: string; maxPendingSamples: number };
  mcu: McuConfig;
  thresholds: Thresholds;
  incidents: RulesConfig & { checkSec: number; startupGraceSec: number };
  contacts: { staleAfterDays: number };
  notify: {
    operatorEmails: string[];
    minSeverity: 'info' | 'warning' | 'critical';
    quietHoursStart: string;
    quietHoursEnd: string;
    postponedCheckSec: number;
    smtp: { host: string; port: number; secure: boolean; user: string; password: string; from: string };
    webhooks: WebhookTarget[];
    webhookAttempts: number;
    webhookBackoffMs: number;
    webhookTimeoutMs: number;
  };
  schedule: ScheduleSettings;
  testCall: TestCallSettings;
  remoteActions: { timeoutSec: number };
  peripherals: { expected: ExpectedPeripherals; rooms: Record<string, Partial<ExpectedPeripherals>> };
}

export interface TestCallSettings {
  dialString: string;
  roomDialStrings: Record<string, string>;
  connectTimeoutSec: number;
  measureSec: number;
  lineTestUri: string;
  lineTestSec: number;
  limits: CallLimits;
}

export interface ScheduleSettings {
  noticeHours: number;
  prepMinutes: number;
  rehearsalOffsetsH: number[];
  deadlineH: number;
  rehearsalMin: number;
  warmUpMin: number;
  recheckMin: number;
  rehearseTimeoutSec: number;
  powerOnTimeoutSec: number;
  inspectionCron: string;
}

export interface HubConfigSources {
  env?: NodeJS.ProcessEnv;
  file?: string;
  /** Values that override everything else (the demo, tests). */
  overrides?: Record<string, unknown>;
}

export function loadHubConfig(sources: HubConfigSources = {}): HubConfig {
  const config = convict(hubSchema, { env: sources.env ?? process.env, args: [] });
  if (sources.file) loadConfigFile(config, sources.file);
  for (const [key, value] of Object.entries(sources.overrides ?? {})) config.set(key, value);
  validateStrict(config, sources.file ?? 'environment');
  const props = config.getProperties() as HubConfig;
  if (Boolean(props.mqtt.tls.certFile) !== Boolean(props.mqtt.tls.keyFile)) {
    throw new ConfigError(
      'invalid configuration: mqtt.tls.certFile and mqtt.tls.keyFile go together (HNTH_MQTT_TLS_CERT, HNTH_MQTT_TLS_KEY)',
    );
  }
  if (props.mqtt.sharedGroup && (!props.mqtt.url || props.mqtt.protocolVersion !== 5)) {
    throw new ConfigError(
      'invalid configuration: mqtt.sharedGroup needs an external MQTT 5 broker: set mqtt.url (HNTH_MQTT_URL) and mqtt.protocolVersion 5 (HNTH_MQTT_PROTOCOL=5)',
    );
  }
  props.thresholds = { ...defaultThresholds, ...props.thresholds };
  props.audit.dir = auditDir(props, sources.file);
  props.testCall.limits = { ...defaultCallLimits, ...props.testCall.limits };
  const perRoom: [string, string[]][] = [
    ['testCall.roomDialStrings', Object.keys(props.testCall.roomDialStrings)],
    ['peripherals.rooms', Object.keys(props.peripherals.rooms)],
  ];
  if (perRoom.some(([, ids]) => ids.length > 0)) {
    const fleet = hubFleet(props);
    for (const [key, ids] of perRoom) {
      const unknown = ids.find((id) => !fleet.has(id));
      if (unknown !== undefined)
        throw new ConfigError(`invalid configuration: ${key}: no room "${unknown}" in the fleet`);
    }
  }
  return props;
}

/**
 * The audit folder: as configured, or beside the configuration file, or beside the data folder;
 * never inside the data folder, whose copies and writers it must outlive.
 */
function auditDir(props: HubConfig, configFile: string | undefined): string {
  const dataDir = path.resolve(props.dataDir);
  const dir = props.audit.dir
    ? path.resolve(props.audit.dir)
    : configFile
      ? path.join(path.dirname(path.resolve(configFile)), 'hub-audit')
      : `${dataDir}-audit`;
  const inside = path.relative(dataDir, dir);
  if (inside === '' || !(inside.startsWith('..') || path.isAbsolute(inside)))
    throw new ConfigError(
      `invalid configuration: audit.dir (HNTH_AUDIT_DIR) ${dir} is inside the data folder ${dataDir}; it must be outside it`,
    );
  return dir;
}

/** The rooms the configured hub serves; a broken fleet file is a ConfigError naming what is wrong. */
export function hubFleet(config: HubConfig): Fleet {
  return loadFleet(config.fleet.file, [HUB_ACCOUNT]);
}
