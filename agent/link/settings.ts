/** The room's link to the hub: its MQTT session and the outbox that holds what it could not send. */
import { existsSync } from 'node:fs';
import { positive, type SettingsOf } from '../../shared/settings.js';

function mqttUrl(value: unknown): void {
  if (typeof value !== 'string' || !/^(mqtts?|wss?|tcp|tls):\/\/[^/\s]+/.test(value)) {
    throw new Error('must be a broker URL such as mqtt://hub.example:1883 or mqtts://hub.example:8883');
  }
}

function optionalFile(value: unknown): void {
  if (typeof value !== 'string') throw new Error('must be a file path');
  if (value !== '' && !existsSync(value)) throw new Error(`file not found: ${value}`);
}

export const agentMqttSettings = {
  url: {
    doc: 'The hub’s broker.',
    format: mqttUrl,
    default: 'mqtt://127.0.0.1:1883',
    env: 'HNTH_MQTT_URL',
  },
  protocolVersion: {
    doc: 'MQTT protocol: 4 (3.1.1, what the hub’s embedded broker speaks) or 5 (Mosquitto, EMQX).',
    format: [4, 5] as const,
    default: 4,
    env: 'HNTH_MQTT_PROTOCOL',
  },
  username: {
    doc: 'Broker username; empty for none. By convention the room id.',
    format: String,
    default: '',
    env: 'HNTH_MQTT_USERNAME',
  },
  password: {
    doc: 'Broker password; empty for none.',
    format: String,
    default: '',
    sensitive: true,
    env: 'HNTH_MQTT_PASSWORD',
  },
  caFile: {
    doc: 'PEM certificate authority that signed the broker’s certificate, for mqtts:// (empty: the system’s).',
    format: optionalFile,
    default: '',
    env: 'HNTH_MQTT_CA_FILE',
  },
  keepaliveSec: {
    doc: 'MQTT keepalive; the broker declares the room offline after 1.5 times this without a packet.',
    format: 'nat',
    default: 5,
    env: 'HNTH_MQTT_KEEPALIVE',
  },
  sessionExpirySec: {
    doc: 'MQTT 5: how long the broker keeps this room’s session (and commands for it) while it is away.',
    format: 'nat',
    default: 7 * 24 * 3600,
  },
  rttEverySec: {
    doc: 'How often the round trip to the hub’s broker is measured (one telemetry message sent at QoS 1).',
    format: positive,
    default: 60,
    env: 'HNTH_MQTT_RTT_EVERY',
  },
  reconnectMinMs: {
    doc: 'Shortest wait before reconnecting. Each wait is drawn at random up to a ceiling of 4 times this, doubled after each failure (up to reconnectMaxMs), so a fleet does not return in the same second.',
    format: 'nat',
    default: 1000,
  },
  reconnectMaxMs: {
    doc: 'Longest wait between two reconnect attempts (the ceiling of the random wait).',
    format: 'nat',
    default: 30000,
  },
};

export type AgentMqttSettings = SettingsOf<typeof agentMqttSettings>;

export const outboxSettings = {
  maxBytes: {
    doc: 'Bound of the on-disk outbox; past it the oldest telemetry is dropped, never events.',
    format: 'nat',
    default: 8 * 1024 * 1024,
  },
  offlineTelemetrySec: {
    doc: 'While the broker is unreachable, one telemetry message per this many seconds is kept for the hub’s history.',
    format: positive,
    default: 60,
  },
  sendPerSec: {
    doc: 'Records the outbox sends per second at most, after sendBurst at once: a replay after an outage stays under the broker’s per-room limit (the hub’s mqtt.floodPerSec, 20/s), with room left for live telemetry and replies.',
    format: positive,
    default: 10,
  },
  sendBurst: {
    doc: 'Records the outbox may send at once before sendPerSec paces it (under the hub’s mqtt.floodBurst, 200).',
    format: 'nat',
    default: 50,
  },
};
