/**
 * A real NUT server for tests: Debian's `/lib/nut/dummy-ups` driver and `/lib/nut/upsd`, run
 * directly (the `/usr/sbin/upsd` wrapper would read /etc/nut/nut.conf) with NUT_CONFPATH and
 * NUT_STATEPATH in a temporary folder, upsd on an ephemeral port. The UPS is driven by rewriting
 * the driver's `.dev` file.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NutClient } from '../../agent/sensors/nut-client.js';
import { freePort } from './mosquitto.js';
import { tempDir } from './temp-dir.js';
import { waitFor } from './wait.js';

export const NUT_UPS = 'room';
export const NUT_USER = { username: 'hnth', password: 'pa ss"word' };

export interface RunningNut {
  port: number;
  /** Rewrites the dummy UPS's variables (`{'ups.status': 'OB LB', 'battery.charge': '12'}`). */
  setUps(vars: Record<string, string>): void;
  stopUpsd(): Promise<void>;
  startUpsd(): Promise<void>;
  stop(): Promise<void>;
}

function launch(
  dir: string,
  command: string,
  args: string[],
): { child: ChildProcess; stop(): Promise<void> } {
  const child = spawn(command, [...args, '-u', 'root', '-F'], {
    env: { ...process.env, NUT_CONFPATH: dir, NUT_STATEPATH: dir },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

export async function startNut(initial: Record<string, string>): Promise<RunningNut> {
  const dir = tempDir('hnth-nut-');
  const port = await freePort();
  const dev = path.join(dir.path, `${NUT_UPS}.dev`);
  // dummy-ups re-reads the file when its mtime changes; step it explicitly so two writes in the
  // same second are both seen.
  let mtime = Math.floor(Date.now() / 1000);
  const setUps = (vars: Record<string, string>) => {
    writeFileSync(
      dev,
      `${Object.entries(vars)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')}\n`,
    );
    mtime += 2;
    utimesSync(dev, mtime, mtime);
  };
  setUps(initial);
  writeFileSync(
    path.join(dir.path, 'ups.conf'),
    `pollinterval = 1\n[${NUT_UPS}]\n  driver = dummy-ups\n  port = ${NUT_UPS}.dev\n  desc = "test room UPS"\n`,
  );
  writeFileSync(path.join(dir.path, 'upsd.conf'), `LISTEN 127.0.0.1 ${port}\nMAXAGE 5\n`);
  writeFileSync(
    path.join(dir.path, 'upsd.users'),
    `[${NUT_USER.username}]\n  password = "${NUT_USER.password.replace(/"/g, '\\"')}"\n  upsmon secondary\n`,
  );
  chmodSync(path.join(dir.path, 'upsd.users'), 0o600);
  const driver = launch(dir.path, '/lib/nut/dummy-ups', ['-a', NUT_UPS]);
  let upsd: ReturnType<typeof launch> | null = null;
  const startUpsd = async () => {
    upsd = launch(dir.path, '/lib/nut/upsd', []);
    await waitFor(
      `upsd on port ${port} with the driver's data`,
      async () => {
        const c = await NutClient.connect({ host: '127.0.0.1', port, timeoutMs: 1000 });
        try {
          return (await c.getVar(NUT_UPS, 'ups.status')) !== 'WAIT';
        } finally {
          await c.close();
        }
      },
      10_000,
    );
  };
  try {
    await waitFor('the dummy-ups socket', () => existsSync(path.join(dir.path, `dummy-ups-${NUT_UPS}`)));
    await startUpsd();
  } catch (err) {
    // Whatever started is stopped, so a failed start leaves no daemon behind.
    await (upsd as ReturnType<typeof launch> | null)?.stop();
    await driver.stop();
    dir.remove();
    throw err;
  }
  return {
    port,
    setUps,
    startUpsd,
    stopUpsd: async () => {
      await upsd?.stop();
      upsd = null;
    },
    stop: async () => {
      await upsd?.stop();
      await driver.stop();
      dir.remove();
    },
  };
}
