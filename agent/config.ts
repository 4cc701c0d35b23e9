/**
 * The agent's configuration: one convict schema with defaults and documentation. Values come from
 * the defaults, then `--config file.json`, then `HNTH_*` environment variables, then flags.
 */
import convict from 'convict';
import { loadConfigFile, validateStrict } from '../shared/config-file.js';
import { isValidRoomIdSyntax } from '../shared/topics.js';

convict.addFormat({
  name: 'room-id',
  validate(value: unknown) {
    if (value === '') throw new Error('missing; set it in the config file, HNTH_ROOM_ID or --room');
    if (typeof value !== 'string' || !isValidRoomIdSyntax(value)) {
      throw new Error('must be a room id from the fleet (lower-case letters, digits and dashes)');
    }
  },
});
convict.addFormat({
  name: 'mqtt-url',
  validate(value: unknown) {
    if (typeof value !== 'string' || !/^(mqtts?|wss?|tcp|tls):\/\/[^/\s]+/.test(value)) {
      throw new Error('must be a broker URL such as mqtt://hub.example:1883 or mqtts://hub.example:8883');
    }
  },
});
convict.addFormat({
  name: 'positive',
  validate(value: unknown) {
    if (typeof value !== 'number' || !(value > 0)) throw new Error('must be a number greater than 0');
  },
  coerce: (v: string) => Number(v),
});

convict.addFormat({
  name: 'string-map',
  validate(value: unknown) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error('must be an object of configuration keys to their approved values');
    }
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'string') throw new Error(`value of "${k}" must be a string`);
    }
  },
});
convict.addFormat({
  name: 'string-list',
  validate(value: unknown) {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      throw new Error('must be a list of strings');
    }
  },
});
convict.addFormat({
  name: 'gpio-line-or-empty',
  validate(value: unknown) {
    if (value !== '' && (typeof value !== 'string' || !/^GPIO\d{1,3}$/.test(value))) {
      throw new Error('must be a board line name such as GPIO27 (BCM numbering), or empty for none');
    }
  },
});

/** The room's probes (issue 3): the codec, its configuration, and the link to the MCU. */
const probesSchema = {
  codec: {
    kind: {
      doc: 'How the codec is watched: xapi (Cisco RoomOS), poly (G7500/Studio X), sip, tcp, http, or none.',
      format: ['none', 'xapi', 'poly', 'sip', 'tcp', 'http'],
      default: 'none',
      env: 'HNTH_CODEC_KIND',
    },
    url: {
      doc: 'The codec: http(s)://host[:port] for xapi, poly and http; sip:host:port;transport=udp|tcp; host:port for tcp.',
      format: String,
      default: '',
      env: 'HNTH_CODEC_URL',
    },
    username: {
      doc: 'API user on the codec (xapi, poly).',
      format: String,
      default: '',
      env: 'HNTH_CODEC_USERNAME',
    },
    password: {
      doc: 'Password of that user.',
      format: String,
      default: '',
      sensitive: true,
      env: 'HNTH_CODEC_PASSWORD',
    },
    insecureTls: {
      doc: 'Accept the codec’s self-signed HTTPS certificate (what codecs ship with).',
      format: Boolean,
      default: false,
    },
    expectPeripherals: {
      doc: 'xapi: peripheral types that must be connected, e.g. ["Camera", "TouchPanel"].',
      format: 'string-list',
      default: [] as string[],
    },
    intervalSec: { doc: 'Seconds between two codec probes.', format: 'positive', default: 10 },
    timeoutMs: { doc: 'Longest wait for the codec’s answer.', format: 'positive', default: 3000 },
    baseline: {
      doc:
        'Art. 5.3: approved codec configuration values, key to value (xapi: "Audio/DefaultVolume"; poly: ' +
        '"comm.nics.sipnic.sipusername"). A difference raises config.drift. It is set here until the hub ' +
        'approves baselines and sends them to the room.',
      format: 'string-map',
      default: {} as Record<string, string>,
    },
    driftIntervalSec: {
      doc: 'Seconds between two configuration drift checks.',
      format: 'positive',
      default: 300,
    },
  },
  link: {
    mcuHost: {
      doc: 'The MCU’s address, for latency, jitter and loss; empty for no link probe.',
      format: String,
      default: '',
      env: 'HNTH_LINK_MCU_HOST',
    },
    gatewayHost: {
      doc: 'The room’s gateway, watched the same way; empty for none.',
      format: String,
      default: '',
    },
    method: {
      doc: 'icmp (ping), or tcp / sip round trips where ICMP is filtered.',
      format: ['icmp', 'tcp', 'sip'],
      default: 'icmp',
    },
    port: { doc: 'Port for tcp and sip round trips.', format: 'port', default: 5060 },
    sipTransport: { doc: 'Transport of sip round trips.', format: ['udp', 'tcp'], default: 'udp' },
    count: { doc: 'Round trips in one series.', format: 'positive', default: 5 },
    intervalSec: { doc: 'Seconds between two series.', format: 'positive', default: 30 },
    timeoutMs: { doc: 'Longest wait for one answer.', format: 'positive', default: 1000 },
    raiseAfter: {
      doc: 'k: series beyond a limit (of the last n) that raise it, or within it that clear it.',
      format: 'positive',
      default: 3,
    },
    window: { doc: 'n: how many recent series the hysteresis looks at.', format: 'positive', default: 5 },
  },
};

