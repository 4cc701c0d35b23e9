/** A real Mosquitto on an ephemeral port, started and stopped by the test. */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { connectAsync } from 'mqtt';
import { startPeer } from './peer-process.js';
import { tempDir } from './temp-dir.js';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

export interface RunningMosquitto {
  url: string;
  port: number;
  /** Stops the broker and starts a fresh one on the same port (nothing retained survives). */
  restart(): Promise<void>;
  /** Stops the broker, leaving the port to come back with `up`. */
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

function spawnMosquitto(conf: string, url: string): Promise<{ stop(): Promise<void> }> {
  return startPeer(`mosquitto at ${url}`, 'mosquitto', ['-c', conf], async () => {
    const c = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 1000 });
    await c.endAsync();
    return true;
  });
}

export async function startMosquitto(extraConfig = ''): Promise<RunningMosquitto> {
  const dir = tempDir('hnth-mosquitto-');
  const port = await freePort();
  const conf = path.join(dir.path, 'mosquitto.conf');
  const lines = [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    'persistence false',
    'log_dest stderr',
    extraConfig,
  ];
  writeFileSync(conf, `${lines.join('\n')}\n`);
  const url = `mqtt://127.0.0.1:${port}`;
  let current = await spawnMosquitto(conf, url).catch((err: Error) => {
    dir.remove();
    throw err;
  });
  return {
    url,
    port,
    restart: async () => {
      await current.stop();
      current = await spawnMosquitto(conf, url);
    },
    down: () => current.stop(),
    up: async () => {
      current = await spawnMosquitto(conf, url);
    },
    stop: async () => {
      await current.stop();
      dir.remove();
    },
  };
}

/**
 * Mosquitto started from the configuration shipped in deploy/mosquitto/, with only what a test
 * must change rewritten: the files' folder (password, ACL, certificate), the two ports, and no
 * persistence or syslog. `filesDir` holds `passwords`, `acl` and `tls/server.{crt,key}`.
 */
export async function startShippedMosquitto(
  filesDir: string,
): Promise<{ tlsUrl: string; localUrl: string; pid: number; stop(): Promise<void> }> {
  const shipped = readFileSync(new URL('../../deploy/mosquitto/mosquitto.conf', import.meta.url), 'utf8');
  const [tlsPort, localPort] = [await freePort(), await freePort()];
  const conf = shipped
    .replaceAll('/etc/mosquitto/hnth/', `${filesDir}/`)
    .replace(/^listener 8883$/m, `listener ${tlsPort} 127.0.0.1`)
    .replace(/^listener 1883 127\.0\.0\.1$/m, `listener ${localPort} 127.0.0.1`)
    .replace(/^persistence true$/m, 'persistence false')
    .replace(/^persistence_location .*$/m, '')
    .replace(/^log_dest syslog$/m, 'log_dest stderr');
  if (conf === shipped || !conf.includes(`listener ${tlsPort}`))
    throw new Error('shipped mosquitto.conf changed shape');
  // Run as root (CI), Mosquitto would drop to its own user, which cannot read the test's temp folder.
  const file = path.join(filesDir, 'mosquitto.conf');
  writeFileSync(file, `${conf}\n${process.getuid?.() === 0 ? 'user root\n' : ''}`);
  const localUrl = `mqtt://127.0.0.1:${localPort}`;
  const { pid, stop } = await startPeer(
    `shipped mosquitto at ${localUrl}`,
    'mosquitto',
    ['-c', file],
    async () => {
      // Anonymous is refused: any answer (even "not authorised") means it is listening.
      const answer = await connectAsync(localUrl, { reconnectPeriod: 0, connectTimeout: 1000 }).then(
        (c) => c.endAsync().then(() => 'connected'),
        (err: Error) => err.message,
      );
      return !/ECONNREFUSED/.test(answer);
    },
  );
  return {
    tlsUrl: `mqtts://127.0.0.1:${tlsPort}`,
    localUrl,
    pid,
    stop,
  };
}

/**
 * Mosquitto started from deploy/ha/mosquitto.conf (one broker, two hubs on other machines), with
 * only the files' folder, the two ports (the rooms' and the hubs', both TLS, on loopback here), and
 * no persistence or syslog rewritten.
 */
export async function startHaMosquitto(
  filesDir: string,
): Promise<{ roomsUrl: string; hubsUrl: string; stop(): Promise<void> }> {
  const shipped = readFileSync(new URL('../../deploy/ha/mosquitto.conf', import.meta.url), 'utf8');
  const [roomsPort, hubsPort] = [await freePort(), await freePort()];
  const conf = shipped
    .replaceAll('/etc/mosquitto/hnth/', `${filesDir}/`)
    .replace(/^listener 8883$/m, `listener ${roomsPort} 127.0.0.1`)
    .replace(/^listener 8884$/m, `listener ${hubsPort} 127.0.0.1`)
    .replace(/^persistence true$/m, 'persistence false')
    .replace(/^persistence_location .*$/m, '')
    .replace(/^log_dest syslog$/m, 'log_dest stderr');
  if (!conf.includes(`listener ${roomsPort} `) || !conf.includes(`listener ${hubsPort} `))
    throw new Error('deploy/ha/mosquitto.conf changed shape');
  const file = path.join(filesDir, 'mosquitto.conf');
  writeFileSync(file, `${conf}\n${process.getuid?.() === 0 ? 'user root\n' : ''}`);
  const hubsUrl = `mqtts://127.0.0.1:${hubsPort}`;
  const { stop } = await startPeer(`HA mosquitto at ${hubsUrl}`, 'mosquitto', ['-c', file], async () => {
    // Anonymous is refused: any answer but a refused connection means it is listening.
    const answer = await connectAsync(hubsUrl, {
      reconnectPeriod: 0,
      connectTimeout: 1000,
      rejectUnauthorized: false,
    }).then(
      (c) => c.endAsync().then(() => 'connected'),
      (err: Error) => err.message,
    );
    return !/ECONNREFUSED/.test(answer);
  });
  return { roomsUrl: `mqtts://127.0.0.1:${roomsPort}`, hubsUrl, stop };
}
