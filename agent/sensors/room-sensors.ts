/**
 * The registry of sensors: builds a room's UPS, climate and host adapters from its configuration,
 * on ports that default to the real kernel (`/sys`, real processes, real GPIO) and that tests,
 * `doctor` and the benchmark replace.
 */

import { type ProcessRunner, spawnRunner } from '../../shared/probes/process-runner.js';
import type { HostSensor, RoomAdapters } from '../adapters.js';
import type { AgentConfig } from '../config.js';
import { defaultEdgeConfig, type EdgeConfig } from '../edges.js';
import { AutoGpioPort } from '../gpio/auto-gpio-port.js';
import type { GpioPort } from '../gpio/gpio-port.js';
import { HwmonClimateSensor } from './climate-hwmon.js';
import { IioClimateSensor } from './climate-iio.js';
import { W1ClimateSensor } from './climate-w1.js';
import { HostMonitor, type SystemFacts, systemFacts } from './host.js';
import type { SensorsConfig } from './settings.js';
import { type Sysfs, sysfsAt } from './sysfs.js';
import { UpsGpioSensor } from './ups-gpio.js';
import { UpsNutSensor } from './ups-nut.js';

export interface SensorPorts {
  sysfs: Sysfs;
  runner: ProcessRunner;
  gpio: GpioPort;
  system: SystemFacts;
}

export function realPorts(sensors: SensorsConfig): SensorPorts {
  const sysfs = sysfsAt(sensors.sysfsRoot);
  const g = sensors.ups.gpio;
  return {
    sysfs,
    runner: spawnRunner,
    gpio: new AutoGpioPort(g.backend, sysfs, spawnRunner, g.chipLabel),
    system: systemFacts,
  };
}

export function upsFromConfig(sensors: SensorsConfig, ports: SensorPorts): RoomAdapters['ups'] {
  const { ups } = sensors;
  if (ups.source === 'nut') return new UpsNutSensor(ups.nut);
  if (ups.source === 'gpio') {
    const g = ups.gpio;
    return new UpsGpioSensor(ports.gpio, {
      mains: { line: g.mainsLine, activeLow: g.mainsActiveLow },
      ...(g.lowBatteryLine
        ? { lowBattery: { line: g.lowBatteryLine, activeLow: g.lowBatteryActiveLow } }
        : {}),
      debounceMs: g.debounceMs,
    });
  }
  return undefined;
}

export function climateFromConfig(sensors: SensorsConfig, ports: SensorPorts): RoomAdapters['climate'] {
  const { source, device, channel, attempts } = sensors.climate;
  switch (source) {
    case 'iio':
      return new IioClimateSensor(ports.sysfs, device, attempts);
    case 'hwmon':
      return new HwmonClimateSensor(ports.sysfs, device, channel, attempts);
    case 'w1':
      return new W1ClimateSensor(ports.sysfs, device, attempts);
    case 'none':
      return undefined;
  }
}

export function hostFromConfig(config: AgentConfig, ports: SensorPorts): HostMonitor | undefined {
  if (!config.host.enabled) return undefined;
  return new HostMonitor(
    { dataDir: config.dataDir, toolsIntervalSec: config.host.toolsIntervalSec },
    ports.runner,
    ports.system,
  );
}

/** The room's sensors; a kind configured as `none` is left out and reads as unknown. */
export function roomSensors(
  config: AgentConfig,
  ports: SensorPorts = realPorts(config.sensors),
): { ups?: RoomAdapters['ups']; climate?: RoomAdapters['climate']; host?: HostSensor } {
  const ups = upsFromConfig(config.sensors, ports);
  const climate = climateFromConfig(config.sensors, ports);
  const host = hostFromConfig(config, ports);
  return { ...(ups ? { ups } : {}), ...(climate ? { climate } : {}), ...(host ? { host } : {}) };
}

/** Climate thresholds and their k-of-n confirmation from the configuration; the rest as default. */
export function edgeConfigFrom(sensors: SensorsConfig): EdgeConfig {
  const t = sensors.thresholds;
  return {
    ...defaultEdgeConfig,
    limits: [
      { metric: 'tempC', ...t.tempC },
      { metric: 'humidityPct', ...t.humidityPct },
      ...defaultEdgeConfig.limits.filter((l) => l.metric !== 'tempC' && l.metric !== 'humidityPct'),
    ],
    confirm: { samples: t.samples, window: t.window },
  };
}
