/**
 * The hub's MQTT session. Persistent (clean session off, a stable client id), so the broker keeps
 * the rooms' QoS 1 messages while the hub restarts. After every (re)connect it subscribes and only
 * then publishes its retained `online` status: agents replay their outboxes when they see it, so
 * nothing is sent into a broker that has no subscriber for it yet (a broker that restarted empty).
 */
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../../shared/logger.js';
import { type HubStatusMessage, isoNow, SCHEMA_VERSION } from '../../shared/schemas.js';
import { HUB_STATUS_TOPIC } from '../../shared/topics.js';

export interface HubLinkOptions {
  url: string;
  /** How the hub logs in (account, password, CA), as the broker setup decided. */
  login: IClientOptions;
  clientId: string;
  protocolVersion: 4 | 5;
  /** What the hub listens to. */
  filters: string[];
  /** The hub's clock, for the time its status messages carry. */
  now: () => Date;
}

function status(state: HubStatusMessage['state'], now: Date): string {
  return JSON.stringify({ v: SCHEMA_VERSION, state, ts: isoNow(now) } satisfies HubStatusMessage);
}

export async function connectHubLink(
  o: HubLinkOptions,
  onMessage: (topic: string, payload: Buffer) => void,
  log: Logger,
): Promise<MqttClient & { stop(): Promise<void> }> {
  const client = await connectAsync(o.url, {
    clientId: o.clientId,
    protocolVersion: o.protocolVersion,
    clean: false,
    reconnectPeriod: 1000,
    will: { topic: HUB_STATUS_TOPIC, payload: Buffer.from(status('offline', o.now())), qos: 1, retain: true },
    ...o.login,
  });
  const announce = async () => {
    await client.subscribeAsync(o.filters, { qos: 1 });
    await client.publishAsync(HUB_STATUS_TOPIC, status('online', o.now()), { qos: 1, retain: true });
  };
  client.on('message', onMessage);
  client.on('error', (err) => log.warn({ err: err.message }, 'hub mqtt error'));
  client.on('offline', () => log.warn({ url: o.url }, 'broker unreachable, retrying'));
  client.on('connect', () => {
    log.info({ url: o.url }, 'connected to broker');
    announce().catch((err: Error) => log.error({ err: err.message }, 'could not subscribe after reconnect'));
  });
  await announce();
  return Object.assign(client, {
    stop: async () => {
      if (client.connected) {
        await client
          .publishAsync(HUB_STATUS_TOPIC, status('offline', o.now()), { qos: 1, retain: true })
          .catch(() => {});
      }
      await client.endAsync();
    },
  });
}
