/**
 * Stands in for MQTT.js's `connect/socks` module in the agent's bundle. Its SOCKS client (`socks`,
 * `ip-address`, `smart-buffer`) loaded with the TCP transport on every agent's first connect, for a
 * proxy a room never needs (about 1 MB resident, `npm run bench`, agent footprint). MQTT.js
 * calls this only when `MQTTJS_SOCKS_PROXY` (or the `socksProxy` option) is set; then the
 * connection fails with these words rather than going around the proxy.
 */
export default function openSocks(_host: string, _port: number, proxy: string): never {
  throw new Error(
    `a SOCKS proxy is set (MQTTJS_SOCKS_PROXY=${proxy}), but the agent artefact is built without MQTT.js's SOCKS support: unset MQTTJS_SOCKS_PROXY, or install the agent from the npm package`,
  );
}
