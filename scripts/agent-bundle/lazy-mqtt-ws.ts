/**
 * Stands in for MQTT.js's `connect/ws` module in the agent's bundle. MQTT.js loads its WebSocket
 * transport with the TCP and TLS ones on the first connect, whatever the URL, and with it the `ws`
 * package; a room speaks `mqtt://` or `mqtts://` unless its hub is reached through a WebSocket
 * proxy. The real module (bundled, evaluated here on first use) and `ws` (from the artefact's
 * node_modules) load only when `ws://` or `wss://` is dialled.
 */
import type { StreamBuilder } from 'mqtt';

interface MqttWs {
  streamBuilder: StreamBuilder;
  browserStreamBuilder: StreamBuilder;
}

let real: MqttWs | undefined;
// `hnth-real-mqtt-ws` is MQTT.js's own file (scripts/build-agent.ts resolves it); esbuild turns this
// require into a call of the bundled module's wrapper, which runs the module on its first call.
const load = (): MqttWs => {
  real ??= require('hnth-real-mqtt-ws') as MqttWs;
  return real;
};

export const streamBuilder: StreamBuilder = (client, opts) => load().streamBuilder(client, opts);
export const browserStreamBuilder: StreamBuilder = (client, opts) =>
  load().browserStreamBuilder(client, opts);
