import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { exportMosquitto } from '../../hub/security/mosquitto-export.js';
import type { MqttCredentials } from '../../hub/security/mqtt-credentials.js';
import { HUB_ACCOUNT } from '../../hub/security/mqtt-policy.js';
import { openSecurityIn, startTestHub } from '../helpers/hub-harness.js';
import { startShippedMosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeTestCertificate } from '../helpers/tls-certs.js';
import { brokerSecuritySuite } from './broker-security.suite.js';

/** The accounts the suite logs in with. */
const ACCOUNTS = ['ubnd-ham-yen', 'ubnd-son-duong', HUB_ACCOUNT];

/** Issues each account's password once, as an operator would hand them out; the suite asks by account. */
async function issueAll(credentials: MqttCredentials): Promise<(account: string) => string> {
  const passwords = new Map<string, string>();
  for (const account of ACCOUNTS) passwords.set(account, await credentials.issue(account, 'test'));
  return (account) => {
    const p = passwords.get(account);
    if (!p) throw new Error(`no password issued for ${account}`);
    return p;
  };
}

brokerSecuritySuite(
  'embedded aedes broker over TLS',
  { limitsRate: true, separateHubListener: false },
  async () => {
    const cert = makeTestCertificate();
    const hub = await startTestHub({
      'mqtt.tls.certFile': cert.certFile,
      'mqtt.tls.keyFile': cert.keyFile,
      'mqtt.simInject': false,
    });
    return {
      url: hub.mqttUrl,
      hubUrl: hub.mqttUrl,
      ca: readFileSync(cert.caFile),
      password: await issueAll(hub.security.credentials),
      stop: async () => {
        await hub.stop();
        hub.removeData();
        cert.remove();
      },
    };
  },
);

brokerSecuritySuite(
  'Mosquitto with the shipped configuration and exported files',
  { limitsRate: false, separateHubListener: true },
  async () => {
    const cert = makeTestCertificate();
    const dir = tempDir('hnth-mosquitto-files-');
    const security = await openSecurityIn();
    const password = await issueAll(security.credentials);
    await exportMosquitto(dir.path, security.credentials, { simInject: false });
    security.close();
    mkdirSync(path.join(dir.path, 'tls'));
    copyFileSync(cert.certFile, path.join(dir.path, 'tls', 'server.crt'));
    copyFileSync(cert.keyFile, path.join(dir.path, 'tls', 'server.key'));
    const mosquitto = await startShippedMosquitto(dir.path);
    return {
      url: mosquitto.tlsUrl,
      hubUrl: mosquitto.localUrl,
      ca: readFileSync(cert.caFile),
      password,
      stop: async () => {
        await mosquitto.stop();
        dir.remove();
        cert.remove();
      },
    };
  },
);
