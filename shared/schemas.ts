/**
 * The wire contract's messages (DESIGN.md, "Wire contract"), defined once: the TypeScript types are
 * derived from these schemas, and both programs validate with them at their edges. Units are in the
 * field names; every message carries the schema version `v` and its time `ts` (ISO 8601, UTC).
 */

import { scanJsonDepth } from './json-depth.js';
import * as z from './zod-mini.js';

/** Version of the message schemas; a breaking change to any message bumps it. */
export const SCHEMA_VERSION = 1;

/** Largest payload either side accepts; a telemetry message is well under 1 KiB. */
export const MAX_PAYLOAD_BYTES = 16 * 1024;

const isoTime = z.iso.datetime({ offset: false, message: 'must be an ISO 8601 UTC time' });
const version = z.literal(SCHEMA_VERSION, { message: `schema version must be ${SCHEMA_VERSION}` });
const pct = z.number().check(z.gte(0), z.lte(100));

/** `hnth/v1/rooms/{room}/status`, retained; the agent's last will publishes `offline`. */
export const statusMessage = z.strictObject({
  v: version,
  state: z.enum(['online', 'offline']),
  /** The agent's software version. */
  version: z.string().check(z.maxLength(64)),
  /** Random id of this run of the agent; with `seq` it identifies an event across replays. */
  bootId: z.string().check(z.minLength(1), z.maxLength(64)),
  ts: isoTime,
});
export type StatusMessage = z.infer<typeof statusMessage>;

/**
 * `hnth/v1/hub/{clientId}/status`, retained, the hub's last will publishing `offline`; the same
 * message on the earlier single topic `hnth/v1/hub/status` (shared/topics.ts).
 */
export const hubStatusMessage = z.strictObject({
  v: version,
  state: z.enum(['online', 'offline']),
  ts: isoTime,
});
export type HubStatusMessage = z.infer<typeof hubStatusMessage>;

/**
 * Why the room's equipment is in its state: the intent that won (agent/power/power-intents.ts has
 * the precedence table).
 */
export const powerDecisions = [
  'ups-critical',
  'call',
  'forced',
  'emergency',
  'clock-unsynced',
  'scheduled',
  'override',
  'rehearsal',
  'restored',
  'schedule-stale',
  'idle',
  'hold',
] as const;
export type PowerDecisionCode = (typeof powerDecisions)[number];

export const powerReading = z.strictObject({
  /** Mains present at the room's supply; null when the room has no UPS or mains sensor. */
  mains: z.nullable(z.boolean()),
  /** UPS battery charge; null when the room has no UPS reading. */
  upsChargePct: z.nullable(pct),
  /** Whether the room's equipment (codec, display, amplifier) is switched on. */
  state: z.enum(['on', 'off']),
  /** Why it is: the power decision that holds now; absent in a room without power control. */
  decision: z.optional(z.enum(powerDecisions)),
  /** Switched on and waiting for the equipment to come up (the codec to answer), within its boot deadline. */
  booting: z.optional(z.boolean()),
  /** Estimated battery runtime at the present load (NUT `battery.runtime`); null when unknown. */
  upsRuntimeSec: z.optional(z.nullable(z.number().check(z.gte(0)))),
  /** The UPS says its battery is low (NUT `LB`, or a UPS HAT's low-battery line); null when unknown. */
  upsLowBattery: z.optional(z.nullable(z.boolean())),
  /**
   * The UPS or its server ordered a forced shutdown (NUT `FSD`, set by upsmon's primary or the UPS
   * itself): every system on it must shut down now. Null when the source cannot tell.
   */
  upsForcedShutdown: z.optional(z.nullable(z.boolean())),
  /** Mains voltage at the UPS input (NUT `input.voltage`); null when unknown. */
  inputVoltageV: z.optional(z.nullable(z.number().check(z.gte(0), z.lte(1000)))),
  /** Load on the UPS (NUT `ups.load`); null when unknown. */
  upsLoadPct: z.optional(z.nullable(z.number().check(z.gte(0), z.lte(200)))),
  /** Set when the UPS could not be read (upsd down, GPIO line refused); the UPS values are then null. */
  fault: z.optional(z.string().check(z.maxLength(200))),
});

