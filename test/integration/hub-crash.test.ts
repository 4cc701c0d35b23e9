/**
 * Issue 9: the hub killed with SIGKILL in the middle of ingest. After it restarts on the same data
 * folder, no row it had committed is lost, the rehearsal jobs are back, and the room's events
 * from before, during and after the crash are all stored once, in order.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, test } from '@jest/globals';
import { Agent } from '../../agent/agent.js';
import { loadAgentConfig } from '../../agent/config.js';
import { SimHardware } from '../../agent/sim/sim-hardware.js';
import type { StoredEvent } from '../../hub/store/store.js';
import { createLogger } from '../../shared/logger.js';
import { type ApiSession, apiRequest, login, startHubProcess } from '../helpers/hub-harness.js';
import { freePort } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const ROOM = 'ubnd-chiem-hoa';

describe('the hub killed with SIGKILL during ingest', () => {
  const data = tempDir('hnth-crash-');
  const agentData = tempDir('hnth-crash-agent-');
  const children: ChildProcess[] = [];
  let agent: Agent | undefined;
  afterAll(async () => {
    await agent?.stop();
    for (const c of children) c.kill('SIGKILL');
    data.remove();
    agentData.remove();
  });

  test('committed rows survive, rehearsal jobs come back, and every event is stored once in order', async () => {
    const [mqttPort, httpPort] = [await freePort(), await freePort()];
    const args = [data.path, String(mqttPort), String(httpPort)];
    const first = await startHubProcess([...args, ROOM]);
    children.push(first.child);
    let session: ApiSession = await login(first.httpUrl, 'op', first.operatorPassword);
    const events = async () =>
      (await apiRequest(first.httpUrl, 'GET', `/api/rooms/${ROOM}/events?limit=1000`, undefined, session))
        .body as StoredEvent[];

    // A meeting booked three days ahead: its rehearsals (T-24 h, T-2 h) are jobs in the hub.
    const start = new Date(Date.now() + 3 * 24 * 3600_000);
    const booked = await apiRequest(
      first.httpUrl,
      'POST',
      '/api/meetings',
      {
        title: 'Giao ban',
        kind: 'committee',
        hostRoomId: 'ubnd-tinh',
        roomIds: ['ubnd-tinh', ROOM],
        start: start.toISOString(),
        end: new Date(start.getTime() + 3600_000).toISOString(),
        emergency: null,
      },
      session,
    );
    expect(booked.status).toBe(201);
    const planned = async () =>
      (await apiRequest(first.httpUrl, 'GET', '/api/rehearsals/planned', undefined, session))
        .body as unknown[];
    const jobsBefore = await planned();
    expect(jobsBefore).toHaveLength(2);

    const config = loadAgentConfig({
      env: {
        HNTH_MQTT_URL: first.mqttUrl,
        HNTH_MQTT_USERNAME: ROOM,
        HNTH_MQTT_PASSWORD: first.roomPassword!,
        HNTH_TELEMETRY_INTERVAL: '0.2',
        HNTH_DATA_DIR: agentData.path,
      },
      args: ['--room', ROOM, '--simulate'],
    });
    config.mqtt.reconnectMaxMs = 500;
    const sim = new SimHardware(3);
    agent = new Agent(config, { source: sim, sim, log: createLogger(ROOM, 'silent') });
    await agent.start();
    await agent.connected;
    let mains = true;
    let edges = 0;
    const toggle = async () => {
      edges++;
      mains = !mains;
      sim.inject({ mains });
      await waitFor(`the agent to see mains=${mains}`, () => agent!.readings.power.mains === mains);
    };
    for (let i = 0; i < 10; i++) await toggle();
    await waitFor('some events committed', async () => (await events()).length >= 5);
    const committed = await events();

    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    // The room keeps living while the hub is gone.
    for (let i = 0; i < 6; i++) await toggle();
    if (!mains) await toggle();

    const second = await startHubProcess(args);
    children.push(second.child);
    session = await login(second.httpUrl, 'op', second.operatorPassword);
    first.httpUrl = second.httpUrl;

    const after = await events();
    for (const row of committed) expect(after).toContainEqual(row);
    expect(await planned()).toEqual(jobsBefore);

    const mine = await waitFor(
      'every event of this boot stored after the restart',
      async () => {
        const list = (await events()).filter((e) => e.bootId === agent!.bootId);
        const maxSeq = Math.max(...list.map((e) => e.seq));
        // agent.started, then one event per edge
        return list.length === maxSeq + 1 && list.length === edges + 1 && list;
      },
      30_000,
    );
    const inOrder = [...mine].reverse().map((e) => e.seq);
    expect(inOrder).toEqual(inOrder.map((_s, i) => i));
  }, 90_000);
});
