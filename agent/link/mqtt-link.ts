/**
 * The agent's MQTT session: client id = room id, a retained `status` with a last will that marks the
 * room `offline`, keepalive, reconnect after a randomised, growing wait (reconnect-backoff.ts), and
 * `online` published again after every (re)connect, since a broker that restarted has lost the
 * retained message. Stopping is bounded: a broker that is gone or hangs cannot hold the agent.
 */
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { systemClock, type Timers } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { isoNow, SCHEMA_VERSION, type StatusMessage } from '../../shared/schemas.js';
import { type RoomChannel, roomTopic, topicMatches } from '../../shared/topics.js';
import type { Random } from '../sim/seeded-random.js';
import { roomConnectOptions } from './mqtt-options.js';
import { reconnectDelayMs } from './reconnect-backoff.js';
import type { AgentMqttSettings } from './settings.js';

export interface LinkIdentity {
  roomId: string;
  bootId: string;
  version: string;
}

/**
 * What the link needs from outside: the connection itself, a timer and a random source, and the
 * agent's clock for the time its status messages carry (the reconnect timers measure the wire, so
 * they stay real).
 */
export interface LinkPorts {
  connect: (url: string, options: IClientOptions) => MqttClient;
  timers: Timers;
  random: Random;
  now: () => Date;
}

const realLinkPorts: LinkPorts = { connect, timers: systemClock, random: Math.random, now: systemClock.now };

/**
 * On stop, how long the `offline` status may wait for the broker's PUBACK, and then the DISCONNECT
 * for the socket to close; past either the socket is destroyed (the broker then sends the will,
 * which says `offline` too). Both together stay well inside the 5 s a stop may take.
 */
export const STOP_STEP_MS = 1500;

type Handler = (topic: string, payload: Buffer) => void;

export class MqttLink {
  private client: MqttClient | null = null;
  private readonly subscriptions = new Map<string, Handler>();
  /** Attempts that failed since the last connection: what the next wait grows with. */
  private failures = 0;
  private retry: unknown = null;
  private stopping = false;
  private readonly connectionListeners: ((connected: boolean) => void)[] = [];
  private readonly ports: LinkPorts;

  constructor(
    private readonly config: AgentMqttSettings,
    private readonly id: LinkIdentity,
    private readonly log: Logger,
    ports: Partial<LinkPorts> = {},
  ) {
    this.ports = { ...realLinkPorts, ...ports };
  }

  private status(state: StatusMessage['state']): string {
    const message: StatusMessage = {
      v: SCHEMA_VERSION,
      state,
      version: this.id.version,
      bootId: this.id.bootId,
      ts: isoNow(this.ports.now()),
    };
    return JSON.stringify(message);
  }

  /** Starts connecting; resolves once connected the first time (the link keeps retrying meanwhile). */
  start(): Promise<void> {
    const statusTopic = roomTopic(this.id.roomId, 'status');
    const client = this.ports.connect(this.config.url, {
      ...roomConnectOptions(this.config, this.id.roomId),
      will: { topic: statusTopic, payload: Buffer.from(this.status('offline')), qos: 1, retain: true },
    });
    this.client = client;
    client.on('connect', () => {
      this.failures = 0;
      this.log.info({ url: this.config.url }, 'connected to broker');
      client.publish(statusTopic, this.status('online'), { qos: 1, retain: true });
      this.subscribeAgain(client);
      this.notifyConnection(client);
    });
    client.on('close', () => {
      this.notifyConnection(client);
      this.scheduleReconnect(client);
    });
    client.on('error', (err) => this.log.warn({ err: err.message }, 'broker connection error'));
    client.on('message', (topic, payload) => {
      for (const [filter, handler] of this.subscriptions)
        if (topicMatches(filter, topic)) handler(topic, payload);
    });
    return new Promise((resolve) => client.once('connect', () => resolve()));
  }