export const agentSchema = {
  roomId: {
    doc: 'Id of this room in the fleet (shared/fleet.ts); also the MQTT client id and username.',
    format: 'room-id',
    default: '',
    env: 'HNTH_ROOM_ID',
    arg: 'room',
  },
  simulate: {
    doc: 'Use simulated hardware for every adapter (demo, tests, a controller without hardware).',
    format: Boolean,
    default: false,
    env: 'HNTH_SIMULATE',
    arg: 'simulate',
  },
  simSeed: {
    doc: 'Seed of the simulated hardware; 0 derives one from the room id.',
    format: 'nat',
    default: 0,
    env: 'HNTH_SIM_SEED',
  },
  telemetryIntervalSec: {
    doc: 'Seconds between two telemetry messages.',
    format: 'positive',
    default: 5,
    env: 'HNTH_TELEMETRY_INTERVAL',
  },
  dataDir: {
    doc: 'Folder for the agent’s own files (schedule cache, outbox).',
    format: String,
    default: './data',
    env: 'HNTH_DATA_DIR',
  },
  outbox: {
    maxBytes: {
      doc: 'Bound of the on-disk outbox; past it the oldest telemetry is dropped, never events.',
      format: 'nat',
      default: 8 * 1024 * 1024,
    },
    offlineTelemetrySec: {
      doc: 'While the broker is unreachable, one telemetry message per this many seconds is kept for the hub’s history.',
      format: 'positive',
      default: 60,
    },
  },
  speakButton: {
    line: {
      doc: 'GPIO line of the room’s speak button (GPIO27, BCM numbering); empty when the room has none.',
      format: 'gpio-line-or-empty',
      default: '',
      env: 'HNTH_SPEAK_BUTTON_LINE',
    },
    activeLow: {
      doc: 'The button pulls the line to ground when pressed (pull-up wiring).',
      format: Boolean,
      default: true,
    },
    debounceMs: {
      doc: 'How long the line must hold its level before a press counts (contact bounce).',
      format: 'nat',
      default: 50,
    },
  },
  mqtt: {
    url: {
      doc: 'The hub’s broker.',
      format: 'mqtt-url',
      default: 'mqtt://127.0.0.1:1883',
      env: 'HNTH_MQTT_URL',
    },
    protocolVersion: {
      doc: 'MQTT protocol: 4 (3.1.1, what the hub’s embedded broker speaks) or 5 (Mosquitto, EMQX).',
      format: [4, 5],
      default: 4,
      env: 'HNTH_MQTT_PROTOCOL',
    },
    username: {
      doc: 'Broker username; empty for none. By convention the room id.',
      format: String,
      default: '',
      env: 'HNTH_MQTT_USERNAME',
    },
    password: {
      doc: 'Broker password; empty for none.',
      format: String,
      default: '',
      sensitive: true,
      env: 'HNTH_MQTT_PASSWORD',
    },
    keepaliveSec: {
      doc: 'MQTT keepalive; the broker declares the room offline after 1.5 times this without a packet.',
      format: 'nat',
      default: 5,
      env: 'HNTH_MQTT_KEEPALIVE',
    },
    reconnectMinMs: {
      doc: 'First wait before reconnecting; doubled after each failure.',
      format: 'nat',
      default: 1000,
    },
    reconnectMaxMs: {
      doc: 'Longest wait between two reconnect attempts.',
      format: 'nat',
      default: 30000,
    },
  },
  probes: probesSchema,
};

export interface AgentConfig {
  roomId: string;
  simulate: boolean;
  simSeed: number;
  telemetryIntervalSec: number;
  dataDir: string;
  outbox: { maxBytes: number; offlineTelemetrySec: number };
  speakButton: { line: string; activeLow: boolean; debounceMs: number };
  mqtt: {
    url: string;
    protocolVersion: 4 | 5;
    username: string;
    password: string;
    keepaliveSec: number;
    reconnectMinMs: number;
    reconnectMaxMs: number;
  };
  probes: ProbesConfig;
}

export interface ProbesConfig {
  codec: {
    kind: 'none' | 'xapi' | 'poly' | 'sip' | 'tcp' | 'http';
    url: string;
    username: string;
    password: string;
    insecureTls: boolean;
    expectPeripherals: string[];
    intervalSec: number;
    timeoutMs: number;
    baseline: Record<string, string>;
    driftIntervalSec: number;
  };
  link: {
    mcuHost: string;
    gatewayHost: string;
    method: 'icmp' | 'tcp' | 'sip';
    port: number;
    sipTransport: 'udp' | 'tcp';
    count: number;
    intervalSec: number;
    timeoutMs: number;
    raiseAfter: number;
    window: number;
  };
}

export interface ConfigSources {
  env?: NodeJS.ProcessEnv;
  args?: string[];
  file?: string;
}

/** Loads and validates the configuration; a bad one throws a ConfigError naming every bad key. */
export function loadAgentConfig(sources: ConfigSources = {}): AgentConfig {
  const config = convict(agentSchema, { env: sources.env ?? process.env, args: sources.args ?? [] });
  if (sources.file) loadConfigFile(config, sources.file);
  validateStrict(config, sources.file ?? 'environment');
  return config.getProperties() as AgentConfig;
}
