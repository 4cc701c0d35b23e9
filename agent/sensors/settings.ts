/**
 * The room's sensors (mains and UPS, climate) and the controller's own health, as
 * agent/sensors/room-sensors.ts builds them: their settings and the rules across them.
 */
import { existsSync } from 'node:fs';
import { type CrossCheck, positive, type SettingsOf } from '../../shared/settings.js';
import { gpioLine } from '../gpio/gpio-line-setting.js';

function nutName(value: unknown): void {
  if (typeof value !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(value)) {
    throw new Error('must be the UPS name upsd knows (letters, digits, . _ -), as `upsc -l` lists it');
  }
}

function count(value: unknown): void {
  if (!Number.isInteger(value) || (value as number) < 1)
    throw new Error('must be a whole number of 1 or more');
}

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
 * Sources of the defaults (the same band as the hub's DEGRADED level, hub/readiness-settings.ts):
 * - 16-32 °C: the allowable envelope of ASHRAE TC 9.9 class A1 equipment (15-32 °C), with the
 *   lower degree raised for the people in the room.
 * - 30-75 % RH: 30 % is ASHRAE Standard 55's long-standing comfort floor (dry air, static
 *   discharge into equipment below it); 75 % sits above ASHRAE 62.1's 65 % mould guidance on
 *   purpose, since an unconditioned room in Tuyên Quang's wet season often holds 70 %, and past
 *   75 % condensation on equipment cooled overnight becomes likely.
 */
export const sensorSettings = {
  sysfsRoot: {
    doc: 'Root of the kernel’s sysfs; a fixture tree in tests and benchmarks.',
    format: String,
    default: '/sys',
    env: 'HNTH_SYSFS_ROOT',
  },
  ups: {
    source: {
      doc: 'Where mains and UPS come from: GPIO lines (UPS HAT, dry contacts), a NUT server, or none.',
      format: ['none', 'gpio', 'nut'] as const,
      default: 'none',
      env: 'HNTH_UPS_SOURCE',
    },
    gpio: {
      backend: {
        doc: 'GPIO backend: sysfs (onoff), gpiod (libgpiod tools), or auto (sysfs when the kernel has it).',
        format: ['auto', 'sysfs', 'gpiod'] as const,
        default: 'auto',
      },
      chipLabel: {
        doc: 'Label of the GPIO chip of the header; empty finds a Raspberry Pi’s (bcm2835, bcm2711, rp1).',
        format: String,
        default: '',
      },
      mainsLine: {
        doc: 'Line that tells mains is present (GPIO0-GPIO27, BCM numbering).',
        format: gpioLine,
        default: '',
      },
      mainsActiveLow: {
        doc: 'Mains is present when the line is low (a contact closing to ground with a pull-up).',
        format: Boolean,
        default: false,
      },
      lowBatteryLine: {
        doc: 'Line that tells the UPS battery is low; empty when the UPS gives none.',
        format: gpioLine,
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
        format: nutName,
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
      timeoutMs: { doc: 'Deadline of each request to upsd.', format: positive, default: 2000 },
    },
  },
  climate: {
    source: {
      doc: 'Temperature and humidity sensor: Linux IIO, hwmon, 1-wire DS18B20, or none.',
      format: ['none', 'iio', 'hwmon', 'w1'] as const,
      default: 'none',
      env: 'HNTH_CLIMATE_SOURCE',
    },
    device: {
      doc: 'The device: driver name (dht11, bme280, sht3x) or folder (iio:device0, hwmon2) for IIO and hwmon; the 1-wire id (28-…) for w1.',
      format: String,
      default: '',
      env: 'HNTH_CLIMATE_DEVICE',
    },
    channel: { doc: 'hwmon channel: temp<N>_input and humidity<N>_input.', format: count, default: 1 },
    attempts: {
      doc: 'Reads tried before a read error or CRC failure is reported as a fault.',
      format: count,
      default: 3,
    },
  },
  thresholds: {
    tempC: band('temperature', '°C', 16, 32, 1),
    humidityPct: band('humidity', '%', 30, 75, 3),
    samples: {
      doc: 'k of k-of-n: how many of the last `window` samples must be past a limit (or back inside) to raise (or clear) it.',
      format: count,
      default: 2,
    },
    window: { doc: 'n of k-of-n: how many recent samples are considered.', format: count, default: 3 },
  },
};

export type SensorsConfig = SettingsOf<typeof sensorSettings>;

export const hostSettings = {
  enabled: {
    doc: 'Report the controller itself: temperature, load, memory, disk, throttling, clock sync.',
    format: Boolean,
    default: true,
    env: 'HNTH_HOST',
  },
  toolsIntervalSec: {
    doc: 'How often vcgencmd and timedatectl/chronyc run (each costs a process).',
    format: positive,
    default: 60,
  },
};

type WithSensors = { sensors: SensorsConfig };

/** Rules across the sensors' keys that their formats cannot express; each problem names its key. */
export const sensorChecks: CrossCheck<WithSensors>[] = [
  {
    keys: ['sensors.sysfsRoot', 'sensors.climate.source', 'sensors.ups.source', 'sensors.ups.gpio.backend'],
    check: ({ sensors: { sysfsRoot, climate, ups } }) => {
      const needsSysfs = climate.source !== 'none' || (ups.source === 'gpio' && ups.gpio.backend !== 'gpiod');
      return needsSysfs && !existsSync(sysfsRoot) ? [`sensors.sysfsRoot: ${sysfsRoot} does not exist`] : [];
    },
  },
  {
    keys: ['sensors.ups.source', 'sensors.ups.gpio.mainsLine', 'sensors.ups.gpio.lowBatteryLine'],
    check: ({ sensors: { ups } }) => {
      if (ups.source !== 'gpio') return [];
      if (ups.gpio.mainsLine === '')
        return [
          'sensors.ups.gpio.mainsLine: missing; name the line that tells mains is present (GPIO0-GPIO27)',
        ];
      return ups.gpio.mainsLine === ups.gpio.lowBatteryLine
        ? ['sensors.ups.gpio.lowBatteryLine: the same line as mainsLine; each needs its own']
        : [];
    },
  },
  {
    keys: ['sensors.climate.source', 'sensors.climate.device'],
    check: ({ sensors: { climate } }) => {
      if (climate.source === 'none' || climate.device !== '') return [];
      const example = { iio: 'dht11', hwmon: 'sht3x', w1: '28-0316a2792aff' }[climate.source];
      return [`sensors.climate.device: missing; name the ${climate.source} device (e.g. "${example}")`];
    },
  },
  ...(['tempC', 'humidityPct'] as const).map((key) => ({
    keys: [`sensors.thresholds.${key}`],
    check: ({ sensors: { thresholds } }: WithSensors) =>
      thresholds[key].min >= thresholds[key].max
        ? [
            `sensors.thresholds.${key}: min (${thresholds[key].min}) must be below max (${thresholds[key].max})`,
          ]
        : [],
  })),
  {
    keys: ['sensors.thresholds.samples', 'sensors.thresholds.window'],
    check: ({ sensors: { thresholds } }) =>
      thresholds.samples > thresholds.window
        ? [
            `sensors.thresholds.samples: ${thresholds.samples} of ${thresholds.window} cannot happen; keep samples ≤ window`,
          ]
        : [],
  },
];