export const climateReading = z.strictObject({
  tempC: z.nullable(z.number().check(z.gte(-40), z.lte(85))),
  humidityPct: z.nullable(pct),
  /** Set when the sensor could not be read; the values are then null. */
  fault: z.optional(z.string().check(z.maxLength(200))),
});

export const codecReading = z.strictObject({
  /**
   * `unreachable`: the probe got no answer; `down`: it answered that it is not working;
   * `unknown`: no codec probe is configured; `unchecked`: the equipment is off (or booting) and the
   * codec has not been checked while on since the agent started.
   */
  state: z.enum(['up', 'down', 'unreachable', 'unknown', 'unchecked']),
  inCall: z.boolean(),
  /** Registered to its call manager or MCU (SIP/H.323); absent when the probe cannot tell. */
  registered: z.optional(z.boolean()),
  detail: z.optional(z.string().check(z.maxLength(200))),
  /**
   * Set when the reading is not from now: while the equipment is off or booting, a switched-off
   * codec cannot answer, so the last check made while it was on stands, with its time.
   */
  checkedAt: z.optional(isoTime),
});

export const linkReading = z.strictObject({
  /** Round trip to the MCU. */
  latencyMs: z.nullable(z.number().check(z.gte(0), z.lte(60_000))),
  jitterMs: z.nullable(z.number().check(z.gte(0), z.lte(60_000))),
  lossPct: z.nullable(pct),
  /**
   * Round trip of the agent's last acknowledged publish to the hub's broker (publish to PUBACK);
   * absent until one has been measured.
   */
  mqttRttMs: z.optional(z.number().check(z.gte(0), z.lte(600_000))),
});

export const outboxReading = z.strictObject({
  /** Records on the agent's disk waiting for the broker's acknowledgement. */
  pendingCount: z.number().check(z.int(), z.gte(0)),
  /** Set while the agent cannot write its outbox (disk full, read-only). */
  fault: z.optional(z.string().check(z.maxLength(200))),
});

/**
 * What power control used since the agent started, from each output's rated power, against what
 * the same equipment would have used always on (art. 6.5, for the yearly report of art. 12.5).
 * The counters restart with the agent; `sinceIso` says from when.
 */
export const energyReading = z.strictObject({
  sinceIso: isoTime,
  usedWh: z.number().check(z.gte(0)),
  alwaysOnWh: z.number().check(z.gte(0)),
  outputs: z
    .array(
      z.strictObject({
        name: z.string().check(z.minLength(1), z.maxLength(32)),
        ratedW: z.number().check(z.gte(0)),
        onH: z.number().check(z.gte(0)),
        offH: z.number().check(z.gte(0)),
      }),
    )
    .check(z.maxLength(16)),
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
  cpuTempC: z.nullable(z.number().check(z.gte(-40), z.lte(150))),
  /** One-minute load average. */
  load1: z.nullable(z.number().check(z.gte(0))),
  memUsedPct: z.nullable(pct),
  /** Free space on the file system of the agent's data folder. */
  diskFreeMb: z.nullable(z.number().check(z.gte(0))),
  uptimeSec: z.nullable(z.number().check(z.gte(0))),
  /** Null on boards without `vcgencmd` (anything but a Raspberry Pi). */
  throttled: z.nullable(throttledFlags),
  /**
   * Whether the system clock is synchronised (timedatectl or chrony); null when it cannot be told.
   * A Pi has no RTC: until it syncs, every timestamp it sends may be wrong.
   */
  clockSynced: z.nullable(z.boolean()),
});

