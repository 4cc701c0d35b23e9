/**
 * The wire contract's messages (DESIGN.md, "Wire contract"), defined once: the TypeScript types are
 * derived from these schemas, and both programs validate with them at their edges. Units are in the
 * field names; every message carries the schema version `v` and its time `ts` (ISO 8601, UTC).
 */
import { z } from 'zod';

/** Version of the message schemas; a breaking change to any message bumps it. */
export const SCHEMA_VERSION = 1;

/** Largest payload either side accepts; a telemetry message is well under 1 KiB. */
export const MAX_PAYLOAD_BYTES = 16 * 1024;

const isoTime = z.iso.datetime({ offset: false, message: 'must be an ISO 8601 UTC time' });
const version = z.literal(SCHEMA_VERSION, { message: `schema version must be ${SCHEMA_VERSION}` });
const pct = z.number().min(0).max(100);

/** `hnth/v1/rooms/{room}/status`, retained; the agent's last will publishes `offline`. */
export const statusMessage = z.strictObject({
  v: version,
  state: z.enum(['online', 'offline']),
  /** The agent's software version. */
  version: z.string().max(64),
  /** Random id of this run of the agent; with `seq` it identifies an event across replays. */
  bootId: z.string().min(1).max(64),
  ts: isoTime,
});
export type StatusMessage = z.infer<typeof statusMessage>;

export const powerReading = z.strictObject({
  /** Mains present at the room's supply; null when the room has no UPS or mains sensor. */
  mains: z.boolean().nullable(),
  /** UPS battery charge; null when the room has no UPS reading. */
  upsChargePct: pct.nullable(),
  /** Whether the room's equipment (codec, display, amplifier) is switched on. */
  state: z.enum(['on', 'off']),
  /** Estimated battery runtime at the present load (NUT `battery.runtime`); null when unknown. */
  upsRuntimeSec: z.number().min(0).nullable().optional(),
  /** The UPS says its battery is low (NUT `LB`, or a UPS HAT's low-battery line); null when unknown. */
  upsLowBattery: z.boolean().nullable().optional(),
  /** Mains voltage at the UPS input (NUT `input.voltage`); null when unknown. */
  inputVoltageV: z.number().min(0).max(1000).nullable().optional(),
  /** Load on the UPS (NUT `ups.load`); null when unknown. */
  upsLoadPct: z.number().min(0).max(200).nullable().optional(),
  /** Set when the UPS could not be read (upsd down, GPIO line refused); the UPS values are then null. */
  fault: z.string().max(200).optional(),
});

export const climateReading = z.strictObject({
  tempC: z.number().min(-40).max(85).nullable(),
  humidityPct: pct.nullable(),
  /** Set when the sensor could not be read; the values are then null. */
  fault: z.string().max(200).optional(),
});

export const codecReading = z.strictObject({
  /**
   * `unreachable`: the probe got no answer; `down`: it answered that it is not working;
   * `unknown`: no codec probe is configured.
   */
  state: z.enum(['up', 'down', 'unreachable', 'unknown']),
  inCall: z.boolean(),
  detail: z.string().max(200).optional(),
});

export const linkReading = z.strictObject({
  /** Round trip to the MCU. */
  latencyMs: z.number().min(0).max(60_000).nullable(),
  jitterMs: z.number().min(0).max(60_000).nullable(),
  lossPct: pct.nullable(),
});

/** Raspberry Pi firmware throttling (`vcgencmd get_throttled`): what is true now and since boot. */
export const throttledFlags = z.strictObject({
  underVoltage: z.boolean(),
  freqCapped: z.boolean(),
  throttled: z.boolean(),
  softTempLimit: z.boolean(),
  underVoltageOccurred: z.boolean(),
  freqCappedOccurred: z.boolean(),
  throttledOccurred: z.boolean(),
  softTempLimitOccurred: z.boolean(),
});

/** The room controller itself (art. 4.1: the equipment, the controller included, must be trustworthy). */
export const hostReading = z.strictObject({
  /** SoC temperature; null when the board exposes none. */
  cpuTempC: z.number().min(-40).max(150).nullable(),
  /** One-minute load average. */
  load1: z.number().min(0).nullable(),
  memUsedPct: pct.nullable(),
  /** Free space on the file system of the agent's data folder. */
  diskFreeMb: z.number().min(0).nullable(),
  uptimeSec: z.number().min(0).nullable(),
  /** Null on boards without `vcgencmd` (anything but a Raspberry Pi). */
  throttled: throttledFlags.nullable(),
  /**
   * Whether the system clock is synchronised (timedatectl or chrony); null when it cannot be told.
   * A Pi has no RTC: until it syncs, every timestamp it sends may be wrong.
   */
  clockSynced: z.boolean().nullable(),
});

/** `hnth/v1/rooms/{room}/telemetry`, every few seconds. */
export const telemetryMessage = z.strictObject({
  v: version,
  ts: isoTime,
  power: powerReading,
  climate: climateReading,
  codec: codecReading,
  link: linkReading,
  /** Present when the agent reads its own host (real controllers; simulated rooms leave it out). */
  host: hostReading.optional(),
});
export type TelemetryMessage = z.infer<typeof telemetryMessage>;
export type Readings = Omit<TelemetryMessage, 'v' | 'ts'>;

