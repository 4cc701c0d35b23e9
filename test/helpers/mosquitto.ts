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
  stop(): Promise<void>;
}

export async function startMosquitto(extraConfig = ''): Promise<RunningMosquitto> {
  const dir = tempDir('hnth-mosquitto-');
  const port = await freePort();
  const conf = path.join(dir.path, 'mosquitto.conf');
  writeFileSync(
    conf,
    `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\n${extraConfig}`,
  );
  const child: ChildProcess = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `mqtt://127.0.0.1:${port}`;
  try {
    await waitFor(
      `mosquitto on port ${port}`,
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
    dir.remove();
    throw err;
  }
  return {
    url,
    port,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      dir.remove();
    },
  };
}
