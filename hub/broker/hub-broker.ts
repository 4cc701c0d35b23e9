/**
 * Where the hub's MQTT comes from: its embedded broker, secured as configured, or an external one.
 * Either way it answers where the rooms connect and how the hub itself logs in: towards its own
 * embedded broker with a secret made fresh at every start and never stored (on the loopback
 * listener); towards an external broker with the configured account and CA.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { HubConfig } from '../config.js';
import { localUrl } from '../listen.js';
import type { MqttCredentials } from '../security/mqtt-credentials.js';
import { HUB_ACCOUNT, type MqttIdentity } from '../security/mqtt-policy.js';
import { generatePassword } from '../security/password-hash.js';
import { type EmbeddedBroker, startEmbeddedBroker } from './embedded-broker.js';

export interface HubBroker {
  /** The embedded broker, or null with an external one. */
  embedded: EmbeddedBroker | null;
  /** Where agents connect. */
  mqttUrl: string;
  /** Where and as whom the hub itself connects. */
  hubLogin: { url: string; options: IClientOptions };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export interface HubBrokerHooks {
  /** The hub's clock (flood buckets, slowed logins). */
  clock?: Clock;
  /** The embedded broker disconnected a room for flooding. */
  onFlood?(roomId: string): void;
}

export async function startHubBroker(
  config: HubConfig,
  credentials: MqttCredentials,
  log: Logger,
  hooks: HubBrokerHooks = {},
): Promise<HubBroker> {
  const { mqtt } = config;
  if (mqtt.url) {
    return {
      embedded: null,
      mqttUrl: mqtt.url,
      hubLogin: {
        url: mqtt.url,
        options: {
          ...(mqtt.username ? { username: mqtt.username, password: mqtt.password } : {}),
          ...(mqtt.tls.caFile ? { ca: readFileSync(mqtt.tls.caFile) } : {}),
        },
      },
    };
  }
  const hubSecret = generatePassword();
  const embedded = await startEmbeddedBroker(
    {
      port: mqtt.port,
      host: mqtt.host,
      fallback: config.portFallback,
      tls: mqtt.tls.certFile
        ? {
            cert: readFileSync(mqtt.tls.certFile),
            key: readFileSync(mqtt.tls.keyFile),
          }
        : null,
      allowPlain: mqtt.allowPlain,
    },
    {
      // The hub's account also accepts an issued password (`credentials issue hnth-hub`), for tools.
      authenticate: async (username, password): Promise<MqttIdentity | null> =>
        username === HUB_ACCOUNT && timingSafeEqual(digest(password), digest(hubSecret))
          ? { kind: 'hub' }
          : credentials.verify(username, password),
      policy: { simInject: mqtt.simInject },
      maxPayloadBytes: mqtt.maxPayloadBytes,
      flood: { perSec: mqtt.floodPerSec, burst: mqtt.floodBurst },
      ...hooks,
    },
    log,
  );
  return {
    embedded,
    mqttUrl: localUrl(embedded.tls ? 'mqtts' : 'mqtt', mqtt.host, embedded.port),
    hubLogin: {
      url: `mqtt://127.0.0.1:${embedded.localPort}`,
      options: { username: HUB_ACCOUNT, password: hubSecret },
    },
  };
}
