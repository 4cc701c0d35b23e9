/**
 * The agent's controller: reads the room every telemetry interval, publishes telemetry, and
 * publishes an event on every edge with this boot's id and a sequence number.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../shared/logger.js';
import {
  decodeMessage,
  type EventMessage,
  isoNow,
  type Readings,
  SCHEMA_VERSION,
  type TelemetryMessage,
} from '../shared/schemas.js';
import { commandFilter, injectTopic, parseTopic } from '../shared/topics.js';
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
import { MqttLink } from './link/mqtt-link.js';
import type { ReadingSource } from './reading-source.js';
import type { SimHardware } from './sim/sim-hardware.js';
import { agentVersion } from './version.js';

export interface AgentDeps {
  source: ReadingSource;
  /** Present in simulation: the agent then obeys the inject topic. */
  sim?: SimHardware;
  log: Logger;
  edges?: EdgeConfig;
}

export class Agent {
  readonly bootId = randomUUID();
  private readonly link: MqttLink;
  /** Where the parts of the agent (power, rehearsals) register the hub's commands they execute. */
  readonly commands: CommandRouter;
  private timer: NodeJS.Timeout | null = null;
  private last: Readings = nominal;
  private raised: ReadonlySet<string> = new Set();
  private recent: Recent = new Map();
  private seq = 0;
  private sampling: Promise<void> = Promise.resolve();
  private lastSampleAt = Date.now();
  /** Resolves when the broker first accepts the connection. */
  connected: Promise<void> = new Promise(() => {});

  constructor(
    private readonly config: AgentConfig,
    private readonly deps: AgentDeps,
  ) {
    this.link = new MqttLink(
      config.mqtt,
      { roomId: config.roomId, bootId: this.bootId, version: agentVersion },
      deps.log,
    );
    this.commands = new CommandRouter((reply) => this.link.publish('replies', reply, 1), deps.log);
    this.commands.register('ping', async () => ({ bootId: this.bootId, version: agentVersion }));
  }

  get roomId(): string {
    return this.config.roomId;
  }

  /** The latest readings (the nominal state before the first sample). */
  get readings(): Readings {
    return this.last;
  }

  /** Starts sampling at once; the room works offline until the broker answers (see `connected`). */
  async start(): Promise<void> {
    const sim = this.deps.sim;
    if (sim) {
      this.link.subscribe(injectTopic(this.config.roomId), (_topic, payload) => this.onInject(sim, payload));
    }
    this.link.subscribe(commandFilter(this.config.roomId), (topic, payload) => {
      const parsed = parseTopic(topic);
      if (parsed.kind === 'command') void this.commands.handle(parsed.name, payload);
    });
    // A GPIO edge between two ticks is sampled at once, so mains lost reaches the hub now.
    this.deps.source.onChange?.(() => void this.sample());
    this.connected = this.link.start();
    this.emit({ type: 'agent.started', severity: 'info', data: { version: agentVersion } });
    await this.sample();
    this.timer = setInterval(() => void this.sample(), this.config.telemetryIntervalSec * 1000);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sampling;
    await this.deps.source.close?.();
    await this.link.stop();
  }

  private onInject(sim: SimHardware, payload: Buffer): void {
    const decoded = decodeMessage('inject', payload);
    if (!decoded.ok) {
      this.deps.log.warn({ reason: decoded.reason }, 'inject rejected');
      return;
    }
    sim.inject(decoded.message);
    // Sample at once: an injected fault is an edge the hub should see now, not at the next tick.
    void this.sample();
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
    const now = Date.now();
    this.deps.sim?.advance((now - this.lastSampleAt) / 1000);
    this.lastSampleAt = now;
    const readings = await this.deps.source.read();
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
    const telemetry: TelemetryMessage = { v: SCHEMA_VERSION, ts: isoNow(), ...readings };
    this.link.publish('telemetry', telemetry, 0);
  }

  private emit(edge: EdgeEvent): void {
    const event: EventMessage = {
      v: SCHEMA_VERSION,
      ...edge,
      ts: isoNow(),
      bootId: this.bootId,
      seq: this.seq++,
    };
    this.deps.log.info({ event: event.type, seq: event.seq }, 'event');
    this.link.publish('events', event, 1);
  }
}
