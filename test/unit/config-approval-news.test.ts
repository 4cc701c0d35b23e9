/**
 * A room heard from gets its approved configuration once per agent run; a room with none approved
 * is not asked about at each of its news (a store query per telemetry of every room), only again a
 * minute on, or at once after an approval on this hub.
 */
import { describe, expect, test } from '@jest/globals';
import type { ApprovedConfig, ApprovedConfigsRepo } from '../../hub/codec-config/approved-configs-repo.js';
import { ConfigApproval, NONE_RECHECK_MS } from '../../hub/codec-config/config-approval.js';
import { createLogger } from '../../shared/logger.js';

const ROOM = 'ubnd-yen-son';

function setUp() {
  let now = Date.parse('2026-12-06T08:00:00Z');
  const approvedByRoom = new Map<string, ApprovedConfig>();
  const asked: string[] = [];
  const sent: string[] = [];
  const repo = {
    approved: async (roomId: string) => {
      asked.push(roomId);
      return approvedByRoom.get(roomId) ?? null;
    },
    approve: async (c: ApprovedConfig) => void approvedByRoom.set(c.roomId, c),
    delivered: async () => undefined,
  } as unknown as ApprovedConfigsRepo;
  const approval = new ConfigApproval({
    repo,
    commands: {
      send: async (roomId, name) => {
        sent.push(`${roomId} ${name}`);
        return { roomId, name, id: String(sent.length), ok: true, result: { drifts: [] } };
      },
    },
    audit: { record: async () => ({}) as never },
    noteDrift: () => undefined,
    clock: { now: () => new Date(now) } as never,
    log: createLogger('test', 'silent'),
    timeoutMs: 1000,
  });
  /** The room's news, then every delivery it started settled. */
  const news = async (bootId: string) => {
    approval.onRoom(ROOM, true, bootId);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { approval, asked, sent, news, pass: (ms: number) => (now += ms) };
}

describe('a room heard from and its approved configuration', () => {
  test('none approved: asked at its first news, not at each, and again a minute on', async () => {
    const { asked, news, pass } = setUp();
    await news('boot-1');
    for (let i = 0; i < 10; i++) {
      pass(5000);
      await news('boot-1');
    }
    expect(asked).toEqual([ROOM]);
    pass(NONE_RECHECK_MS);
    await news('boot-1');
    expect(asked).toEqual([ROOM, ROOM]);
  });

  test('a new run of its agent is asked at once', async () => {
    const { asked, news } = setUp();
    await news('boot-1');
    await news('boot-2');
    expect(asked).toEqual([ROOM, ROOM]);
  });

  test('approved on this hub: delivered at once, and again at its next news (as always)', async () => {
    const { approval, sent, news } = setUp();
    await news('boot-1');
    const result = await approval.approveTemplate(
      { id: 1, name: 't', kind: 'xapi', values: { 'Video.Input': 'HDMI' } } as never,
      [ROOM],
      'op',
    );
    expect(result[ROOM]?.ok).toBe(true);
    await news('boot-1');
    // Then delivered for this run: its later news send nothing.
    await news('boot-1');
    expect(sent).toEqual([`${ROOM} config.baseline`, `${ROOM} config.baseline`]);
  });
});
