import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { exportMosquitto } from '../../hub/security/mosquitto-export.js';
import { HUB_ACCOUNT } from '../../hub/security/mqtt-policy.js';
import { openSecurity } from '../../hub/security/security.js';
import { openDatabase } from '../../hub/store/database.js';
import { builtInFleet } from '../../shared/fleet.js';
import { startTestHub } from '../helpers/hub-harness.js';
import { startShippedMosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeTestCertificate } from '../helpers/tls-certs.js';
import { brokerSecuritySuite } from './broker-security.suite.js';

/** Issues each account's password once and remembers it, as an operator would hand them out. */
function issuer(issue: (account: string) => string): (account: string) => string {
  const issued = new Map<string, string>();
  return (account) => {
    if (!issued.has(account)) issued.set(account, issue(account));
    return issued.get(account)!;
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
      password: issuer((account) => hub.security.credentials.issue(account, 'test')),
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
    const db = openDatabase(':memory:');
    const { credentials } = openSecurity(db, builtInFleet);
    const accounts = ['ubnd-ham-yen', 'ubnd-son-duong', HUB_ACCOUNT];
    const passwords = new Map(accounts.map((a) => [a, credentials.issue(a, 'test')]));
    exportMosquitto(dir.path, credentials, { simInject: false });
    db.close();
    mkdirSync(path.join(dir.path, 'tls'));
    copyFileSync(cert.certFile, path.join(dir.path, 'tls', 'server.crt'));
    copyFileSync(cert.keyFile, path.join(dir.path, 'tls', 'server.key'));
    const mosquitto = await startShippedMosquitto(dir.path);
    return {
      url: mosquitto.tlsUrl,
      hubUrl: mosquitto.localUrl,
      ca: readFileSync(cert.caFile),
      password: (account) => {
        const p = passwords.get(account);
        if (!p) throw new Error(`no password exported for ${account}`);
        return p;
      },
      stop: async () => {
        await mosquitto.stop();
        dir.remove();
        cert.remove();
      },
    };
  },
);
