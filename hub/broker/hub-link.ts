/**
 * The hub's MQTT session. Persistent (clean session off, a stable client id), so the broker keeps
 * the rooms' QoS 1 messages while the hub restarts; on MQTT 5 that also takes a session expiry,
 * without which the broker ends the session at the disconnect (`sessionExpirySec`). After every (re)connect it subscribes and only
 * then publishes its retained `online` status: agents replay their outboxes when they see it, so
 * nothing is sent into a broker that has no subscriber for it yet (a broker that restarted empty).
 *
 * Presence is per hub (`hnth/v1/hub/{clientId}/status`, the last will saying `offline`), so several
 * hubs of one shared group can each come and go: agents send while any of them is online
 * (agent/link/hub-presence.ts). Agents of the earlier version read only the single topic
 * `hnth/v1/hub/status`, which the hub keeps too, but without a last will: a connection has one will,
 * and a will on the single topic would say `offline` for the whole group when one hub of it dies,
 * holding every room's events while another hub runs (the failure per-hub presence fixes). So every
 * running hub says `online` there when it announces itself and again whenever it sees `offline`
 * there (another hub stopping, or a hub of the earlier version's will); a hub that stops says
 * `offline` there first, which a hub still running overwrites at once. What this leaves: when the
 * last hub dies (no stop), the single topic stays `online` and earlier agents send into a group
 * with no hub connected. The broker queues those QoS 1 messages for the hubs' persistent sessions, and
 * the agents' outboxes keep every event until a hub acknowledges storing it and send it again after
 * agent/link/outbox.ts's HUB_ACK_WAIT_MS, so nothing is lost; it costs repeats, where a false
 * `offline` would cost every event's delay while a hub runs.
 */
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../../shared/logger.js';
import { type HubStatusMessage, isoNow, SCHEMA_VERSION } from '../../shared/schemas.js';
import { HUB_STATUS_TOPIC, hubStatusTopic } from '../../shared/topics.js';
import { decodeCompiled } from '../ingest/compiled-decode.js';

export interface HubLinkOptions {
  url: string;
  /** How the hub logs in (account, password, CA), as the broker setup decided. */
  login: IClientOptions;
  /** The hub's MQTT client id, also its id in its status topic. */
  clientId: string;
  protocolVersion: 4 | 5;
  /**
   * Seconds between the link's pings; the broker takes the hub for gone after 1.5 times this
   * without a word, publishes its last will, and stops handing it the group's shared messages.
   */
  keepaliveSec: number;
  /** What the hub listens to. */
  filters: string[];
  /**
   * MQTT 5: how long the broker keeps the session of a hub that went away. A hub alone keeps it
   * (its restart loses nothing queued); a hub of a group does not, or the broker would keep dealing
   * a dead hub its share of the events, held until it came back.
   */
  sessionExpirySec: number;
  /** The hub's clock, for the time its status messages carry. */
  now: () => Date;
}

function status(state: HubStatusMessage['state'], now: Date): string {
  return JSON.stringify({ v: SCHEMA_VERSION, state, ts: isoNow(now) } satisfies HubStatusMessage);
}

const noTrace = () => {};

/** Resolves once connected; the first error (a refused login, no broker) stops it and rejects, as `connectAsync`. */
function firstConnect(client: MqttClient): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (err?: Error) => {
      client.off('connect', connected);
      client.off('error', failed);
      if (!err) return resolve();
      client.end(true);
      reject(err);
    };
    const connected = () => settle();
    const failed = (err: Error) => settle(err);
    client.once('connect', connected);
    client.once('error', failed);
  });
}

export async function connectHubLink(
  o: HubLinkOptions,
  onMessage: (topic: string, payload: Buffer) => void,
  log: Logger,
): Promise<MqttClient & { stop(): Promise<void> }> {
  const ownTopic = hubStatusTopic(o.clientId);
  const retained = { qos: 1, retain: true } as const;
  let stopping = false;
  /** Another hub said `offline` on the single topic: while this hub runs, the group is up. */
  const keepSingleTopicOnline = (payload: Buffer) => {
    const decoded = decodeCompiled('hubStatus', payload);
    if (stopping || !client.connected || (decoded.ok && decoded.message.state === 'online')) return;
    client
      .publishAsync(HUB_STATUS_TOPIC, status('online', o.now()), retained)
      .catch((err: Error) => log.warn({ err: err.message }, 'could not say the hubs are online'));
  };
  const client = connect(o.url, {
    clientId: o.clientId,
    protocolVersion: o.protocolVersion,
    clean: false,
    ...(o.protocolVersion === 5 ? { properties: { sessionExpiryInterval: o.sessionExpirySec } } : {}),
    reconnectPeriod: 1000,
    keepalive: o.keepaliveSec,
    will: { topic: ownTopic, payload: Buffer.from(status('offline', o.now())), ...retained },
    // mqtt.js traces every packet through `debug`, whose arguments are gathered before it looks
    // whether tracing is on: 4 % of all a hub allocated at 10,000 rooms. Kept with DEBUG=mqttjs*.
    ...(process.env.DEBUG?.includes('mqttjs') ? {} : { log: noTrace }),
    ...o.login,
  });
  // Listening before the session resumes: a broker that kept messages for it sends them right
  // behind its CONNACK, often in the same read, before `connectAsync`'s caller could listen.
  client.on('message', (topic, payload) => {
    if (topic === HUB_STATUS_TOPIC) keepSingleTopicOnline(payload);
    else onMessage(topic, payload);
  });
  await firstConnect(client);
  const announce = async () => {
    await client.subscribeAsync([...o.filters, HUB_STATUS_TOPIC], { qos: 1 });
    await client.publishAsync(ownTopic, status('online', o.now()), retained);
    await client.publishAsync(HUB_STATUS_TOPIC, status('online', o.now()), retained);
  };
  client.on('error', (err) => log.warn({ err: err.message }, 'hub mqtt error'));
  client.on('offline', () => log.warn({ url: o.url }, 'broker unreachable, retrying'));
  client.on('connect', () => {
    log.info({ url: o.url }, 'connected to broker');
    announce().catch((err: Error) => log.error({ err: err.message }, 'could not subscribe after reconnect'));
  });
  await announce();
  return Object.assign(client, {
    stop: async () => {
      stopping = true;
      if (client.connected) {
        // The single topic first: a hub still running sees it and says `online` again, and by then
        // this hub's own status is on its way.
        await client.publishAsync(HUB_STATUS_TOPIC, status('offline', o.now()), retained).catch(() => {});
        await client.publishAsync(ownTopic, status('offline', o.now()), retained).catch(() => {});
      }
      await client.endAsync();
    },
  });
}
