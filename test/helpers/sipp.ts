/** A real SIP peer: sipp (Debian `sip-tester`) as a UAS on an ephemeral port, started and stopped by the test. */
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { sipOptions } from '../../shared/probes/sip-options.js';
import { freePort } from './mosquitto.js';
import { startPeer } from './peer-process.js';

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
  const { stop } = await startPeer(
    `sipp on ${port}/${transport}`,
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
    async () => (await sipOptions({ host: '127.0.0.1', port, transport }, { timeoutMs: 300 })).reachable,
    'SIGKILL',
  );
  return { port, stop };
}