  /** One attempt at a time: mqtt.js emits `close` once per lost or failed connection. */
  private scheduleReconnect(client: MqttClient): void {
    if (this.stopping || this.retry !== null || client.connected) return;
    const delayMs = reconnectDelayMs(
      this.failures,
      { minMs: this.config.reconnectMinMs, maxMs: this.config.reconnectMaxMs },
      this.ports.random,
    );
    this.failures++;
    this.log.warn({ delayMs, failures: this.failures }, 'broker unreachable, retrying');
    this.retry = this.ports.timers.setTimeout(() => {
      this.retry = null;
      // The same stores: QoS 1 messages the broker has not acknowledged go out again, as mqtt.js's
      // own reconnect does (without them, reconnect() starts from empty stores).
      if (!this.stopping)
        client.reconnect({ incomingStore: client.incomingStore, outgoingStore: client.outgoingStore });
    }, delayMs);
  }

  /**
   * Sends SUBSCRIBE for every topic on each connection, even where the broker kept the session. It
   * is what makes the broker send the retained messages (the hub's status, without which the outbox
   * waits) again; mqtt.js does not resubscribe by itself when it does not schedule the reconnects.
   */
  private subscribeAgain(client: MqttClient): void {
    if (this.subscriptions.size === 0) return;
    const topics = Object.fromEntries(
      [...this.subscriptions.keys()].map((topic) => [topic, { qos: 1 as const }]),
    );
    client.subscribe(topics);
  }

  /** Subscribes now and after every reconnect. */
  subscribe(topic: string, handler: Handler): void {
    this.subscriptions.set(topic, handler);
    if (this.client?.connected) this.client.subscribe(topic, { qos: 1 });
  }

  publish(channel: RoomChannel, message: object, qos: 0 | 1): void {
    this.client?.publish(roomTopic(this.id.roomId, channel), JSON.stringify(message), { qos });
  }

  /** Publishes at QoS 1; resolves when the broker acknowledged, rejects if it could not. */
  publishAcked(channel: RoomChannel, payload: string): Promise<void> {
    const client = this.client;
    if (!client?.connected) return Promise.reject(new Error('not connected'));
    return new Promise((resolve, reject) => {
      client.publish(roomTopic(this.id.roomId, channel), payload, { qos: 1 }, (err) =>
        err ? reject(err) : resolve(),
      );
    });
  }

  /**
   * Tells listeners the client's state as it is now, not as the event suggests: mqtt.js can emit
   * the `close` of a failed attempt after the `connect` of the next one.
   */
  private notifyConnection(client: MqttClient): void {
    for (const l of this.connectionListeners) l(client.connected);
  }

  /** Hears every connect (true) and every lost connection (false). */
  onConnectionChange(listener: (connected: boolean) => void): void {
    this.connectionListeners.push(listener);
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /**
   * Clean stop where the broker answers: `offline` published, then DISCONNECT, so the will is not
   * needed. Where it does not (gone, or hanging after accepting the connection), each step gives up
   * after STOP_STEP_MS and the socket is destroyed: whatever was not acknowledged is in the outbox.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.retry !== null) this.ports.timers.clearTimeout(this.retry);
    this.retry = null;
    const client = this.client;
    if (!client) return;
    this.client = null;
    let answered = false;
    if (client.connected) {
      answered = await this.within(
        client.publishAsync(roomTopic(this.id.roomId, 'status'), this.status('offline'), {
          qos: 1,
          retain: true,
        }),
      );
    }
    if (answered) {
      if (await this.within(client.endAsync(false))) return;
      // A DISCONNECT under way makes a second end() a no-op: close the socket itself.
      client.stream.destroy();
      return;
    }
    if (client.connected) this.log.warn('broker did not answer while stopping; closing the connection');
    await this.within(client.endAsync(true));
  }

  /** Whether `work` settled successfully within STOP_STEP_MS. */
  private within(work: Promise<unknown>): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = this.ports.timers.setTimeout(() => resolve(false), STOP_STEP_MS);
      work.then(
        () => {
          this.ports.timers.clearTimeout(timer);
          resolve(true);
        },
        () => {
          this.ports.timers.clearTimeout(timer);
          resolve(false);
        },
      );
    });
  }
}