/** `hnth/v1/rooms/{room}/telemetry`, every few seconds. */
export const telemetryMessage = z.strictObject({
  v: version,
  ts: isoTime,
  /** Sent from the outbox after an outage: history, not the room's current state. */
  replayed: z.optional(z.literal(true)),
  power: powerReading,
  climate: climateReading,
  codec: codecReading,
  link: linkReading,
  outbox: z.optional(outboxReading),
  /** Present when the room has power control. */
  energy: z.optional(energyReading),
  /** Present when the agent reads its own host (real controllers; simulated rooms leave it out). */
  host: z.optional(hostReading),
});
export type TelemetryMessage = z.infer<typeof telemetryMessage>;
export type Readings = Omit<TelemetryMessage, 'v' | 'ts' | 'replayed' | 'outbox'>;

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
  /** Art. 5.3: a watched codec configuration value differs from the approved baseline (or is back on it). */
  'config.drift',
  /** Power control switched the room's equipment on or off; `data.reason` says why. */
  'power.on',
  'power.off',
  /** A step of a power sequence failed; the sequence stopped there in a safe state. */
  'power.step-failed',
  /** On battery and the UPS low: the room is switched off and the controller shuts down. */
  'ups.shutdown',
  /** The outbox skipped a corrupt record on disk and moved its bytes to `data.quarantineFile`. */
  'outbox.corrupt',
  /** Art. 5.3: the codec's watched configuration is back on the approved baseline. */
  'config.restored',
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
  data: z.record(
    z.string().check(z.maxLength(64)),
    z.union([z.string().check(z.maxLength(200)), z.number(), z.boolean(), z.null()]),
  ),
  ts: isoTime,
  bootId: z.string().check(z.minLength(1), z.maxLength(64)),
  /** Increases by one per event within a boot; the hub drops a repeated (room, bootId, seq). */
  seq: z.number().check(z.int(), z.gte(0)),
});
export type EventMessage = z.infer<typeof eventMessage>;

/** `hnth/v1/sim/rooms/{room}/inject`: faults for simulated agents (tests and demo only). */
export const injectMessage = z
  .partial(
    z.strictObject({
      mains: z.boolean(),
      ups: pct,
      /** Runtime left on battery (s); the simulated UPS then drains from it. */
      upsRuntime: z.number().check(z.gte(0), z.lte(86_400)),
      /** The UPS's own low-battery flag (NUT `LB`), held until the next inject that names it. */
      upsLowBattery: z.boolean(),
      /** The UPS orders a forced shutdown (NUT `FSD`). */
      upsForcedShutdown: z.boolean(),
      temperature: z.number().check(z.gte(-40), z.lte(85)),
      humidity: pct,
      codec: z.enum(['up', 'down', 'unreachable']),
      inCall: z.boolean(),
      latency: z.number().check(z.gte(0), z.lte(60_000)),
      jitter: z.number().check(z.gte(0), z.lte(60_000)),
      loss: pct,
      /** Presses the room's speak button once (art. 10.1c). */
      speak: z.literal(true),
      /** How the MCU's test conference answers the room's test call, held until changed. */
      mcuAnswer: z.enum(['answer', 'busy', 'reject', 'silent']),
      /** The room's camera is connected (false: unplugged), held until changed. */
      camera: z.boolean(),
      /** Someone changed these codec configuration values on the device (art. 5.3). */
      codecConfig: z.record(
        z.string().check(z.minLength(1), z.maxLength(128)),
        z.string().check(z.maxLength(200)),
      ),
    }),
  )
  .check(z.refine((m) => Object.keys(m).length > 0, { message: 'inject names no fault' }));
export type InjectMessage = z.infer<typeof injectMessage>;

const commandId = z.string().check(z.minLength(1), z.maxLength(64));

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
  args: z.record(z.string().check(z.maxLength(64)), z.unknown()),
});
export type CommandMessage = z.infer<typeof commandMessage>;

export const commandErrorCodes = ['expired', 'unknown-command', 'bad-args', 'refused', 'failed'] as const;
export type CommandErrorCode = (typeof commandErrorCodes)[number];

/** `hnth/v1/rooms/{room}/replies`: the agent's answer to one command. */
export const replyMessage = z.strictObject({
  v: version,
  id: commandId,
  name: z.string().check(z.maxLength(32)),
  ok: z.boolean(),
  /** What the command did (`{power: 'on', changed: false}`); present when ok. */
  result: z.optional(z.record(z.string().check(z.maxLength(64)), z.unknown())),
  /** Why it did not; present when not ok. */
  error: z.optional(
    z.strictObject({ code: z.enum(commandErrorCodes), message: z.string().check(z.maxLength(500)) }),
  ),
  ts: isoTime,
});
export type ReplyMessage = z.infer<typeof replyMessage>;

/**
 * `hnth/v1/rooms/{room}/schedule`, retained, from the hub: what the room must be ready for. Only
 * times and kinds, never titles or participants (art. 13.1c: meeting information stays at the hub).
 */
