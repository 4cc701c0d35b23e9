/**
 * A real NUT server for tests: Debian's `/lib/nut/dummy-ups` driver and `/lib/nut/upsd`, run
 * directly (the `/usr/sbin/upsd` wrapper would read /etc/nut/nut.conf) with NUT_CONFPATH and
 * NUT_STATEPATH in a temporary folder, upsd on an ephemeral port. The UPS is driven by rewriting
 * the driver's `.dev` file.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, utimesSync, writeFileSync } from 'node:fs';
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

function writeUpsdFiles(dir: string, port: number): void {
  writeFileSync(path.join(dir, 'upsd.conf'), `LISTEN 127.0.0.1 ${port}\nMAXAGE 5\n`);
  writeFileSync(
    path.join(dir, 'upsd.users'),
    `[${NUT_USER.username}]\n  password = "${NUT_USER.password.replace(/"/g, '\\"')}"\n  upsmon secondary\n`,
  );
  chmodSync(path.join(dir, 'upsd.users'), 0o600);
}

/** Waits until upsd on `port` serves each UPS with its driver's data (not `WAIT`). */
async function waitForUpsd(port: number, upses: readonly string[]): Promise<void> {
  await waitFor(
    `upsd on port ${port} with the drivers' data`,
    async () => {
      const c = await NutClient.connect({ host: '127.0.0.1', port, timeoutMs: 1000 });
      try {
        for (const ups of upses) if ((await c.getVar(ups, 'ups.status')) === 'WAIT') return false;
        return true;
      } finally {
        await c.close();
      }
    },
    20_000,
  );
}

export interface RunningNutDumps {
  port: number;
  /** The UPS name upsd serves each dump under, by the dump's file name. */
  upsOf(file: string): string;
  stop(): Promise<void>;
}

/**
 * One upsd serving several real dumps (`.dev`, or `.seq` for dummy-ups' timed sequences), each
 * through a dummy-ups of its own. One driver per dump, not one driver re-fed: dummy-ups keeps the
 * variables a new file lacks, so a dump without `battery.charge` would inherit the previous one's.
 */
export async function startNutDumps(files: readonly string[]): Promise<RunningNutDumps> {
  const dir = tempDir('hnth-nut-');
  const port = await freePort();
  const names = new Map(files.map((file, i) => [file, `u${String(i + 1).padStart(2, '0')}`]));
  const sections = files.map((file) => {
    const ups = names.get(file)!;
    const port = `${ups}${path.extname(file)}`;
    copyFileSync(file, path.join(dir.path, port));
    return `[${ups}]\n  driver = dummy-ups\n  port = ${port}\n  desc = "${path.basename(file)}"\n`;
  });
  writeFileSync(path.join(dir.path, 'ups.conf'), `pollinterval = 1\n${sections.join('')}`);
  writeUpsdFiles(dir.path, port);
  const upses = [...names.values()];
  const drivers = upses.map((ups) => launch(dir.path, '/lib/nut/dummy-ups', ['-a', ups]));
  let upsd: ReturnType<typeof launch> | null = null;
  const stop = async () => {
    await upsd?.stop();
    await Promise.all(drivers.map((d) => d.stop()));
    dir.remove();
  };
  try {
    await waitFor('the dummy-ups sockets', () =>
      upses.every((ups) => existsSync(path.join(dir.path, `dummy-ups-${ups}`))),
    );
    upsd = launch(dir.path, '/lib/nut/upsd', []);
    await waitForUpsd(port, upses);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    port,
    upsOf: (file) => {
      const ups = names.get(file);
      if (!ups) throw new Error(`${file} is not served`);
      return ups;
    },
    stop,
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
  writeUpsdFiles(dir.path, port);
  const driver = launch(dir.path, '/lib/nut/dummy-ups', ['-a', NUT_UPS]);
  let upsd: ReturnType<typeof launch> | null = null;
  const startUpsd = async () => {
    upsd = launch(dir.path, '/lib/nut/upsd', []);
    await waitForUpsd(port, [NUT_UPS]);
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
