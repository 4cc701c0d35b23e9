/**
 * SIGTERM ends the agent within 5 s whatever the broker does, and what it had to send is still in
 * its outbox on disk afterwards. The agent runs as a real process (as systemd runs it), against
 * three brokers that fail in different ways: none listening, one that takes the TCP connection and
 * never answers, and one that accepts the MQTT connection and then hangs (no PUBACK, no PINGRESP).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import type { OutboxRecord } from '../../agent/link/outbox.js';
import { readLog } from '../../agent/link/outbox-log.js';
import { freePort } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const ROOM = 'tinh-uy';

/** A broker stand-in on loopback; `connack` answers the first packet (CONNECT) and nothing more. */
async function silentBroker(
  connack: boolean,
): Promise<{ url: string; sawConnect: () => boolean; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  let connected = false;
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    socket.once('data', () => {
      connected = true;
      // CONNACK, MQTT 3.1.1: no session present, accepted.
      if (connack) socket.write(Buffer.from([0x20, 0x02, 0x00, 0x00]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `mqtt://127.0.0.1:${port}`,
    sawConnect: () => connected,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let data: ReturnType<typeof tempDir>;
let agent: ChildProcess | undefined;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  if (agent && agent.exitCode === null && agent.signalCode === null) agent.kill('SIGKILL');
  await cleanup?.();
  cleanup = undefined;
  data?.remove();
});

function startAgent(url: string): ChildProcess {
  data = tempDir('hnth-stop-');
  return spawn(process.execPath, ['--import', 'tsx', 'agent/cli.ts', '--simulate', '--room', ROOM], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      HNTH_LOG_LEVEL: 'silent',
      HNTH_MQTT_URL: url,
      HNTH_DATA_DIR: data.path,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const outboxFile = () => path.join(data.path, 'outbox', `${ROOM}.log`);
const pendingEvents = () => {
  const byId = new Map<number, OutboxRecord>();
  for (const entry of readLog<{ put: OutboxRecord } | { done: number }>(outboxFile()).records) {
    if ('put' in entry) byId.set(entry.put.id, entry.put);
    else byId.delete(entry.done);
  }
  return [...byId.values()].filter((r) => r.channel === 'events').map((r) => JSON.parse(r.body));
};

/** Sends SIGTERM and waits for the exit, at most 5 s (the deadline is the requirement). */
async function stopWithin5s(child: ChildProcess): Promise<number | null> {
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await waitFor(
    'the agent to exit after SIGTERM',
    () => child.exitCode !== null || child.signalCode !== null,
    5000,
  );
  const [code] = await exited;
  return code as number | null;
}

describe('SIGTERM ends the agent within 5 s, with its outbox on disk', () => {
  test('no broker listening (the agent keeps retrying)', async () => {
    agent = startAgent(`mqtt://127.0.0.1:${await freePort()}`);
    await waitFor(
      'agent.started in the outbox',
      () => pendingEvents().some((e) => e.type === 'agent.started'),
      20_000,
    );
    expect(await stopWithin5s(agent)).toBe(0);
    expect(pendingEvents().map((e) => [e.type, e.seq])).toContainEqual(['agent.started', 0]);
  }, 30_000);

  test.each([
    ['takes the TCP connection and never answers', false],
    ['accepts the MQTT connection, then hangs', true],
  ])(
    'a broker that %s',
    async (_how, connack) => {
      const broker = await silentBroker(connack);
      cleanup = broker.close;
      agent = startAgent(broker.url);
      await waitFor('the agent at the broker', () => broker.sawConnect(), 20_000);
      await waitFor('agent.started in the outbox', () =>
        pendingEvents().some((e) => e.type === 'agent.started'),
      );
      expect(await stopWithin5s(agent)).toBe(0);
      // The broker never acknowledged anything: every event is still to send at the next start.
      expect(pendingEvents().map((e) => [e.type, e.seq])).toContainEqual(['agent.started', 0]);
    },
    30_000,
  );
});
