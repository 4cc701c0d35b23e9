/** A real SIP peer: sipp (Debian `sip-tester`) as a UAS on an ephemeral port, started and stopped by the test. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { sipOptions } from '../../shared/probes/sip-options.js';
import { freePort } from './mosquitto.js';
import { waitFor } from './wait.js';

export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

export interface RunningSipp {
  port: number;
  stop(): Promise<void>;
}

/** sipp answering OPTIONS with the fixture's status (`options-200`, `options-503`). */
export async function startSipp(
  scenario: 'options-200' | 'options-503',
  transport: 'udp' | 'tcp',
): Promise<RunningSipp> {
  const port = transport === 'udp' ? await freeUdpPort() : await freePort();
  const xml = fileURLToPath(new URL(`../fixtures/sipp/${scenario}.xml`, import.meta.url));
  const child: ChildProcess = spawn(
    'sipp',
    [
      '-sf',
      xml,
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      '-t',
      transport === 'udp' ? 'u1' : 't1',
      '-nostdin',
      '-m',
      '1000',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  try {
    await waitFor(
      `sipp on ${port}/${transport}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`sipp exited: ${stderr}`);
        return (await sipOptions({ host: '127.0.0.1', port, transport }, { timeoutMs: 300 })).reachable;
      },
      10_000,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, stop };
}
