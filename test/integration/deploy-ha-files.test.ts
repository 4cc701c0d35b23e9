/**
 * The files of deploy/ha agree with the hub and with each other: each example hub configuration
 * loads through the hub's own loader with the secrets of hub.env.example, the two hubs form one
 * group (one broker URL and shared group, one audit folder, each hub its own broker account and
 * client id), the proxy sends to
 * the addresses the hubs listen on, the hubs connect to the broker's hubs' listener, and the systemd
 * drop-in verifies on the shipped unit without a warning; the README's count of PostgreSQL
 * connections follows the hub's pool size.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type HubConfig, hubFleet, hubSchema, loadHubConfig } from '../../hub/config.js';
import { identityOf } from '../../hub/security/mqtt-policy.js';
import { PG_POOL_SIZE } from '../../hub/store/pg-database.js';
import { tempDir } from '../helpers/temp-dir.js';

const HA = 'deploy/ha';
const read = (file: string) => readFileSync(path.join(HA, file), 'utf8');

/** `KEY=value` lines of an environment file. */
function envOf(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

/** Every environment variable the hub's settings name. */
function schemaEnvNames(node: object): string[] {
  return Object.entries(node).flatMap(([key, value]) => {
    if (key === 'env' && typeof value === 'string') return [value];
    return value && typeof value === 'object' && !Array.isArray(value) ? schemaEnvNames(value) : [];
  });
}

const env = envOf(read('hub.env.example'));
// The department's CA lives on the hub machines, and the hub checks the file is there when it loads
// its settings: a stand-in here, the same for both hubs.
const machine = tempDir('hnth-ha-files-');
afterAll(() => machine.remove());
const caFile = path.join(machine.path, 'department-ca.crt');
writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\n');
const load = (hub: 'a' | 'b') => {
  const file = path.join(HA, `hub-${hub}.json`);
  const written = JSON.parse(readFileSync(file, 'utf8')) as { mqtt: { tls: { caFile: string } } };
  expect(written.mqtt.tls.caFile).toBe('/etc/hnth/department-ca.crt');
  return loadHubConfig({ file, env, overrides: { 'mqtt.tls.caFile': caFile } });
};
const hubs: Record<'a' | 'b', HubConfig> = { a: load('a'), b: load('b') };

describe('the example hub configurations', () => {
  test('hub.env.example names only settings the hub reads, and gives it its PostgreSQL', () => {
    const known = new Set(schemaEnvNames(hubSchema));
    expect(Object.keys(env).filter((name) => !known.has(name))).toEqual([]);
    expect(hubs.a.store.url).toMatch(/^postgres:\/\//);
  });

  test('both hubs share the store, the broker, the group and the audit folder', () => {
    for (const hub of [hubs.a, hubs.b]) {
      expect(hub.mqtt.protocolVersion).toBe(5);
      expect(hub.mqtt.sharedGroup).not.toBe('');
      expect(hub.http.trustProxy).toBe(true);
    }
    const shared = (h: HubConfig) => ({
      store: h.store.url,
      mqtt: { ...h.mqtt, clientId: undefined, username: undefined },
      audit: h.audit,
      fleet: h.fleet,
      dataDir: h.dataDir,
      port: h.http.port,
    });
    expect(shared(hubs.b)).toEqual(shared(hubs.a));
  });

  test('each hub has its own broker account, its client id, and its address, and nothing else differs', () => {
    for (const hub of [hubs.a, hubs.b]) {
      expect(identityOf(hub.mqtt.username, hubFleet(hub))).toEqual({
        kind: 'hub',
        account: hub.mqtt.username,
      });
      expect(hub.mqtt.clientId).toBe(hub.mqtt.username);
    }
    expect(hubs.a.mqtt.username).not.toBe(hubs.b.mqtt.username);
    expect(hubs.a.http.host).not.toBe(hubs.b.http.host);
    const rest = (h: HubConfig) => ({
      ...h,
      mqtt: { ...h.mqtt, clientId: '', username: '' },
      http: { ...h.http, host: '' },
    });
    expect(rest(hubs.b)).toEqual(rest(hubs.a));
  });

  test('a hub whose client id is not its broker account is refused at start, naming both', () => {
    const file = path.join(HA, 'hub-a.json');
    const overrides = { 'mqtt.tls.caFile': caFile, 'mqtt.clientId': 'hnth-hub-b' };
    expect(() => loadHubConfig({ file, env, overrides })).toThrow(
      /mqtt\.clientId must be the hub's own broker account, mqtt\.username \(hnth-hub-a\), not hnth-hub-b/,
    );
  });

  test('the proxy sends to the addresses the hubs listen on', () => {
    const servers = [...read('haproxy.cfg').matchAll(/^ {4}server \S+ (\S+)$/gm)].map((m) => m[1]);
    expect(servers).toEqual([hubs.a, hubs.b].map((h) => `${h.http.host}:${h.http.port}`));
  });

  test('the hubs connect with TLS to the broker’s hubs’ listener', () => {
    const url = new URL(hubs.a.mqtt.url);
    expect(url.protocol).toBe('mqtts:');
    expect(read('mosquitto.conf')).toMatch(new RegExp(`^listener ${url.port}$`, 'm'));
    expect(hubs.a.mqtt.tls.caFile).not.toBe('');
  });
});

test('the README counts the PostgreSQL connections with the hub’s pool size', () => {
  const readme = read('README.md');
  expect(readme).toContain(`one pool of at most ${PG_POOL_SIZE} connections`);
  // And the live relay's listening connection, each.
  expect(readme).toContain(`Two hubs: at most ${2 * (PG_POOL_SIZE + 1)}`);
});

describe('the systemd drop-in', () => {
  let root: ReturnType<typeof tempDir>;
  const dropIn = 'hnth-hub.service.d/ha.conf';

  function verify(dropInText = read(`systemd/${dropIn}`)) {
    writeFileSync(path.join(root.path, 'etc/systemd/system', dropIn), dropInText);
    return spawnSync('systemd-analyze', [`--root=${root.path}`, 'verify', 'hnth-hub.service'], {
      encoding: 'utf8',
    });
  }

  beforeAll(() => {
    root = tempDir('deploy-ha-units-');
    mkdirSync(path.join(root.path, 'etc/systemd/system/hnth-hub.service.d'), { recursive: true });
    mkdirSync(path.join(root.path, 'usr/local/bin'), { recursive: true });
    cpSync('/usr/lib/systemd/system', path.join(root.path, 'usr/lib/systemd/system'), { recursive: true });
    cpSync('deploy/systemd/hnth-hub.service', path.join(root.path, 'etc/systemd/system/hnth-hub.service'));
    const bin = path.join(root.path, 'usr/local/bin/hnth-hub');
    writeFileSync(bin, '#!/bin/sh\n');
    chmodSync(bin, 0o755);
  });
  afterAll(() => root.remove());

  test('verifies on the shipped unit without a single warning', () => {
    const result = verify();
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });

  test('would catch a mistyped key (the check reads the drop-in)', () => {
    const broken = read(`systemd/${dropIn}`).replace('RestartSec=', 'RestartSecs=');
    expect(verify(broken).stderr).toMatch(/Unknown key 'RestartSecs'/);
  });

  test('lets the hub write its data and audit folders, as configured, and nothing else', () => {
    const lines = read(`systemd/${dropIn}`)
      .split('\n')
      .filter((l) => l.startsWith('ReadWritePaths='));
    // An empty assignment first: the unit's list (with the local broker's folder) is cleared.
    expect(lines).toEqual(['ReadWritePaths=', `ReadWritePaths=${hubs.a.dataDir} -${hubs.a.audit.dir}`]);
  });
});
