/** A real Mosquitto on an ephemeral port, started and stopped by the test. */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { connectAsync } from 'mqtt';
import { tempDir } from './temp-dir.js';
import { waitFor } from './wait.js';

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

async function spawnMosquitto(conf: string, url: string): Promise<{ stop(): Promise<void> }> {
  const child: ChildProcess = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  try {
    await waitFor(
      `mosquitto at ${url}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`mosquitto exited: ${stderr}`);
        const c = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 1000 });
        await c.endAsync();
        return true;
      },
      10_000,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { stop };
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
