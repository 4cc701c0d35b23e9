/**
 * The agent's settings: each part's schema, kept beside its code, composed into one convict schema
 * with defaults and documentation. Values come from the defaults, then `--config file.json`, then
 * `HNTH_*` environment variables, then flags; shared/config-file.ts checks them and names every
 * problem at once.
 */
import { loadSettings, type SettingsSources } from '../shared/config-file.js';
import { positive, type SettingsOf } from '../shared/settings.js';
import { isValidRoomIdSyntax } from '../shared/topics.js';
import { agentMqttSettings, outboxSettings } from './link/settings.js';
import { powerChecks, powerSettings } from './power/settings.js';
import { probeChecks, probeSettings } from './probes/settings.js';
import { hostSettings, sensorChecks, sensorSettings } from './sensors/settings.js';
import { speakButtonSettings } from './speak/settings.js';

function roomId(value: unknown): void {
  if (value === '') throw new Error('missing; set it in the config file, HNTH_ROOM_ID or --room');
  if (typeof value !== 'string' || !isValidRoomIdSyntax(value)) {
    throw new Error('must be a room id from the fleet (lower-case letters, digits and dashes)');
  }
}

export const agentSchema = {
  roomId: {
    doc: 'Id of this room in the hub’s fleet (its fleet.file, or shared/fleet.ts); also the MQTT client id and username.',
    format: roomId,
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
  simCodecBootSec: {
    doc: 'Simulated hardware: seconds the codec takes to answer after the room is switched on.',
    format: 'nat',
    default: 45,
    env: 'HNTH_SIM_CODEC_BOOT_SEC',
  },
  telemetryIntervalSec: {
    doc: 'Seconds between two telemetry messages.',
    format: positive,
    default: 5,
    env: 'HNTH_TELEMETRY_INTERVAL',
  },
  dataDir: {
    doc: 'Folder for the agent’s own files (schedule cache, outbox).',
    format: String,
    default: './data',
    env: 'HNTH_DATA_DIR',
  },
  outbox: outboxSettings,
  speakButton: speakButtonSettings,
  power: powerSettings,
  mqtt: agentMqttSettings,
  probes: probeSettings,
  sensors: sensorSettings,
  host: hostSettings,
};

export type AgentConfig = SettingsOf<typeof agentSchema>;

export type ConfigSources = Omit<SettingsSources, 'overrides'>;

/** Loads and validates the configuration; a bad one throws a ConfigError naming every bad key. */
export function loadAgentConfig(sources: ConfigSources = {}): AgentConfig {
  return loadSettings(agentSchema, sources, [...powerChecks, ...probeChecks, ...sensorChecks]);
}
