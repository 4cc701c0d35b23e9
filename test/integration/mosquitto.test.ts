import { startMosquitto } from '../helpers/mosquitto.js';
import { fleetPathSuite } from './fleet-path.suite.js';

fleetPathSuite('real Mosquitto through HNTH_MQTT_URL', async () => {
  const mosquitto = await startMosquitto();
  return { hubOverrides: { 'mqtt.url': mosquitto.url }, stop: () => mosquitto.stop() };
});
