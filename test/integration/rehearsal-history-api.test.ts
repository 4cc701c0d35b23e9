/**
 * Rehearsals kept after the fact, over HTTP: the runs of a range with every room's final verdict,
 * and one room's runs with its checks, from a real run on a simulated agent and a silent room.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import type { RoomRun, RunSummary } from '../../hub/api/rehearsal-history-routes.js';
import type { RunningHub } from '../../hub/hub.js';
import { apiRequest, getJson, startTestAgent, startTestHub } from '../helpers/hub-harness.js';
import { waitFor } from '../helpers/wait.js';

const ROOM = 'ubnd-son-duong';
const SILENT = 'so-tai-chinh';

describe('rehearsal history over HTTP', () => {
  let hub: RunningHub & { removeData(): void };
  let agent: Agent;
  let runId = '';

  beforeAll(async () => {
    hub = await startTestHub({
      'schedule.rehearseTimeoutSec': 1,
      'schedule.powerOnTimeoutSec': 0.5,
      'schedule.inspectionCron': '',
    });
    agent = await startTestAgent(hub.mqttUrl, ROOM);
    const started = await apiRequest(hub.httpUrl, 'POST', '/api/rehearsals', { roomIds: [ROOM, SILENT] });
    expect(started.status).toBe(202);
    runId = (started.body as { id: string }).id;
    await waitFor(
      'both rooms judged',
      async () =>
        (await getJson<RunSummary[]>(`${hub.httpUrl}/api/rehearsals`)).some((r) => r.results.length === 2),
      15_000,
    );
  });
  afterAll(async () => {
    await agent?.stop();
    await hub?.stop();
    hub?.removeData();
  });

  test('the runs of the last days, each room’s final verdict', async () => {
    const runs = await getJson<RunSummary[]>(`${hub.httpUrl}/api/rehearsals`);
    const run = runs.find((r) => r.id === runId)!;
    expect(run).toMatchObject({ kind: 'rehearsal', slot: 'now', meetingId: null, meetingTitle: null });
    expect(run.results).toEqual(
      expect.arrayContaining([
        { roomId: ROOM, verdict: 'go' },
        { roomId: SILENT, verdict: 'no-go' },
      ]),
    );
    expect(await getJson(`${hub.httpUrl}/api/rehearsals?kind=inspection`)).toEqual([]);
    expect(await getJson(`${hub.httpUrl}/api/rehearsals?from=2020-01-01&to=2020-02-01`)).toEqual([]);
  });

  test('one room’s runs with its checks and figures', async () => {
    const runs = await getJson<RoomRun[]>(`${hub.httpUrl}/api/rooms/${ROOM}/rehearsals`);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.rehearsal.id).toBe(runId);
    expect(runs[0]!.attempt).toMatchObject({ roomId: ROOM, answered: true, verdict: 'go' });
    expect(runs[0]!.attempt.checks.find((c) => c.check === 'climate')!.evidence).toMatchObject({
      tempC: expect.any(Number),
    });
    const silent = await getJson<RoomRun[]>(`${hub.httpUrl}/api/rooms/${SILENT}/rehearsals`);
    expect(silent[0]!.attempt).toMatchObject({ answered: false, verdict: 'no-go' });
  });

  test('bad input is named', async () => {
    const bad = async (path: string) =>
      (await apiRequest(hub.httpUrl, 'GET', path)).body as { field: string };
    expect((await bad('/api/rehearsals?kind=drill')).field).toBe('kind');
    expect((await bad('/api/rehearsals?from=2026-02-01&to=2026-01-01')).field).toBe('to');
    expect((await bad('/api/rooms/so-y-te/rehearsals?limit=0')).field).toBe('limit');
    expect((await apiRequest(hub.httpUrl, 'GET', '/api/rooms/atlantis/rehearsals')).status).toBe(404);
  });
});
