/**
 * The agent's configuration: one convict schema with defaults and documentation. Values come from
 * the defaults, then `--config file.json`, then `HNTH_*` environment variables, then flags.
 */
import { existsSync } from 'node:fs';
import convict from 'convict';
import { ConfigError, loadConfigFile, validateStrict } from '../shared/config-file.js';
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

// --- sensors and host (issue 11) ---
convict.addFormat({
  name: 'gpio-line',
  validate(value: unknown) {
    if (value === '') return;
    const n = typeof value === 'string' ? /^GPIO(\d{1,2})$/.exec(value)?.[1] : undefined;
    if (n === undefined || Number(n) > 27) {
      throw new Error('must be a header line GPIO0 to GPIO27 (BCM numbering), or empty for none');
    }
  },
});
convict.addFormat({
  name: 'nut-name',
  validate(value: unknown) {
    if (typeof value !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(value)) {
      throw new Error('must be the UPS name upsd knows (letters, digits, . _ -), as `upsc -l` lists it');
    }
  },
});
convict.addFormat({
  name: 'count',
  validate(value: unknown) {
    if (!Number.isInteger(value) || (value as number) < 1)
      throw new Error('must be a whole number of 1 or more');
  },
  coerce: (v: string) => Number(v),
});

const band = (what: string, unit: string, min: number, max: number, clearMargin: number) => ({
  min: { doc: `Lowest ${what} before a threshold event (${unit}).`, format: Number, default: min },
  max: { doc: `Highest ${what} before a threshold event (${unit}).`, format: Number, default: max },
  clearMargin: {
    doc: `How far back inside the band (${unit}) the ${what} must come before the event clears.`,
    format: Number,
    default: clearMargin,
  },
});

/**
 * Sources of the defaults (the same band as the hub's DEGRADED level, hub/readiness.ts):
 * - 16-32 °C: the allowable envelope of ASHRAE TC 9.9 class A1 equipment (15-32 °C), with the
 *   lower degree raised for the people in the room.
 * - 30-75 % RH: 30 % is ASHRAE Standard 55's long-standing comfort floor (dry air, static
 *   discharge into equipment below it); 75 % sits above ASHRAE 62.1's 65 % mould guidance on
 *   purpose, since an unconditioned room in Tuyên Quang's wet season often holds 70 %, and past
 *   75 % condensation on equipment cooled overnight becomes likely.
 */
const sensorsSchema = {
  sysfsRoot: {
    doc: 'Root of the kernel’s sysfs; a fixture tree in tests and benchmarks.',
    format: String,
    default: '/sys',
    env: 'HNTH_SYSFS_ROOT',
  },
  ups: {
    source: {
      doc: 'Where mains and UPS come from: GPIO lines (UPS HAT, dry contacts), a NUT server, or none.',
      format: ['none', 'gpio', 'nut'],
      default: 'none',
      env: 'HNTH_UPS_SOURCE',
    },
    gpio: {
      backend: {
        doc: 'GPIO backend: sysfs (onoff), gpiod (libgpiod tools), or auto (sysfs when the kernel has it).',
        format: ['auto', 'sysfs', 'gpiod'],
        default: 'auto',
      },
      chipLabel: {
        doc: 'Label of the GPIO chip of the header; empty finds a Raspberry Pi’s (bcm2835, bcm2711, rp1).',
        format: String,
        default: '',
      },
      mainsLine: {
        doc: 'Line that tells mains is present (GPIO0-GPIO27, BCM numbering).',
        format: 'gpio-line',
        default: '',
      },
      mainsActiveLow: {
        doc: 'Mains is present when the line is low (a contact closing to ground with a pull-up).',
        format: Boolean,
        default: false,
      },
      lowBatteryLine: {
        doc: 'Line that tells the UPS battery is low; empty when the UPS gives none.',
        format: 'gpio-line',
        default: '',
      },
      lowBatteryActiveLow: {
        doc: 'The battery is low when the line is low.',
        format: Boolean,
        default: false,
      },
      debounceMs: {
        doc: 'How long a line must hold a new level before it counts (contact bounce).',
        format: 'nat',
        default: 50,
      },
    },
    nut: {
      host: { doc: 'Host of upsd.', format: String, default: '127.0.0.1', env: 'HNTH_NUT_HOST' },
      port: { doc: 'Port of upsd.', format: 'port', default: 3493, env: 'HNTH_NUT_PORT' },
      ups: {
        doc: 'Name of the UPS at upsd (`upsc -l`).',
        format: 'nut-name',
        default: 'ups',
        env: 'HNTH_NUT_UPS',
      },
      username: { doc: 'upsd user; empty for none.', format: String, default: '', env: 'HNTH_NUT_USERNAME' },
      password: {
        doc: 'upsd password; empty for none.',
        format: String,
        default: '',
        sensitive: true,
        env: 'HNTH_NUT_PASSWORD',
      },
      timeoutMs: { doc: 'Deadline of each request to upsd.', format: 'positive', default: 2000 },
    },
  },
  climate: {
    source: {
      doc: 'Temperature and humidity sensor: Linux IIO, hwmon, 1-wire DS18B20, or none.',
      format: ['none', 'iio', 'hwmon', 'w1'],
      default: 'none',
      env: 'HNTH_CLIMATE_SOURCE',
    },
    device: {
      doc: 'The device: driver name (dht11, bme280, sht3x) or folder (iio:device0, hwmon2) for IIO and hwmon; the 1-wire id (28-…) for w1.',
      format: String,
      default: '',
      env: 'HNTH_CLIMATE_DEVICE',
    },
    channel: { doc: 'hwmon channel: temp<N>_input and humidity<N>_input.', format: 'count', default: 1 },
    attempts: {
      doc: 'Reads tried before a read error or CRC failure is reported as a fault.',
      format: 'count',
      default: 3,
    },
  },
  thresholds: {
    tempC: band('temperature', '°C', 16, 32, 1),
    humidityPct: band('humidity', '%', 30, 75, 3),
    samples: {
      doc: 'k of k-of-n: how many of the last `window` samples must be past a limit (or back inside) to raise (or clear) it.',
      format: 'count',
      default: 2,
    },
    window: { doc: 'n of k-of-n: how many recent samples are considered.', format: 'count', default: 3 },
  },
};

