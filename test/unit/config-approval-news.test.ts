/**
 * A room heard from gets its approved configuration once per agent run. Which rooms have one is read
 * for the whole fleet at once and trusted for a minute, not read room by room at each of their news
 * (a store query per telemetry of every room without one); an approval on this hub is known at once.
 */
import { describe, expect, test } from '@jest/globals';
import type { ApprovedConfig, ApprovedConfigsRepo } from '../../hub/codec-config/approved-configs-repo.js';
import { APPROVED_ROOMS_MS, ConfigApproval } from '../../hub/codec-config/config-approval.js';
import { createLogger } from '../../shared/logger.js';

const ROOMS = ['ubnd-yen-son', 'ubnd-son-duong', 'ubnd-tinh'];
const [ROOM] = ROOMS as [string];

function setUp() {
  let now = Date.parse('2026-12-06T08:00:00Z');
  const approvedByRoom = new Map<string, ApprovedConfig>();
  /** Each store read: `*` for the list of rooms, else the room read. */
  const reads: string[] = [];
  let failNextList = false;
  const sent: string[] = [];
  const errors: string[] = [];
  const repo = {
    approvedRoomIds: async () => {
      reads.push('*');
      if (failNextList) {
        failNextList = false;
        throw new Error('timeout exceeded when trying to connect');
      }
      return [...approvedByRoom.keys()];
    },
    approved: async (roomId: string) => {
      reads.push(roomId);
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
    log: Object.assign(createLogger('test', 'silent'), {
      error: (_: unknown, msg: string) => void errors.push(msg),
    }),
    timeoutMs: 1000,
  });
  /** News of rooms (a boot each), then every delivery it started settled. */
  const news = async (bootId: string, rooms = [ROOM]) => {
    for (const roomId of rooms) approval.onRoom(roomId, true, bootId);
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  const approve = (roomId: string) =>
    approval.approveTemplate(
      { id: 1, name: 't', kind: 'xapi', values: { 'Video.Input': 'HDMI' } } as never,
      [roomId],
      'op',
    );
  return {
    reads,
    sent,
    errors,
    news,
    approve,
    approvedElsewhere: (roomId: string) => approvedByRoom.set(roomId, { roomId } as ApprovedConfig),
    failNextList: () => (failNextList = true),
    pass: (ms: number) => (now += ms),
  };
}

describe('a room heard from and its approved configuration', () => {
  test('none approved: one read for the fleet, not one per room at each of its news', async () => {
    const { reads, news, pass } = setUp();
    await news('boot-1', ROOMS);
    for (let i = 0; i < 10; i++) {
      pass(5000);
      await news('boot-1', ROOMS);
    }
    expect(reads).toEqual(['*']);
    pass(APPROVED_ROOMS_MS);
    await news('boot-1', ROOMS);
    expect(reads).toEqual(['*', '*']);
  });

  test('approved on another hub: delivered at the room’s news once the list is read again', async () => {
    const { sent, news, pass, approvedElsewhere } = setUp();
    await news('boot-1');
    approvedElsewhere(ROOM);
    await news('boot-1');
    expect(sent).toEqual([]);
    pass(APPROVED_ROOMS_MS);
    await news('boot-1');
    expect(sent).toEqual([`${ROOM} config.baseline`]);
  });

  test('approved on this hub: delivered at once, and again at its next news (as always), then not', async () => {
    const { sent, news, approve } = setUp();
    await news('boot-1');
    expect((await approve(ROOM))[ROOM]?.ok).toBe(true);
    await news('boot-1');
    await news('boot-1');
    expect(sent).toEqual([`${ROOM} config.baseline`, `${ROOM} config.baseline`]);
  });

  test('a new run of its agent gets it again; a list that failed to read is read again at the next news', async () => {
    const { sent, news, approve, failNextList, reads, errors } = setUp();
    await approve(ROOM);
    failNextList();
    await news('boot-1', ROOMS);
    expect(sent).toEqual([`${ROOM} config.baseline`]);
    // Said once, not once per room waiting on that read.
    expect(errors).toEqual(['rooms with an approved configuration not read']);
    await news('boot-1');
    await news('boot-2');
    expect(sent).toEqual([`${ROOM} config.baseline`, `${ROOM} config.baseline`, `${ROOM} config.baseline`]);
    expect(reads.filter((r) => r === '*')).toEqual(['*', '*']);
    expect(errors).toHaveLength(1);
  });
});
