/**
 * The agent's configuration: one convict schema with defaults and documentation. Values come from
 * the defaults, then `--config file.json`, then `HNTH_*` environment variables, then flags.
 */
import { existsSync } from 'node:fs';
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
  name: 'optional-file',
  validate(value: unknown) {
    if (typeof value !== 'string') throw new Error('must be a file path');
    if (value !== '' && !existsSync(value)) throw new Error(`file not found: ${value}`);
  },
});
convict.addFormat({
  name: 'positive',
  validate(value: unknown) {
    if (typeof value !== 'number' || !(value > 0)) throw new Error('must be a number greater than 0');
  },
  coerce: (v: string) => Number(v),
});

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
    caFile: {
      doc: 'PEM certificate authority that signed the broker’s certificate, for mqtts:// (empty: the system’s).',
      format: 'optional-file',
      default: '',
      env: 'HNTH_MQTT_CA_FILE',
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
};

export interface AgentConfig {
  roomId: string;
  simulate: boolean;
  simSeed: number;
  telemetryIntervalSec: number;
  dataDir: string;
  mqtt: {
    url: string;
    protocolVersion: 4 | 5;
    username: string;
    password: string;
    caFile: string;
    keepaliveSec: number;
    reconnectMinMs: number;
    reconnectMaxMs: number;
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
