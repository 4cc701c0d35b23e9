/**
 * The agent's controller: reads the room every telemetry interval, publishes telemetry, and
 * publishes an event on every edge with this boot's id and a sequence number. Its parts (power
 * control) start after the link, see every sample and add their sections to the telemetry.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type Clock, systemClock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import {
  decodeMessage,
  type EventMessage,
  isoNow,
  type Readings,
  SCHEMA_VERSION,
  type SpeakMessage,
  type SpeakState,
  type TelemetryMessage,
} from '../shared/schemas.js';
import {
  ALL_HUB_STATUSES_FILTER,
  ackTopic,
  commandFilter,
  HUB_STATUS_TOPIC,
  hubIdOfStatusTopic,
  injectTopic,
  parseTopic,
  speakStateTopic,
} from '../shared/topics.js';
import type { AgentContext, AgentPart } from './agent-part.js';
import { CommandRouter } from './commands/command-router.js';
import type { AgentConfig } from './config.js';
import {
  defaultEdgeConfig,
  detectEdges,
  type EdgeConfig,
  type EdgeEvent,
  nominal,
  type Recent,
} from './edges.js';
import { HubPresence } from './link/hub-presence.js';
import { MqttLink } from './link/mqtt-link.js';
import { Outbox } from './link/outbox.js';
import { SendPacing } from './link/send-pacing.js';
import type { ReadingSource } from './reading-source.js';
import type { SimHardware } from './sim/sim-hardware.js';
import type { SpeakButton } from './speak/speak-button.js';
import { agentVersion } from './version.js';

export interface AgentDeps {
  source: ReadingSource;
  /** Present in simulation: the agent then obeys the inject topic. */
  sim?: SimHardware;
  log: Logger;
  edges?: EdgeConfig;
  /** The room's speak button, when it has one. */
  speakButton?: SpeakButton;
  /** Parts with their own lifecycle (power control), started after the link. */
  parts?: AgentPart[];
  /** The clock of sampling and of every message's time; the system clock unless a test moves it. */
  clock?: Clock;
}

export class Agent {
  readonly bootId = randomUUID();
  private readonly link: MqttLink;
  private readonly outbox: Outbox;
  private lastOfflineTelemetryAt = 0;
  private lastRttAt = 0;
  private mqttRttMs: number | undefined;
  private readonly hubs = new HubPresence();
  /** Where the parts of the agent (power, rehearsals) register the hub's commands they execute. */
  readonly commands: CommandRouter;
  private timer: unknown = null;
  private stopping: Promise<void> | null = null;
  private readonly clock: Clock;
  private last: Readings = nominal;
  private raised: ReadonlySet<string> = new Set();
  private recent: Recent = new Map();
  private seq = 0;
  private sampling: Promise<void> = Promise.resolve();
  private lastSampleAt: number;
  private speak: SpeakState = 'idle';
  /** Resolves when the broker first accepts the connection. */
  connected: Promise<void> = new Promise(() => {});

  constructor(
    private readonly config: AgentConfig,
    private readonly deps: AgentDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.lastSampleAt = this.clock.now().getTime();
    this.link = new MqttLink(
      config.mqtt,
      { roomId: config.roomId, bootId: this.bootId, version: agentVersion },
      deps.log,
      { now: this.clock.now },
    );
    this.outbox = new Outbox(
      path.join(config.dataDir, 'outbox', `${config.roomId}.log`),
      config.outbox.maxBytes,
      (record) => this.link.publishAcked(record.channel, record.body),
      deps.log,
      () => this.clock.now().getTime(),
      new SendPacing({ perSec: config.outbox.sendPerSec, burst: config.outbox.sendBurst }, this.clock),
    );
    // The outbox replays only while some hub says it is online: its subscriptions are then in place.
    this.link.onConnectionChange((connected) => {
      // A broker met again may be a new one (the hub's embedded broker restarted with the hub):
      // wait for the hubs' statuses from it before replaying, whatever the last ones said.
      if (connected) this.hubs.reset();
      this.outbox.setConnected(this.link.connected && this.hubs.online);
      // A fresh sample on every (re)connect: the hub learns the room's state now, not a tick later.
      if (connected) void this.sample();
    });
    this.commands = new CommandRouter(
      (reply) => this.link.publish('replies', reply, 1),
      deps.log,
      this.clock.now,
    );
    this.commands.register('ping', async () => ({ bootId: this.bootId, version: agentVersion }));
  }

  get roomId(): string {
    return this.config.roomId;
  }

