/**
 * deploy/ha/haproxy.cfg in a real HAProxy, in front of two real hubs: `haproxy -c` accepts it (and
 * would refuse a mistake); over HTTPS it answers with HSTS and redirects plain HTTP; a hub that stops
 * costs no request; a browser cannot pass the hubs an address of its choosing; and through it a
 * browser logs in (the cookie Secure, since the hub trusts the proxy's word that the browser is on
 * HTTPS) and opens the live socket, which the proxy upgrades.
 * Only the addresses, ports, certificate file and what needs root (chroot, user, syslog) are rewritten.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { WebSocket } from 'ws';
import type { RunningHub } from '../../hub/hub.js';
import { operatorLogin, startTestHub } from '../helpers/hub-harness.js';
import { freePort } from '../helpers/mosquitto.js';
import { startPeer } from '../helpers/peer-process.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeTestCertificate, type TestCertificate } from '../helpers/tls-certs.js';
import { waitFor } from '../helpers/wait.js';

const SHIPPED = readFileSync('deploy/ha/haproxy.cfg', 'utf8');

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Each hub's state as HAProxy's health checks see it, by server name: `UP`, `DOWN`, ..., and the
 * last check's result (`L7OK`: the hub answered 200; `L4CON`: nothing listens).
 */
async function serverStates(socket: string): Promise<Record<string, { status: string; check: string }>> {
  const csv = await new Promise<string>((resolve, reject) => {
    let text = '';
    const conn = connect(socket, () => conn.write('show stat\n'));
    conn.on('data', (d: Buffer) => {
      text += d.toString();
    });
    conn.on('end', () => resolve(text));
    conn.on('error', reject);
  });
  const [header, ...rows] = csv.replace(/^# /, '').trim().split('\n');
  const columns = header!.split(',');
  const [px, sv, status, check] = ['pxname', 'svname', 'status', 'check_status'].map((c) =>
    columns.indexOf(c),
  );
  return Object.fromEntries(
    rows
      .map((r) => r.split(','))
      .filter((r) => r[px!] === 'hubs' && r[sv!] !== 'BACKEND')
      .map((r) => [r[sv!], { status: r[status!]!, check: r[check!]! }]),
  );
}

/** The shipped configuration with only what a test on one machine must change. */
function testConfig(o: {
  pem: string;
  http: number;
  https: number;
  hubA: number;
  hubB: number;
  statsSocket: string;
}): string {
  const conf = SHIPPED.replace(/^ {4}(chroot|user|group|daemon|log \/dev\/log).*$/gm, '')
    // The test reads the servers' state, as an operator would with `echo 'show stat' | socat …`.
    .replace(/^global$/m, `global\n    stats socket ${o.statsSocket} mode 600 level admin`)
    .replace(/^ {4}bind :80$/m, `    bind 127.0.0.1:${o.http}`)
    .replace(
      /^( {4}bind ):443( ssl crt )\/etc\/haproxy\/certs\/hnth\.pem/m,
      `$1127.0.0.1:${o.https}$2${o.pem}`,
    )
    .replace(/^( {4}server hub-a ).*$/m, `$1127.0.0.1:${o.hubA}`)
    .replace(/^( {4}server hub-b ).*$/m, `$1127.0.0.1:${o.hubB}`);
  for (const expected of [`:${o.http}`, `:${o.https} ssl`, `:${o.hubA}`, `:${o.hubB}`])
    if (!conf.includes(expected)) throw new Error('deploy/ha/haproxy.cfg changed shape');
  return conf;
}

describe('two hubs behind HAProxy from deploy/ha/haproxy.cfg', () => {
  const dir = tempDir('deploy-ha-proxy-');
  const pem = path.join(dir.path, 'hnth.pem');
  const statsSocket = path.join(dir.path, 'admin.sock');
  let cert: TestCertificate;
  let hubA: RunningHub & { removeData(): void };
  let hubB: RunningHub & { removeData(): void };
  let proxy: { stop(): Promise<void> };
  let hubAStopped = false;
  let ports: { http: number; https: number };

  /** One request to the proxy over HTTPS, trusting the test certificate. */
  function https(
    pathname: string,
    o: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: ports.https,
          path: pathname,
          method: o.method ?? 'GET',
          headers: o.headers,
          ca: readFileSync(cert.caFile),
        },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => {
            body += d.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      req.end(o.body);
    });
  }

  /** The test operator's Set-Cookie from a login through the proxy (only hub B knows them both). */
  async function operatorCookie(): Promise<string> {
    const { username, password } = operatorLogin(hubB.httpUrl);
    const login = await https('/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(login.status).toBe(200);
    return String(login.headers['set-cookie']);
  }

  beforeAll(async () => {
    cert = makeTestCertificate();
    writeFileSync(pem, readFileSync(cert.certFile, 'utf8') + readFileSync(cert.keyFile, 'utf8'), {
      mode: 0o600,
    });
    hubA = await startTestHub({ 'http.trustProxy': true });
    hubB = await startTestHub({ 'http.trustProxy': true });
    ports = { http: await freePort(), https: await freePort() };
    const file = path.join(dir.path, 'haproxy.cfg');
    writeFileSync(
      file,
      testConfig({
        pem,
        ...ports,
        hubA: Number(new URL(hubA.httpUrl).port),
        hubB: Number(new URL(hubB.httpUrl).port),
        statsSocket,
      }),
    );
    proxy = await startPeer('haproxy', 'haproxy', ['-db', '-f', file], async () => {
      return (await https('/api/health').catch(() => ({ status: 0 }))).status === 200;
    });
  });
  afterAll(async () => {
    await proxy?.stop();
    if (!hubAStopped) await hubA?.stop();
    await hubB?.stop();
    hubA?.removeData();
    hubB?.removeData();
    cert?.remove();
    dir.remove();
  });

  test('haproxy -c accepts the configuration, and would refuse a mistyped keyword', () => {
    const check = (text: string) => {
      const file = path.join(dir.path, 'check.cfg');
      writeFileSync(file, text);
      return spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
    };
    const shipped = SHIPPED.replaceAll('/etc/haproxy/certs/hnth.pem', pem);
    expect(check(shipped).status).toBe(0);
    const broken = check(shipped.replace('http-check expect status 200', 'http-check expext status 200'));
    expect(broken.status).not.toBe(0);
    expect(broken.stdout + broken.stderr).toMatch(/expext/);
  });

  test('its health checks on /api/health find both hubs up', async () => {
    await waitFor('both hubs UP', async () => {
      const states = await serverStates(statsSocket);
      return ['hub-a', 'hub-b'].every((hub) => states[hub]?.status === 'UP' && states[hub]?.check === 'L7OK');
    });
  });

  test('answers over HTTPS with HSTS, once', async () => {
    const health = await https('/api/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000');
  });

  test('redirects plain HTTP to HTTPS, without passing it to a hub', async () => {
    const res = await fetch(`http://127.0.0.1:${ports.http}/api/health`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe(`https://127.0.0.1:${ports.http}/api/health`);
  });

  // From here on hub B alone answers: the logins below use its test operator.
  test('a hub that stops costs no request: each goes to the other hub', async () => {
    await hubA.stop();
    hubAStopped = true;
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push((await https('/api/health')).status);
    expect(answers).toEqual(Array(10).fill(200));
    // And the checks take it out: two failures 2 s apart.
    const states = await waitFor('hub A DOWN', async () => {
      const now = await serverStates(statsSocket);
      return now['hub-a']?.status === 'DOWN' && now;
    });
    expect(states['hub-b']).toEqual({ status: 'UP', check: 'L7OK' });
  });

  test('a browser cannot claim another address: the hub records the one the proxy saw', async () => {
    const failed = await https('/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.66' },
      body: JSON.stringify({ username: 'nobody-here', password: 'wrong' }),
    });
    expect(failed.status).toBe(401);
    const cookie = (await operatorCookie()).split(';')[0]!;
    const audit = await https('/api/audit?action=login.failed', { headers: { cookie } });
    const rows = JSON.parse(audit.body) as { actor: string; details: { address?: string } }[];
    expect(rows.find((r) => r.actor === 'nobody-here')?.details.address).toBe('127.0.0.1');
  });

  test('a browser logs in through it with a Secure cookie and gets the live socket upgraded', async () => {
    const setCookie = await operatorCookie();
    expect(setCookie).toMatch(/; Secure/);
    const origin = `https://127.0.0.1:${ports.https}`;
    const ws = new WebSocket(`wss://127.0.0.1:${ports.https}/ws`, {
      ca: readFileSync(cert.caFile),
      headers: { cookie: setCookie.split(';')[0]!, origin },
    });
    const messages: { type: string }[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
    try {
      await waitFor('the snapshot through the proxy', () => messages.some((m) => m.type === 'snapshot'));
    } finally {
      ws.close();
    }
  });
});
