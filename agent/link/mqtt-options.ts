/**
 * The MQTT connection the room makes, in one place: the agent's link and `hnth-agent doctor` both
 * build their options here, so the doctor checks exactly what the agent will do (client id, account,
 * CA, protocol) and not a look-alike that a broker treats differently.
 *
 * The client id is the room id. The embedded broker refuses a room account under any other id
 * (`hub/broker/embedded-broker.ts`: a room cannot take over another room's session), and the
 * shipped Mosquitto replaces it by the username anyway (`use_username_as_clientid`).
 */
import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import type { AgentMqttSettings } from './settings.js';

/** How long a connection attempt may wait for the broker's CONNACK before it counts as failed. */
export const CONNECT_TIMEOUT_MS = 10_000;

export function roomConnectOptions(config: AgentMqttSettings, roomId: string): IClientOptions {
  return {
    clientId: roomId,
    protocolVersion: config.protocolVersion,
    keepalive: config.keepaliveSec,
    // A persistent session: the broker keeps this room's subscriptions, and the hub's commands
    // sent while the room was away are delivered when it returns (each still checked for expiry).
    clean: false,
    ...(config.protocolVersion === 5
      ? { properties: { sessionExpiryInterval: config.sessionExpirySec } }
      : {}),
    // The link schedules its own attempts (reconnect-backoff.ts); mqtt.js's fixed period would
    // bring a whole fleet back in the same second.
    reconnectPeriod: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
    ...(config.username ? { username: config.username, password: config.password } : {}),
    // The hub's broker is usually signed by the department's own CA, not a public one.
    ...(config.caFile ? { ca: readFileSync(config.caFile) } : {}),
  };
}
