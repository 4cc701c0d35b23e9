/**
 * A real peer (Mosquitto, sipp, ...) run by a test: started, waited for until `ready` says it
 * answers (failing with its stderr if it exits first), and stopped with the given signal.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { waitFor } from './wait.js';

export interface PeerProcess {
  /** Its process id (a test signals it, as `systemctl reload` would). */
  pid: number;
  stop(): Promise<void>;
}

export async function startPeer(
  what: string,
  command: string,
  args: string[],
  ready: () => Promise<boolean>,
  stopSignal: NodeJS.Signals = 'SIGTERM',
): Promise<PeerProcess> {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(stopSignal);
      await exited;
    }
  };
  try {
    await waitFor(
      what,
      async () => {
        if (child.exitCode !== null) throw new Error(`${command} exited: ${stderr}`);
        return ready();
      },
      10_000,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { pid: child.pid!, stop };
}