export const eventTypes = [
  'agent.started',
  'mains.lost',
  'mains.restored',
  'ups.low',
  'ups.ok',
  'codec.down',
  'codec.up',
  'call.started',
  'call.ended',
  'threshold.raised',
  'threshold.cleared',
] as const;
export type EventType = (typeof eventTypes)[number];

export const severities = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof severities)[number];

/** `hnth/v1/rooms/{room}/events`, on every edge. */
export const eventMessage = z.strictObject({
  v: version,
  type: z.enum(eventTypes),
  severity: z.enum(severities),
  /** Flat facts about the edge (`{metric: 'tempC', value: 34, limit: 32}`). */
  data: z.record(z.string().max(64), z.union([z.string().max(200), z.number(), z.boolean(), z.null()])),
  ts: isoTime,
  bootId: z.string().min(1).max(64),
  /** Increases by one per event within a boot; the hub drops a repeated (room, bootId, seq). */
  seq: z.number().int().min(0),
});
export type EventMessage = z.infer<typeof eventMessage>;

/** `hnth/v1/sim/rooms/{room}/inject`: faults for simulated agents (tests and demo only). */
export const injectMessage = z
  .strictObject({
    mains: z.boolean(),
    ups: pct,
    temperature: z.number().min(-40).max(85),
    humidity: pct,
    codec: z.enum(['up', 'down', 'unreachable']),
    inCall: z.boolean(),
    latency: z.number().min(0).max(60_000),
    jitter: z.number().min(0).max(60_000),
    loss: pct,
  })
  .partial()
  .refine((m) => Object.keys(m).length > 0, { message: 'inject names no fault' });
export type InjectMessage = z.infer<typeof injectMessage>;

const commandId = z.string().min(1).max(64);

/**
 * `hnth/v1/rooms/{room}/cmd/{name}`, from the hub only. Correlation and expiry travel in the payload
 * rather than in MQTT 5 properties, so commands work the same on the embedded MQTT 3.1.1 broker.
 * The agent answers on its `replies` channel with the same `id`.
 */
export const commandMessage = z.strictObject({
  v: version,
  /** Correlation id, unique per command; a repeat of an id gets the first reply again. */
  id: commandId,
  ts: isoTime,
  /** After this time the agent does not execute the command (it replies `expired`). */
  expiresAt: isoTime,
  /** The command's arguments; each command checks its own. */
  args: z.record(z.string().max(64), z.unknown()),
});
export type CommandMessage = z.infer<typeof commandMessage>;

export const commandErrorCodes = ['expired', 'unknown-command', 'bad-args', 'refused', 'failed'] as const;
export type CommandErrorCode = (typeof commandErrorCodes)[number];

/** `hnth/v1/rooms/{room}/replies`: the agent's answer to one command. */
export const replyMessage = z.strictObject({
  v: version,
  id: commandId,
  name: z.string().max(32),
  ok: z.boolean(),
  /** What the command did (`{power: 'on', changed: false}`); present when ok. */
  result: z.record(z.string().max(64), z.unknown()).optional(),
  /** Why it did not; present when not ok. */
  error: z.strictObject({ code: z.enum(commandErrorCodes), message: z.string().max(500) }).optional(),
  ts: isoTime,
});
export type ReplyMessage = z.infer<typeof replyMessage>;

/**
 * `hnth/v1/rooms/{room}/schedule`, retained, from the hub: what the room must be ready for. Only
 * times and kinds, never titles or participants (art. 13.1c: meeting information stays at the hub).
 */
export const scheduleMessage = z.strictObject({
  v: version,
  ts: isoTime,
  items: z
    .array(
      z.strictObject({
        /** Id of the meeting, rehearsal or inspection at the hub. */
        id: z.string().min(1).max(64),
        kind: z.enum(['meeting', 'rehearsal', 'inspection']),
        start: isoTime,
        end: isoTime,
        /** Art. 8.2: an emergency meeting powers the room on at once. */
        emergency: z.boolean(),
      }),
    )
    .max(500),
});
export type ScheduleMessage = z.infer<typeof scheduleMessage>;

const channelSchemas = {
  status: statusMessage,
  telemetry: telemetryMessage,
  events: eventMessage,
  replies: replyMessage,
  command: commandMessage,
  schedule: scheduleMessage,
  inject: injectMessage,
} as const;
export type Channel = keyof typeof channelSchemas;
export type MessageOf<C extends Channel> = z.infer<(typeof channelSchemas)[C]>;

export type RejectCode = 'oversize' | 'malformed-json' | 'schema';

export type Decoded<T> = { ok: true; message: T } | { ok: false; code: RejectCode; reason: string };

/** Decodes a payload of the given channel; a bad one comes back as a reason, never an exception. */
export function decodeMessage<C extends Channel>(
  channel: C,
  payload: Buffer | string,
): Decoded<MessageOf<C>> {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  if (size > MAX_PAYLOAD_BYTES) {
    return { ok: false, code: 'oversize', reason: `payload of ${size} bytes exceeds ${MAX_PAYLOAD_BYTES}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(payload.toString());
  } catch (err) {
    return { ok: false, code: 'malformed-json', reason: `malformed JSON: ${(err as Error).message}` };
  }
  const result = channelSchemas[channel].safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join('.') : '(message)';
    return { ok: false, code: 'schema', reason: `${where}: ${issue.message}` };
  }
  return { ok: true, message: result.data as MessageOf<C> };
}

/** The current time in the contract's format. */
export function isoNow(now: Date = new Date()): string {
  return now.toISOString();
}