const hostSchema = {
  enabled: {
    doc: 'Report the controller itself: temperature, load, memory, disk, throttling, clock sync.',
    format: Boolean,
    default: true,
    env: 'HNTH_HOST',
  },
  toolsIntervalSec: {
    doc: 'How often vcgencmd and timedatectl/chronyc run (each costs a process).',
    format: 'positive',
    default: 60,
  },
};

export interface SensorsConfig {
  sysfsRoot: string;
  ups: {
    source: 'none' | 'gpio' | 'nut';
    gpio: {
      backend: 'auto' | 'sysfs' | 'gpiod';
      chipLabel: string;
      mainsLine: string;
      mainsActiveLow: boolean;
      lowBatteryLine: string;
      lowBatteryActiveLow: boolean;
      debounceMs: number;
    };
    nut: { host: string; port: number; ups: string; username: string; password: string; timeoutMs: number };
  };
  climate: { source: 'none' | 'iio' | 'hwmon' | 'w1'; device: string; channel: number; attempts: number };
  thresholds: {
    tempC: { min: number; max: number; clearMargin: number };
    humidityPct: { min: number; max: number; clearMargin: number };
    samples: number;
    window: number;
  };
}

export interface HostConfig {
  enabled: boolean;
  toolsIntervalSec: number;
}

/** Checks across keys that convict's per-key formats cannot express; each problem names its key. */
function sensorProblems(c: { sensors: SensorsConfig }): string[] {
  const { ups, climate, thresholds, sysfsRoot } = c.sensors;
  const problems: string[] = [];
  const needsSysfs = climate.source !== 'none' || (ups.source === 'gpio' && ups.gpio.backend !== 'gpiod');
  if (needsSysfs && !existsSync(sysfsRoot)) problems.push(`sensors.sysfsRoot: ${sysfsRoot} does not exist`);
  if (ups.source === 'gpio' && ups.gpio.mainsLine === '') {
    problems.push(
      'sensors.ups.gpio.mainsLine: missing; name the line that tells mains is present (GPIO0-GPIO27)',
    );
  }
  if (ups.source === 'gpio' && ups.gpio.mainsLine !== '' && ups.gpio.mainsLine === ups.gpio.lowBatteryLine) {
    problems.push('sensors.ups.gpio.lowBatteryLine: the same line as mainsLine; each needs its own');
  }
  if (climate.source !== 'none' && climate.device === '') {
    const example = { iio: 'dht11', hwmon: 'sht3x', w1: '28-0316a2792aff' }[climate.source];
    problems.push(`sensors.climate.device: missing; name the ${climate.source} device (e.g. "${example}")`);
  }
  for (const key of ['tempC', 'humidityPct'] as const) {
    if (thresholds[key].min >= thresholds[key].max) {
      problems.push(
        `sensors.thresholds.${key}: min (${thresholds[key].min}) must be below max (${thresholds[key].max})`,
      );
    }
  }
  if (thresholds.samples > thresholds.window) {
    problems.push(
      `sensors.thresholds.samples: ${thresholds.samples} of ${thresholds.window} cannot happen; keep samples ≤ window`,
    );
  }
  return problems;
}
// --- end sensors and host ---

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
  sensors: sensorsSchema,
  host: hostSchema,
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
    keepaliveSec: number;
    reconnectMinMs: number;
    reconnectMaxMs: number;
  };
  sensors: SensorsConfig;
  host: HostConfig;
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
  const props = config.getProperties() as AgentConfig;
  const problems = sensorProblems(props);
  if (problems.length > 0) {
    throw new ConfigError(
      `invalid configuration (${sources.file ?? 'environment'}):\n  ${problems.join('\n  ')}`,
    );
  }
  return props;
}