  /** The latest readings (the nominal state before the first sample). */
  get readings(): Readings {
    return this.last;
  }

  /** Where the room's speak request stands, as the hub last said. */
  get speakState(): SpeakState {
    return this.speak;
  }

  /**
   * The speak button (art. 10.1c): asks for the floor, or withdraws the request (or ends the turn)
   * when the room is already waiting or speaking.
   */
  pressSpeak(): void {
    const action = this.speak === 'waiting' || this.speak === 'granted' ? 'cancel' : 'request';
    const message: SpeakMessage = { v: SCHEMA_VERSION, action, ts: isoNow(this.clock.now()) };
    this.deps.log.info({ action }, 'speak button');
    this.link.publish('speak', message, 1);
  }

  /** Starts sampling at once; the room works offline until the broker answers (see `connected`). */
  async start(): Promise<void> {
    const sim = this.deps.sim;
    if (sim) {
      this.link.subscribe(injectTopic(this.config.roomId), (_topic, payload) => this.onInject(sim, payload));
    }
    this.link.subscribe(ackTopic(this.config.roomId), (_topic, payload) => {
      const decoded = decodeMessage('acks', payload);
      if (decoded.ok)
        this.outbox.acknowledge(decoded.message.seqs.map((seq) => `${decoded.message.bootId}:${seq}`));
    });
    // Per-hub statuses first: their retained messages then come before the earlier single topic's.
    this.link.subscribe(ALL_HUB_STATUSES_FILTER, (topic, payload) => {
      const hubId = hubIdOfStatusTopic(topic);
      if (hubId !== undefined) this.onHubStatus(hubId, payload);
    });
    this.link.subscribe(HUB_STATUS_TOPIC, (_topic, payload) => this.onHubStatus(null, payload));
    this.link.subscribe(speakStateTopic(this.config.roomId), (_topic, payload) => {
      const decoded = decodeMessage('speak-state', payload);
      if (decoded.ok) this.speak = decoded.message.state;
      else this.deps.log.warn({ reason: decoded.reason }, 'speak state rejected');
    });
    await this.deps.speakButton?.start(() => this.pressSpeak());
    this.link.subscribe(commandFilter(this.config.roomId), (topic, payload) => {
      const parsed = parseTopic(topic);
      if (parsed.kind === 'command') void this.commands.handle(parsed.name, payload);
    });
    const { recovered, quarantined } = this.outbox.open();
    if (recovered > 0) this.deps.log.info({ recovered }, 'outbox: records from an earlier run to send');
    for (const span of quarantined)
      this.emit({ type: 'outbox.corrupt', severity: 'warning', data: { ...span } });
    // A GPIO edge between two ticks is sampled at once, so mains lost reaches the hub now.
    this.deps.source.onChange?.(() => void this.sample());
    this.connected = this.link.start();
    this.emit({ type: 'agent.started', severity: 'info', data: { version: agentVersion } });
    await this.startParts();
    await this.sample();
    this.timer = this.clock.setInterval(() => void this.sample(), this.config.telemetryIntervalSec * 1000);
  }

  /** Stops once; a second call (a halted simulated room stopped again with the demo) waits for the first. */
  stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  private async stopOnce(): Promise<void> {
    if (this.timer) this.clock.clearInterval(this.timer);
    this.timer = null;
    await this.sampling;
    for (const part of [...this.parts].reverse()) {
      await part.stop().catch((err: Error) => {
        this.deps.log.error({ part: part.name, err: err.message }, 'part failed to stop');
      });
    }
    await this.deps.speakButton?.stop();
    await this.deps.source.close?.();
    await this.link.stop();
    this.outbox.close();
  }

  private get parts(): AgentPart[] {
    return this.deps.parts ?? [];
  }

  private async startParts(): Promise<void> {
    const context: AgentContext = {
      roomId: this.config.roomId,
      commands: this.commands,
      emit: (event) => this.emit(event),
      emitDelivered: (event, timeoutMs) => this.emitDelivered(event, timeoutMs),
      subscribe: (topic, handler) => this.link.subscribe(topic, handler),
      connected: () => this.link.connected,
      // After the current work (a command's decision) is done, so the sample says how it ended.
      resample: () => void setImmediate(() => void this.sample()),
    };
    for (const part of this.parts) {
      await part.start(context).catch((err: Error) => {
        this.deps.log.error({ part: part.name, err: err.message }, 'part failed to start; the others run');
      });
    }
  }

