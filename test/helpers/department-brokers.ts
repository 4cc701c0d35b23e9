/**
 * The two brokers a room meets in the field, each over TLS with a certificate signed by the
 * department's CA: the hub's embedded broker, and Mosquitto from deploy/mosquitto/ with the files
 * `hnth-hub export mosquitto` writes. Tests that must pass on both loop over `departmentBrokers`.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { exportMosquitto } from '../../hub/security/mosquitto-export.js';
import { HUB_ACCOUNT } from '../../hub/security/mqtt-policy.js';
import { brokerPassword, openSecurityIn, startTestHub } from './hub-harness.js';
import { startShippedMosquitto } from './mosquitto.js';
import { tempDir } from './temp-dir.js';
import { makeDepartmentCa } from './tls-certs.js';

export interface DepartmentBroker {
  /** mqtts:// on 127.0.0.1 */
  url: string;
  /** The department's CA, which the room must be given to trust the broker. */
  caFile: string;
  /** The password of `room`'s account on this broker, issued once. */
  password: string;
  /** A client logged in as the hub, which reads every room's topics. */
  hubClient(): Promise<MqttClient>;
  stop(): Promise<void>;
}

export type BrokerKind = 'embedded' | 'mosquitto';
export const departmentBrokers: BrokerKind[] = ['embedded', 'mosquitto'];

export async function startDepartmentBroker(kind: BrokerKind, room: string): Promise<DepartmentBroker> {
  const ca = makeDepartmentCa();
  if (kind === 'embedded') {
    const hub = await startTestHub({ 'mqtt.tls.certFile': ca.certFile, 'mqtt.tls.keyFile': ca.keyFile });
    return {
      url: hub.mqttUrl,
      caFile: ca.caFile,
      password: await hub.security.credentials.issue(room, 'test'),
      hubClient: async () =>
        connectAsync(hub.mqttUrl, {
          username: HUB_ACCOUNT,
          password: await brokerPassword(hub.mqttUrl, HUB_ACCOUNT),
          ca: readFileSync(ca.caFile),
          reconnectPeriod: 0,
        }),
      stop: async () => {
        await hub.stop();
        hub.removeData();
        ca.remove();
      },
    };
  }
  const dir = tempDir('hnth-mosquitto-files-');
  const security = await openSecurityIn();
  const password = await security.credentials.issue(room, 'test');
  const hubPassword = await security.credentials.issue(HUB_ACCOUNT, 'test');
  await exportMosquitto(dir.path, security.credentials, { simInject: false });
  security.close();
  mkdirSync(path.join(dir.path, 'tls'));
  copyFileSync(ca.certFile, path.join(dir.path, 'tls', 'server.crt'));
  copyFileSync(ca.keyFile, path.join(dir.path, 'tls', 'server.key'));
  const mosquitto = await startShippedMosquitto(dir.path);
  return {
    url: mosquitto.tlsUrl,
    caFile: ca.caFile,
    password,
    hubClient: () =>
      connectAsync(mosquitto.localUrl, { username: HUB_ACCOUNT, password: hubPassword, reconnectPeriod: 0 }),
    stop: async () => {
      await mosquitto.stop();
      dir.remove();
      ca.remove();
    },
  };
}
