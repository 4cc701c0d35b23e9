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
import { openSecurity } from '../../hub/security/security.js';
import { openDatabase } from '../../hub/store/database.js';
import { builtInFleet } from '../../shared/fleet.js';
import { brokerPassword, startTestHub } from './hub-harness.js';
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
      password: hub.security.credentials.issue(room, 'test'),
      hubClient: () =>
        connectAsync(hub.mqttUrl, {
          username: HUB_ACCOUNT,
          password: brokerPassword(hub.mqttUrl, HUB_ACCOUNT),
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
  const db = openDatabase(':memory:');
  const { credentials } = openSecurity(db, builtInFleet);
  const password = credentials.issue(room, 'test');
  const hubPassword = credentials.issue(HUB_ACCOUNT, 'test');
  exportMosquitto(dir.path, credentials, { simInject: false });
  db.close();
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
