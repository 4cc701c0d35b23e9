/**
 * A room's messages as its agent sends them, nominal unless patched: for tests that hand a hub (or a
 * store) what a room reports without running an agent.
 */
import { expect } from '@jest/globals';
import type { Ingest } from '../../hub/ingest/ingest.js';
import {
  type EventMessage,
  SCHEMA_VERSION,
  type StatusMessage,
  type TelemetryMessage,
} from '../../shared/schemas.js';
import { roomTopic } from '../../shared/topics.js';

/** Mains on, the UPS full, 25 °C, the codec up and idle, a clean link. */
export function nominalTelemetry(
  ts: string,
  climate: Partial<TelemetryMessage['climate']> = {},
): TelemetryMessage {
  return {
    v: SCHEMA_VERSION,
    ts,
    power: { mains: true, upsChargePct: 100, state: 'on' },
    climate: { tempC: 25, humidityPct: 60, ...climate },
    codec: { state: 'up', inCall: false },
    link: { latencyMs: 10, jitterMs: 1, lossPct: 0 },
  };
}

export function roomStatus(state: StatusMessage['state'], bootId: string, ts: string): StatusMessage {
  return { v: SCHEMA_VERSION, state, version: 'test', bootId, ts };
}

/** An event of the room's boot `bootId`, as its agent sends it: no facts, `info` unless told. */
export function roomEvent(
  type: EventMessage['type'],
  bootId: string,
  seq: number,
  ts: string,
  severity: EventMessage['severity'] = 'info',
): EventMessage {
  return { v: SCHEMA_VERSION, type, severity, data: {}, ts, bootId, seq };
}

/** The room online and nominal, as `hub` hears it now: a room whose state is known. */
export function sendNominal(hub: { ingest: Pick<Ingest, 'handle'> }, roomId: string, bootId: string): void {
  const ts = new Date().toISOString();
  const send = (channel: 'status' | 'telemetry', message: object) =>
    expect(hub.ingest.handle(roomTopic(roomId, channel), Buffer.from(JSON.stringify(message)))).toBeNull();
  send('status', roomStatus('online', bootId, ts));
  send('telemetry', nominalTelemetry(ts));
}