/**
 * `hnth/v1/rooms/{room}/acks`, from the hub: these events of this boot are in the hub's store (or
 * were already). Until then the room keeps them in its outbox and sends them again after any
 * reconnect, since a broker's PUBACK does not prove the hub got them (an embedded broker dies with
 * the hub).
 */
export const eventAckMessage = z.strictObject({
  v: version,
  bootId: z.string().check(z.minLength(1), z.maxLength(64)),
  seqs: z.array(z.number().check(z.int(), z.gte(0))).check(z.minLength(1), z.maxLength(1000)),
  ts: isoTime,
});
export type EventAckMessage = z.infer<typeof eventAckMessage>;

export const scheduleMessage = z.strictObject({
  v: version,
  ts: isoTime,
  items: z
    .array(
      z.strictObject({
        /** Id of the meeting, rehearsal or inspection at the hub. */
        id: z.string().check(z.minLength(1), z.maxLength(64)),
        kind: z.enum(['meeting', 'rehearsal', 'inspection']),
        start: isoTime,
        end: isoTime,
        /** Art. 8.2: an emergency meeting powers the room on at once. */
        emergency: z.boolean(),
      }),
    )
    .check(z.maxLength(500)),
});
export type ScheduleMessage = z.infer<typeof scheduleMessage>;

/** Art. 7: the kinds of meeting held on the network. */
export const meetingKinds = [
  'party',
  'council',
  'committee',
  'training',
  'conference',
  'inter-agency',
] as const;
export type MeetingKind = (typeof meetingKinds)[number];

/** Art. 8.2: what makes a meeting an emergency, exempt from the notice period. */
export const emergencyReasons = ['flood', 'storm', 'disaster', 'fire', 'other'] as const;
export type EmergencyReason = (typeof emergencyReasons)[number];

const offsetTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time with its offset' });

/** REST body of `POST /api/meetings`; `PATCH` takes any subset of it. */
export const meetingRequest = z.strictObject({
  title: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  kind: z.enum(meetingKinds),
  /** The room that chairs the meeting (điểm cầu chính); it is one of `roomIds`. */
  hostRoomId: z.string().check(z.minLength(1), z.maxLength(64)),
  roomIds: z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.minLength(1), z.maxLength(100)),
  start: offsetTime,
  end: offsetTime,
  /** Null for an ordinary meeting; art. 8.2 for an emergency one. */
  emergency: z.nullable(z.strictObject({ reason: z.enum(emergencyReasons) })),
});
export type MeetingRequest = z.infer<typeof meetingRequest>;

/**
 * What a rehearsal checks (art. 9.3: terminals, line, sound and picture). `sip`: the codec's test
 * call to the MCU connects; `line`: loss, jitter and round trip measured in calls (the controller's
 * own line test and the test call's media), the telecom partner's; `sound` and `picture`: what the
 * test call negotiated and the room's microphones and speaker, the technician's; `link`: the
 * controller's continuous probe of the MCU.
 */
export const rehearsalCheckNames = [
  'power',
  'climate',
  'codec',
  'peripherals',
  'sip',
  'link',
  'line',
  'sound',
  'picture',
] as const;
export type RehearsalCheckName = (typeof rehearsalCheckNames)[number];

/**
 * Who must act on a failing check: line → telecom partner, mains → power partner, equipment → the
 * room's technician, operator → the department (it holds the room off).
 */
export const responsibleParties = ['line', 'mains', 'equipment', 'operator'] as const;
export type ResponsibleParty = (typeof responsibleParties)[number];

export const rehearsalCheck = z.strictObject({
  check: z.enum(rehearsalCheckNames),
  /** `marginal`: works but near a limit; `not-run`: the room cannot run this check (detail says why). */
  status: z.enum(['pass', 'marginal', 'fail', 'not-run']),
  detail: z.string().check(z.maxLength(300)),
  /** The figures the status was decided on (`{lossPct: 8, limitPct: 5}`). */
  evidence: z.record(
    z.string().check(z.maxLength(64)),
    z.union([z.string().check(z.maxLength(200)), z.number(), z.boolean(), z.null()]),
  ),
  /** Present when the status is `fail` or `marginal`. */
  fault: z.optional(z.enum(responsibleParties)),
});
export type RehearsalCheck = z.infer<typeof rehearsalCheck>;

