/**
 * What a real room controller sends most, with every optional part it can fill: telemetry from a
 * room with power control behind a NUT-read UPS, energy counters, the codec registered and in a
 * call, and its own host; and a threshold event with its facts. The decoding benchmark measures
 * these, and the hub decoder's sameness test starts its corpus from them.
 */
import { type EventMessage, SCHEMA_VERSION, type TelemetryMessage } from '../../shared/schemas.js';

const ts = '2026-11-30T03:00:00.000Z';

export function controllerTelemetry(): TelemetryMessage {
  return {
    v: SCHEMA_VERSION,
    ts,
    power: {
      mains: true,
      upsChargePct: 100,
      state: 'on',
      decision: 'scheduled',
      booting: false,
      upsRuntimeSec: 1800,
      upsLowBattery: false,
      upsForcedShutdown: false,
      inputVoltageV: 228.5,
      upsLoadPct: 31,
    },
    climate: { tempC: 25.5, humidityPct: 61.2 },
    codec: { state: 'up', inCall: true, registered: true, detail: 'registered to sip:mcu.example.vn' },
    link: { latencyMs: 12.3, jitterMs: 1.2, lossPct: 0, mqttRttMs: 8.4 },
    outbox: { pendingCount: 0 },
    energy: {
      sinceIso: ts,
      usedWh: 1234.5,
      alwaysOnWh: 4567.8,
      outputs: [
        { name: 'codec', ratedW: 60, onH: 5.2, offH: 18.8 },
        { name: 'display', ratedW: 120, onH: 5.2, offH: 18.8 },
      ],
    },
    host: {
      cpuTempC: 48.2,
      load1: 0.12,
      memUsedPct: 41.5,
      diskFreeMb: 12_000,
      uptimeSec: 86_400,
      throttled: {
        underVoltage: false,
        freqCapped: false,
        throttled: false,
        softTempLimit: false,
        underVoltageOccurred: false,
        freqCappedOccurred: false,
        throttledOccurred: false,
        softTempLimitOccurred: false,
      },
      clockSynced: true,
    },
  };
}

export function controllerEvent(): EventMessage {
  return {
    v: SCHEMA_VERSION,
    type: 'threshold.raised',
    severity: 'warning',
    data: { metric: 'tempC', value: 34.5, limit: 32, sensor: 'iio:device0' },
    ts,
    bootId: '6f1c2a9e-3b7d-4e15-9a0c-2f8d1e4b7c63',
    seq: 118,
  };
}