  /** A hub's status (null: the earlier single topic); an unreadable one counts as offline. */
  private onHubStatus(hubId: string | null, payload: Buffer): void {
    const decoded = decodeMessage('hubStatus', payload);
    this.hubs.seen(hubId, decoded.ok && decoded.message.state === 'online');
    this.outbox.setConnected(this.link.connected && this.hubs.online);
  }

  private onInject(sim: SimHardware, payload: Buffer): void {
    const decoded = decodeMessage('inject', payload);
    if (!decoded.ok) {
      this.deps.log.warn({ reason: decoded.reason }, 'inject rejected');
      return;
    }
    sim.inject(decoded.message);
    if (decoded.message.speak) this.pressSpeak();
    // Sample at once: an injected fault is an edge the hub should see now, not at the next tick.
    void this.sample();
  }

  /** A sample taken now (after everything asked before it), for checks that must not judge an older one. */
  async sampleNow(): Promise<Readings> {
    await this.sample();
    return this.last;
  }

  /** One sample at a time, in order, so edges are computed against the reading just before. */
  private sample(): Promise<void> {
    this.sampling = this.sampling
      .then(() => this.sampleOnce())
      .catch((err: Error) => {
        this.deps.log.error({ err: err.message }, 'sampling failed');
      });
    return this.sampling;
  }

  private async sampleOnce(): Promise<void> {
    const now = this.clock.now().getTime();
    this.deps.sim?.advance((now - this.lastSampleAt) / 1000);
    this.lastSampleAt = now;
    const readings = this.parts.reduce((r, part) => part.refine?.(r) ?? r, await this.deps.source.read());
    const { events, raised, recent } = detectEdges(
      this.last,
      readings,
      this.deps.edges ?? defaultEdgeConfig,
      this.raised,
      this.recent,
    );
    this.last = readings;
    this.raised = raised;
    this.recent = recent;
    for (const event of events) this.emit(event);
    this.outbox.recheck();
    for (const part of this.parts) part.observe?.(readings);
    const added = this.parts.map((part) => part.telemetry?.() ?? {});
    const telemetry: TelemetryMessage = {
      v: SCHEMA_VERSION,
      ts: isoNow(new Date(now)),
      ...readings,
      outbox: this.outbox.status(),
      ...Object.assign({}, ...added),
    };
    if (this.mqttRttMs !== undefined) telemetry.link = { ...telemetry.link, mqttRttMs: this.mqttRttMs };
    if (this.link.connected) {
      this.publishTelemetry(telemetry, now);
    } else if (now - this.lastOfflineTelemetryAt >= this.config.outbox.offlineTelemetrySec * 1000) {
      // Offline: keep a down-sampled share for the hub's history, marked so it is not taken as now.
      this.lastOfflineTelemetryAt = now;
      this.outbox.push('telemetry', JSON.stringify({ ...telemetry, replayed: true }));
    }
  }

  /**
   * Telemetry goes at QoS 0, except one message per `mqtt.rttEverySec` sent at QoS 1: the time to
   * its PUBACK is the round trip to the hub's broker, reported in the next telemetry.
   */
  private publishTelemetry(telemetry: TelemetryMessage, now: number): void {
    if (now - this.lastRttAt < this.config.mqtt.rttEverySec * 1000) {
      this.link.publish('telemetry', telemetry, 0);
      return;
    }
    this.lastRttAt = now;
    const sent = performance.now();
    this.link.publishAcked('telemetry', JSON.stringify(telemetry)).then(
      () => {
        this.mqttRttMs = Math.round((performance.now() - sent) * 10) / 10;
      },
      () => {},
    );
  }

  /** Publishes an event with this boot's id and the next sequence number (also for probes' own edges). */
  emit(edge: EdgeEvent): void {
    this.push(edge);
  }

  /** Emits, and resolves true once the hub has stored the event (false after `timeoutMs`). */
  emitDelivered(edge: EdgeEvent, timeoutMs: number): Promise<boolean> {
    return this.outbox.delivered(this.push(edge), timeoutMs);
  }

  private push(edge: EdgeEvent): string {
    const event: EventMessage = {
      v: SCHEMA_VERSION,
      ...edge,
      ts: isoNow(this.clock.now()),
      bootId: this.bootId,
      seq: this.seq++,
    };
    this.deps.log.info({ event: event.type, seq: event.seq }, 'event');
    const key = `${event.bootId}:${event.seq}`;
    this.outbox.push('events', JSON.stringify(event), key);
    return key;
  }
}