/** What a rehearsal did to the room's power: found it, switched it on, waited for it, put it back. */
export const rehearsalPower = z.strictObject({
  /** The state the rehearsal found the equipment in, and restores when it is done. */
  found: z.enum(['on', 'off']),
  /** Whether the equipment was on (switched on, or already) when the checks ran. */
  on: z.boolean(),
  /** Seconds from the start of the rehearsal until the codec answered; null when it did not (or has no probe). */
  bootSec: z.nullable(z.number().check(z.gte(0))),
  /** Why the room was not switched on, when it was not. */
  refused: z.optional(z.string().check(z.maxLength(300))),
});
export type RehearsalPower = z.infer<typeof rehearsalPower>;

/** One media channel of a test call, summarised over the time it was measured. */
export const callChannel = z.strictObject({
  media: z.enum(['audio', 'video']),
  direction: z.enum(['incoming', 'outgoing']),
  /** Share of the channel's packets lost while measured; null when the codec reports none. */
  lossPct: z.nullable(pct),
  /** The worst interarrival jitter (RFC 3550) reported while measured. */
  jitterMs: z.nullable(z.number().check(z.gte(0), z.lte(60_000))),
  /** The negotiated codec: `AACLD`, `G722`, `Opus` (sound), `H264`, `H265` (picture). */
  codec: z.nullable(z.string().check(z.maxLength(32))),
  /** Picture only: the negotiated resolution and the frame rate measured. */
  widthPx: z.optional(z.nullable(z.number().check(z.int(), z.gte(0), z.lte(16_384)))),
  heightPx: z.optional(z.nullable(z.number().check(z.int(), z.gte(0), z.lte(16_384)))),
  frameRate: z.optional(z.nullable(z.number().check(z.gte(0), z.lte(240)))),
  rateKbps: z.nullable(z.number().check(z.gte(0), z.lte(1_000_000))),
});
export type CallChannel = z.infer<typeof callChannel>;

/**
 * How a test call ended: `connected` and measured; `dropped` after connecting, before the end of the
 * measurement; `busy`, `rejected` by the far end or the network; `timeout`: never connected within
 * the deadline; `codec-error`: the codec refused or failed to dial; `not-placed`: the agent did not
 * dial (a meeting, a change freeze, the codec down: `detail` says which).
 */
export const testCallOutcomes = [
  'connected',
  'dropped',
  'busy',
  'rejected',
  'timeout',
  'codec-error',
  'not-placed',
] as const;
export type TestCallOutcome = (typeof testCallOutcomes)[number];

/** The codec's test call to the MCU's test conference during a rehearsal (art. 9.3: sound and picture). */
export const testCallResult = z.strictObject({
  dialled: z.string().check(z.maxLength(255)),
  outcome: z.enum(testCallOutcomes),
  detail: z.string().check(z.maxLength(300)),
  /** Seconds from dialling to connected; null when it never connected. */
  connectSec: z.nullable(z.number().check(z.gte(0))),
  /** Seconds of media statistics read before hanging up. */
  measuredSec: z.number().check(z.gte(0)),
  channels: z.array(callChannel).check(z.maxLength(16)),
  microphones: z
    .array(
      z.strictObject({
        name: z.string().check(z.maxLength(100)),
        /** Null where the codec does not say (a built-in microphone). */
        connected: z.nullable(z.boolean()),
        muted: z.nullable(z.boolean()),
      }),
    )
    .check(z.maxLength(16)),
  /** The room's sound output; null when the codec does not say. */
  speaker: z.nullable(z.strictObject({ muted: z.nullable(z.boolean()), volumePct: z.nullable(pct) })),
});
export type TestCallResult = z.infer<typeof testCallResult>;

/**
 * The controller's own short SIP call to the MCU's test number, sending RTP that the far end echoes:
 * the line measured without the codec, so a broken codec cannot hide a good line (or a bad one).
 */
export const lineTestResult = z.strictObject({
  target: z.string().check(z.maxLength(255)),
  /** `answered` and measured; `timeout`: no final answer; `rejected`: a SIP error answer; `error`: a local failure. */
  outcome: z.enum(['answered', 'timeout', 'rejected', 'error', 'not-placed']),
  detail: z.string().check(z.maxLength(300)),
  sent: z.number().check(z.int(), z.gte(0)),
  received: z.number().check(z.int(), z.gte(0)),
  lossPct: z.nullable(pct),
  jitterMs: z.nullable(z.number().check(z.gte(0), z.lte(60_000))),
  rttMs: z.nullable(z.number().check(z.gte(0), z.lte(60_000))),
});
export type LineTestResult = z.infer<typeof lineTestResult>;

