/**
 * The agent's configuration: one convict schema with defaults and documentation. Values come from
 * the defaults, then `--config file.json`, then `HNTH_*` environment variables, then flags.
 */
import { existsSync } from 'node:fs';
import convict from 'convict';
import { ConfigError, loadConfigFile, validateStrict } from '../shared/config-file.js';
import { isValidRoomIdSyntax } from '../shared/topics.js';
import * as z from '../shared/zod-mini.js';

const outputName = z
  .string()
  .check(z.regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a short lower-case name such as "display"'));
const ratedW = z.number().check(z.gte(0), z.lte(10_000));
export const powerOutputsSchema = z
  .array(
    z.discriminatedUnion('kind', [
      z.strictObject({
        name: outputName,
        kind: z.literal('relay'),
        line: z
          .string()
          .check(z.regex(/^GPIO([0-9]|1[0-9]|2[0-7])$/, 'must be a BCM line from GPIO0 to GPIO27')),
        activeLow: z.boolean(),
        ratedW,
      }),
      z.strictObject({ name: outputName, kind: z.literal('codec-standby'), ratedW }),
    ]),
  )
  .check(z.maxLength(16));
export type PowerOutputConfig = z.infer<typeof powerOutputsSchema>[number];

export const powerSequenceSchema = z
  .array(
    z.union([
      z.strictObject({ output: outputName }),
      z.strictObject({ waitSec: z.number().check(z.gte(0), z.lte(600)) }),
    ]),
  )
  .check(z.maxLength(64));
export type PowerStepConfig = z.infer<typeof powerSequenceSchema>[number];

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
    bootDeadlineSec: {
      doc: 'How long the codec may take to answer (and register) after the room is switched on before it counts as not working; a rehearsal waits this long.',
      format: 'positive',
      default: 180,
      env: 'HNTH_CODEC_BOOT_DEADLINE',
    },
    baseline: {
      doc:
        'Art. 5.3: approved codec configuration values, key to value (xapi: "Audio/DefaultVolume"; poly: ' +
        '"comm.nics.sipnic.sipusername"). A difference raises config.drift. A baseline the hub’s operator ' +
        'approves replaces it (kept in the data folder).',
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

/** `[1].line: must be a BCM line from GPIO0 to GPIO27`, so the key in the file is easy to find. */
function firstIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0]!;
  const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return where ? `${where}: ${issue.message}` : issue.message;
}

