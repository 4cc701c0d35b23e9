/**
 * The broker part: the embedded broker when no external one is configured, and the hub's own MQTT
 * session on whichever it is (./hub-link.ts), through which the rooms' messages come in (checked by
 * the flood guard, then ingested) and the hub's go out (./broker-out.ts, connected here).
 */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { roomChannels } from '../../shared/topics.js';
import type { HubConfig } from '../config.js';
import { ingestFilter } from '../ingest/ingest-filter.js';
import type { Part } from '../parts/part.js';
import type { MqttCredentials } from '../security/mqtt-credentials.js';
import type { BrokerOut } from './broker-out.js';
import type { FloodGuard } from './flood-guard.js';
import { type HubBroker, startHubBroker } from './hub-broker.js';
import { connectHubLink } from './hub-link.js';

/**
 * How long the broker keeps a lone hub's session while it is away (MQTT 5): a restart or an upgrade,
 * not an outage of days, whose backlog the rooms' outboxes hold anyway.
 */
const KEPT_SESSION_SEC = 3600;

export interface BrokerPart extends Part {
  /** Where agents connect; known once started. */
  readonly mqttUrl: string;
  /** The embedded broker's port, or null with an external broker (or before the start). */
  embeddedPort(): number | null;
}

export function brokerPart(deps: {
  config: HubConfig;
  credentials: MqttCredentials;
  flood: Pick<FloodGuard, 'admit' | 'brokerFlooded'>;
  /** Where an admitted room message goes. */
  ingest: (topic: string, payload: Buffer) => void;
  out: BrokerOut;
  log: Logger;
  clock: Clock;
}): BrokerPart {
  const { config, flood, out, log, clock } = deps;
  let broker: HubBroker | null = null;
  let link: Awaited<ReturnType<typeof connectHubLink>> | null = null;
  return {
    name: 'broker',
    get mqttUrl() {
      return broker?.mqttUrl ?? '';
    },
    embeddedPort: () => broker?.embedded?.port ?? null,
    async start() {
      broker = await startHubBroker(config, deps.credentials, log, {
        clock,
        onFlood: (roomId) => flood.brokerFlooded(roomId),
      });
      link = await connectHubLink(
        {
          url: broker.hubLogin.url,
          login: broker.hubLogin.options,
          clientId: config.mqtt.clientId,
          protocolVersion: config.mqtt.protocolVersion,
          keepaliveSec: config.mqtt.keepaliveSec,
          filters: roomChannels.map((ch) => ingestFilter(ch, config.mqtt.sharedGroup)),
          sessionExpirySec: config.mqtt.sharedGroup ? 0 : KEPT_SESSION_SEC,
          now: clock.now,
        },
        (topic, payload) => {
          if (flood.admit(topic)) deps.ingest(topic, payload);
        },
        log,
      );
      out.connect(link);
    },
    async stop() {
      out.disconnect();
      await link?.stop();
      await broker?.embedded?.close();
    },
  };
}