export const peripheralKinds = ['camera', 'microphone', 'touch-panel', 'display'] as const;
export type PeripheralKind = (typeof peripheralKinds)[number];

/** One peripheral the codec reports (art. 5.1, 5.3: cameras, microphones, touch panel, displays). */
export const peripheral = z.strictObject({
  kind: z.enum(peripheralKinds),
  name: z.string().check(z.maxLength(100)),
  connected: z.boolean(),
  /** Built into the codec (a Room Kit's camera, a Studio X's microphones). */
  integrated: z.optional(z.boolean()),
});
export type Peripheral = z.infer<typeof peripheral>;

/** What the codec reports of its peripherals; `reported`: the kinds its API can list at all. */
export const peripheralInventory = z.strictObject({
  reported: z.array(z.enum(peripheralKinds)).check(z.maxLength(peripheralKinds.length)),
  devices: z.array(peripheral).check(z.maxLength(32)),
});

/** The `result` of a room's reply to the `rehearse` command. */
export const rehearseResult = z.strictObject({
  checks: z.array(rehearsalCheck).check(z.minLength(1), z.maxLength(20)),
  /** Absent from a room without power control. */
  power: z.optional(rehearsalPower),
  /** Present when the hub asked for a test call (placed or not, and why). */
  testCall: z.optional(testCallResult),
  /** Present when the hub asked for a line test. */
  lineTest: z.optional(lineTestResult),
  /** The peripherals the codec reports; absent when its API lists none or could not be read. */
  peripherals: z.optional(peripheralInventory),
});
export type RehearseResult = z.infer<typeof rehearseResult>;

/**
 * `hnth/v1/rooms/{room}/speak`: the room asks for the floor or withdraws its request (art. 10.1c,
 * 10.2e); the hub queues it for the host room's technician.
 */
export const speakMessage = z.strictObject({
  v: version,
  action: z.enum(['request', 'cancel']),
  ts: isoTime,
});
export type SpeakMessage = z.infer<typeof speakMessage>;

export const speakStates = ['idle', 'waiting', 'granted', 'no-session'] as const;
export type SpeakState = (typeof speakStates)[number];

/**
 * `hnth/v1/rooms/{room}/speak-state`, retained, from the hub: where the room's request stands.
 * `no-session`: the room asked while no meeting had a host room taking requests.
 */
export const speakStateMessage = z.strictObject({
  v: version,
  ts: isoTime,
  state: z.enum(speakStates),
  /** 1 for the next room to be given the floor; present while waiting. */
  position: z.optional(z.number().check(z.int(), z.gte(1))),
  /** The room chairing the meeting the request went to. */
  hostRoomId: z.optional(z.string().check(z.maxLength(64))),
});
export type SpeakStateMessage = z.infer<typeof speakStateMessage>;

/** Each channel's schema: what decodeMessage checks a payload of that channel against. */
export const channelSchemas = {
  status: statusMessage,
  telemetry: telemetryMessage,
  events: eventMessage,
  replies: replyMessage,
  command: commandMessage,
  schedule: scheduleMessage,
  hubStatus: hubStatusMessage,
  acks: eventAckMessage,
  inject: injectMessage,
  speak: speakMessage,
  'speak-state': speakStateMessage,
} as const;
export type ChannelSchemas = typeof channelSchemas;
export type Channel = keyof ChannelSchemas;
export type MessageOf<C extends Channel> = z.infer<(typeof channelSchemas)[C]>;

export type RejectCode = 'oversize' | 'too-deep' | 'malformed-json' | 'schema';

export type Decoded<T> = { ok: true; message: T } | { ok: false; code: RejectCode; reason: string };

/**
 * Deepest nesting of arrays and objects a message may have. The deepest real message, a reply to
 * `rehearse`, nests 5 levels (reply, result, checks, check, evidence); 16 leaves room for the
 * contract to grow and bounds every recursive walk of a message (the schema check, the unstorable
 * text scan below, a store's JSON.stringify) to 16 frames.
 */
export const MAX_JSON_DEPTH = 16;