convict.addFormat({
  name: 'percent',
  validate(value: unknown) {
    if (typeof value !== 'number' || value < 0 || value > 100)
      throw new Error('must be a number from 0 to 100');
  },
  coerce: (v: string) => Number(v),
});
convict.addFormat({
  name: 'power-outputs',
  validate(value: unknown) {
    const result = powerOutputsSchema.safeParse(value);
    if (!result.success) throw new Error(firstIssue(result.error));
  },
});
convict.addFormat({
  name: 'power-sequence',
  validate(value: unknown) {
    const result = powerSequenceSchema.safeParse(value);
    if (!result.success) throw new Error(firstIssue(result.error));
  },
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
    doc: 'Id of this room in the hub’s fleet (its fleet.file, or shared/fleet.ts); also the MQTT client id and username.',
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
  simCodecBootSec: {
    doc: 'Simulated hardware: seconds the codec takes to answer after the room is switched on.',
    format: 'nat',
    default: 45,
    env: 'HNTH_SIM_CODEC_BOOT_SEC',
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
    sendPerSec: {
      doc: 'Records the outbox sends per second at most, after sendBurst at once: a replay after an outage stays under the broker’s per-room limit (the hub’s mqtt.floodPerSec, 20/s), with room left for live telemetry and replies.',
      format: 'positive',
      default: 10,
    },
    sendBurst: {
      doc: 'Records the outbox may send at once before sendPerSec paces it (under the hub’s mqtt.floodBurst, 200).',
      format: 'nat',
      default: 50,
    },
  },
  speakButton: {
    line: {
      doc: 'GPIO line of the room’s speak button (GPIO27, BCM numbering); empty when the room has none.',
      format: 'gpio-line',
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
  power: {
    outputs: {
      doc: 'Switchable supplies, in power-on order: relays `{name, kind: "relay", line: "GPIO17", activeLow, ratedW}` and the codec `{name, kind: "codec-standby", ratedW}`. Empty: no power control (simulated rooms get a display, an amplifier and a codec).',
      format: 'power-outputs',
      default: [] as PowerOutputConfig[],
    },
    onSequence: {
      doc: 'Power-on steps `{output}` or `{waitSec}`, art. 6.3; empty: the outputs in order, no waits.',
      format: 'power-sequence',
      default: [] as PowerStepConfig[],
    },
    offSequence: {
      doc: 'Power-off steps `{output}` or `{waitSec}`; empty: the outputs in reverse order, no waits.',
      format: 'power-sequence',
      default: [] as PowerStepConfig[],
    },
    warmUpMin: {
      doc: 'Minutes before a meeting, rehearsal or inspection that the room is switched on.',
      format: 'nat',
      default: 30,
      env: 'HNTH_POWER_WARMUP_MIN',
    },
    quietMin: {
      doc: 'Minutes without a call, a command or anything scheduled before the room is switched off.',
      format: 'positive',
      default: 30,
      env: 'HNTH_POWER_QUIET_MIN',
    },
    scheduleMaxAgeH: {
      doc: 'Hours without the hub after which the cached schedule is not trusted and the room stays on.',
      format: 'positive',
      default: 24,
    },
    upsShutdownPct: {
      doc: 'UPS charge on battery at or below which the room is switched off and the controller shut down (apcupsd BATTERYLEVEL).',
      format: 'percent',
      default: 20,
      env: 'HNTH_POWER_UPS_SHUTDOWN_PCT',
    },
    upsShutdownRuntimeSec: {
      doc: 'Runtime left on battery, as the UPS reports it, at or below which the room and the controller shut down (apcupsd MINUTES).',
      format: 'nat',
      default: 180,
      env: 'HNTH_POWER_UPS_SHUTDOWN_RUNTIME',
    },
    upsMaxOnBatterySec: {
      doc: 'Time on battery after which the room and the controller shut down, outside calls (apcupsd TIMEOUT); 0: no limit.',
      format: 'nat',
      default: 0,
      env: 'HNTH_POWER_UPS_MAX_ON_BATTERY',
    },
    shutdownCommand: {
      doc: 'Command that halts the controller when the UPS is critical (the agent’s user needs the right to run it); empty: none.',
      format: String,
      default: 'systemctl poweroff',
      env: 'HNTH_POWER_SHUTDOWN_COMMAND',
    },
    rebootCommand: {
      doc: 'Command that reboots the controller when the operator asks (controller.reboot; the agent’s user needs the right to run it); empty: refused.',
      format: String,
      default: 'systemctl reboot',
      env: 'HNTH_POWER_REBOOT_COMMAND',
    },
    tickSec: {
      doc: 'Seconds between two evaluations of the idle policy when nothing happens.',
      format: 'positive',
      default: 30,
      env: 'HNTH_POWER_TICK',
    },
    retryAfterSec: {
      doc: 'Seconds before a sequence that failed is tried again.',
      format: 'positive',
      default: 300,
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
    sessionExpirySec: {
      doc: 'MQTT 5: how long the broker keeps this room’s session (and commands for it) while it is away.',
      format: 'nat',
      default: 7 * 24 * 3600,
    },
    rttEverySec: {
      doc: 'How often the round trip to the hub’s broker is measured (one telemetry message sent at QoS 1).',
      format: 'positive',
      default: 60,
      env: 'HNTH_MQTT_RTT_EVERY',
    },
    reconnectMinMs: {
      doc: 'Shortest wait before reconnecting. Each wait is drawn at random up to a ceiling of 4 times this, doubled after each failure (up to reconnectMaxMs), so a fleet does not return in the same second.',
      format: 'nat',
      default: 1000,
    },
    reconnectMaxMs: {
      doc: 'Longest wait between two reconnect attempts (the ceiling of the random wait).',
      format: 'nat',
      default: 30000,
    },
  },
  probes: probesSchema,
  sensors: sensorsSchema,
  host: hostSchema,
};

export interface AgentConfig {
  roomId: string;
  simulate: boolean;
  simSeed: number;
  simCodecBootSec: number;
  telemetryIntervalSec: number;
  dataDir: string;
  outbox: { maxBytes: number; offlineTelemetrySec: number; sendPerSec: number; sendBurst: number };
  speakButton: { line: string; activeLow: boolean; debounceMs: number };
  power: {
    outputs: PowerOutputConfig[];
    onSequence: PowerStepConfig[];
    offSequence: PowerStepConfig[];
    warmUpMin: number;
    quietMin: number;
    scheduleMaxAgeH: number;
    upsShutdownPct: number;
    upsShutdownRuntimeSec: number;
    upsMaxOnBatterySec: number;
    shutdownCommand: string;
    rebootCommand: string;
    tickSec: number;
    retryAfterSec: number;
  };
  mqtt: {
    url: string;
    protocolVersion: 4 | 5;
    username: string;
    password: string;
    caFile: string;
    keepaliveSec: number;
    reconnectMinMs: number;
    reconnectMaxMs: number;
    rttEverySec: number;
    sessionExpirySec: number;
  };
  probes: ProbesConfig;
  sensors: SensorsConfig;
  host: HostConfig;
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
    bootDeadlineSec: number;
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
  const properties = config.getProperties() as AgentConfig;
  checkPowerReferences(properties.power);
  const problems = sensorProblems(properties);
  if (problems.length > 0) {
    throw new ConfigError(
      `invalid configuration (${sources.file ?? 'environment'}):\n  ${problems.join('\n  ')}`,
    );
  }
  return properties;
}

/** Sequences may only name configured outputs; a typo would otherwise leave equipment on. */
function checkPowerReferences(power: AgentConfig['power']): void {
  const names = new Set(power.outputs.map((o) => o.name));
  const lines = new Set<string>();
  for (const [i, o] of power.outputs.entries()) {
    if (power.outputs.findIndex((x) => x.name === o.name) !== i) {
      throw new ConfigError(`invalid configuration: power.outputs[${i}].name: "${o.name}" is used twice`);
    }
    if (o.kind === 'relay') {
      if (lines.has(o.line)) {
        throw new ConfigError(`invalid configuration: power.outputs[${i}].line: ${o.line} drives two relays`);
      }
      lines.add(o.line);
    }
  }
  for (const key of ['onSequence', 'offSequence'] as const) {
    for (const [i, step] of power[key].entries()) {
      if ('output' in step && !names.has(step.output)) {
        throw new ConfigError(
          `invalid configuration: power.${key}[${i}].output: no output named "${step.output}" in power.outputs`,
        );
      }
    }
  }
}
