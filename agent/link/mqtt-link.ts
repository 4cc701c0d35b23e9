/**
 * The agent's MQTT session: client id = room id, a retained `status` with a last will that marks the
 * room `offline`, keepalive, reconnect with exponential backoff, and `online` published again after
 * every (re)connect, since a broker that restarted has lost the retained message.
 */
import { readFileSync } from 'node:fs';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../../shared/logger.js';
import { isoNow, SCHEMA_VERSION, type StatusMessage } from '../../shared/schemas.js';
import { type RoomChannel, roomTopic, topicMatches } from '../../shared/topics.js';
import type { AgentConfig } from '../config.js';

export interface LinkIdentity {
  roomId: string;
  bootId: string;
  version: string;
}

type Handler = (topic: string, payload: Buffer) => void;

export class MqttLink {
  private client: MqttClient | null = null;
  private readonly subscriptions = new Map<string, Handler>();
  private reconnectDelayMs: number;
  private readonly connectionListeners: ((connected: boolean) => void)[] = [];

  constructor(
    private readonly config: AgentConfig['mqtt'],
    private readonly id: LinkIdentity,
    private readonly log: Logger,
  ) {
    this.reconnectDelayMs = config.reconnectMinMs;
  }

  private status(state: StatusMessage['state']): string {
    const message: StatusMessage = {
      v: SCHEMA_VERSION,
      state,
      version: this.id.version,
      bootId: this.id.bootId,
      ts: isoNow(),
    };
    return JSON.stringify(message);
  }

  /** Starts connecting; resolves once connected the first time (the link keeps retrying meanwhile). */
  start(): Promise<void> {
    const statusTopic = roomTopic(this.id.roomId, 'status');
    const options: IClientOptions = {
      clientId: this.id.roomId,
      protocolVersion: this.config.protocolVersion,
      keepalive: this.config.keepaliveSec,
      // A persistent session: the broker keeps this room's subscriptions, and the hub's commands
      // sent while the room was away are delivered when it returns (each still checked for expiry).
      clean: false,
      ...(this.config.protocolVersion === 5
        ? { properties: { sessionExpiryInterval: this.config.sessionExpirySec } }
        : {}),
      reconnectPeriod: this.config.reconnectMinMs,
      connectTimeout: 10_000,
      will: { topic: statusTopic, payload: Buffer.from(this.status('offline')), qos: 1, retain: true },
      ...(this.config.username ? { username: this.config.username, password: this.config.password } : {}),
      // The hub's broker is usually signed by the department's own CA, not a public one.
      ...(this.config.caFile ? { ca: readFileSync(this.config.caFile) } : {}),
    };
    const client = connect(this.config.url, options);
    this.client = client;
    client.on('connect', () => {
      this.reconnectDelayMs = this.config.reconnectMinMs;
      client.options.reconnectPeriod = this.reconnectDelayMs;
      this.log.info({ url: this.config.url }, 'connected to broker');
      client.publish(statusTopic, this.status('online'), { qos: 1, retain: true });
      this.subscribeAgain(client);
      this.notifyConnection(client);
    });
    client.on('close', () => {
      this.notifyConnection(client);
      // Exponential backoff: a district line that is down is not hammered every second.
      client.options.reconnectPeriod = this.reconnectDelayMs;
      this.reconnectDelayMs = Math.min(this.config.reconnectMaxMs, this.reconnectDelayMs * 2);
    });
    client.on('offline', () => this.log.warn('broker unreachable, retrying'));
    client.on('error', (err) => this.log.warn({ err: err.message }, 'broker connection error'));
    client.on('message', (topic, payload) => {
      for (const [filter, handler] of this.subscriptions)
        if (topicMatches(filter, topic)) handler(topic, payload);
    });
    return new Promise((resolve) => client.once('connect', () => resolve()));
  }

  /**
   * Sends SUBSCRIBE for every topic on each connection, even where the broker kept the session. It
   * is what makes the broker send the retained messages (the hub's status, without which the outbox
   * waits) again; mqtt.js skips topics it thinks are subscribed, and does not resubscribe itself
   * when the session was kept, unless told `resubscribe`.
   */
  private subscribeAgain(client: MqttClient): void {
    if (this.subscriptions.size === 0) return;
    const topics = Object.fromEntries(
      [...this.subscriptions.keys()].map((topic) => [topic, { qos: 1 as const }]),
    );
    client.subscribe(Object.assign(topics, { resubscribe: true }));
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

  /** Clean stop: `offline` published, then DISCONNECT, so the will is not needed. */
  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.client = null;
    if (client.connected) {
      await client
        .publishAsync(roomTopic(this.id.roomId, 'status'), this.status('offline'), { qos: 1, retain: true })
        .catch(() => {});
    }
    // Without a broker, a graceful end would wait forever for the queued QoS 1 messages to go out.
    await client.endAsync(!client.connected);
  }
}