/** A NUL, or half of a surrogate pair: JSON escapes can carry them, PostgreSQL cannot store them. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const unstorable = (text: string) => text.includes('\u0000') || LONE_SURROGATE.test(text);

/**
 * Where in a parsed message a string (or key) holds text no store can keep, as `a.b.0`; null if
 * nowhere. `path` is one array pushed and popped on the way down, and joined only at a find, so the
 * walk costs one step per value (a copy of the path per value would cost the depth again).
 */
function unstorableTextAt(value: unknown, path: string[]): string | null {
  if (typeof value === 'string') return unstorable(value) ? path.join('.') || '(message)' : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, inner] of Object.entries(value)) {
    if (unstorable(key)) return [...path, '(key)'].join('.');
    path.push(key);
    const found = unstorableTextAt(inner, path);
    path.pop();
    if (found) return found;
  }
  return null;
}

export type Decode = <C extends Channel>(channel: C, payload: Buffer | string) => Decoded<MessageOf<C>>;

/**
 * A decoder checking against `schemas`: channelSchemas, or (the hub's) the same schemas compiled
 * (hub/ingest/compiled-decode.ts), so both run these same steps and differ only in how zod checks.
 */
export function decoderOver(schemas: ChannelSchemas): Decode {
  return (channel, payload) => {
    try {
      return decodeBounded(schemas, channel, payload);
    } catch (err) {
      // Nothing in decodeBounded throws for any input known; should something (a bug, an engine
      // limit), the message is still refused as data and the caller carries on.
      return { ok: false, code: 'schema', reason: `message could not be checked: ${String(err)}` };
    }
  };
}

/**
 * Decodes a payload of the given channel; a bad one comes back as a reason, never an exception.
 * Bounded for any payload a room can send: the size is checked first, then the nesting depth in
 * one pass over the raw text, and only then is it parsed and walked, each walk at most
 * MAX_JSON_DEPTH deep over at most MAX_PAYLOAD_BYTES.
 */
export const decodeMessage: Decode = decoderOver(channelSchemas);

/** A reason is logged with every rejected message: a strict object's error lists every unknown key. */
const MAX_REASON_CHARS = 300;
const clip = (reason: string) =>
  reason.length > MAX_REASON_CHARS
    ? `${reason.slice(0, MAX_REASON_CHARS)}… (${reason.length} characters)`
    : reason;

function decodeBounded<C extends Channel>(
  schemas: ChannelSchemas,
  channel: C,
  payload: Buffer | string,
): Decoded<MessageOf<C>> {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  if (size > MAX_PAYLOAD_BYTES) {
    return { ok: false, code: 'oversize', reason: `payload of ${size} bytes exceeds ${MAX_PAYLOAD_BYTES}` };
  }
  const text = payload.toString();
  const depth = scanJsonDepth(text, MAX_JSON_DEPTH);
  if (!depth.ok) {
    return depth.code === 'too-deep'
      ? {
          ok: false,
          code: 'too-deep',
          reason: `nested deeper than ${MAX_JSON_DEPTH} levels (at character ${depth.at})`,
        }
      : {
          ok: false,
          code: 'malformed-json',
          reason: `malformed JSON: unmatched bracket at character ${depth.at}`,
        };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, code: 'malformed-json', reason: `malformed JSON: ${(err as Error).message}` };
  }
  // From the wire (bytes), parsed JSON holds a NUL or a lone surrogate only where the text wrote a
  // \u escape (JSON.parse refuses raw control characters, and bad UTF-8 decodes to U+FFFD), so most
  // messages need no walk; a string handed in may hold a lone surrogate as it is.
  const mayHoldUnstorable = typeof payload === 'string' || text.includes('\\u');
  const badText = mayHoldUnstorable ? unstorableTextAt(json, []) : null;
  if (badText) {
    return {
      ok: false,
      code: 'schema',
      reason: `${badText}: text holds a NUL character or an unpaired UTF-16 surrogate`,
    };
  }
  const result = schemas[channel].safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join('.') : '(message)';
    return { ok: false, code: 'schema', reason: clip(`${where}: ${issue.message}`) };
  }
  return { ok: true, message: result.data as MessageOf<C> };
}

/** The current time in the contract's format. */
export function isoNow(now: Date = new Date()): string {
  return now.toISOString();
}
