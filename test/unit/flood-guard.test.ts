/**
 * The hub's answer to a room that floods (issue 18.2), with hand-written fakes of its ports: the
 * accounts, the broker's control, the audit log, the incident rules, and time.
 */
import { describe, expect, test } from '@jest/globals';
import { FLOOD_CLEARED, FLOOD_QUIET_MS, FLOOD_RAISED, FloodGuard } from '../../hub/broker/flood-guard.js';
import type { ControlOutcome } from '../../hub/broker/mosquitto-control.js';
import type { AuditOutcome } from '../../hub/security/audit-log.js';
import { createLogger } from '../../shared/logger.js';
import { roomTopic } from '../../shared/topics.js';
import { VirtualClock } from '../fakes/virtual-clock.js';

const A = 'ubnd-ham-yen';
const B = 'ubnd-son-duong';

function setup(external: boolean, control: ControlOutcome = { ok: true }) {
  const clock = new VirtualClock('2026-11-30T01:00:00Z');
  const disabled = new Set<string>();
  const audited: { action: string; details: Record<string, unknown>; outcome?: AuditOutcome }[] = [];
  const edges: [string, string][] = [];
  let refuseWrites = false;
  const guard = new FloodGuard({
    rule: { perSec: 2, burst: 5 },
    recheckMs: 10_000,
    external,
    isRoom: (id) => id === A || id === B,
    credentials: {
      disable: async (roomId) => {
        if (refuseWrites) throw new Error('database is locked');
        disabled.add(roomId);
        return true;
      },
      disabledAccounts: async () => [...disabled],
    },
    control: { apply: async () => control },
    audit: {
      record: (_actor, action, details = {}, outcome) => {
        audited.push({ action, details, outcome });
        return {} as never;
      },
    },
    incidents: { onHubEdge: (roomId, type) => edges.push([roomId, type]) },
    log: createLogger('test', 'silent'),
    clock,
  });
  const send = (room: string, n: number, channel: 'telemetry' | 'status' = 'telemetry') =>
    Array.from({ length: n }, () => guard.admit(roomTopic(room, channel)));
  return {
    clock,
    guard,
    disabled,
    audited,
    edges,
    send,
    refuse: (v: boolean) => {
      refuseWrites = v;
    },
  };
}

describe('behind an external broker', () => {
  test('a room over its rate is cut off: account disabled, broker told, incident raised, audited; others go on', async () => {
    const { clock, guard, disabled, audited, edges, send } = setup(true);
    await guard.start();
    expect(send(A, 7)).toEqual([true, true, true, true, true, false, false]);
    expect(send(B, 5)).toEqual(Array(5).fill(true));
    await clock.advance(0);
    expect([...disabled]).toEqual([A]);
    expect(edges).toEqual([[A, FLOOD_RAISED]]);
    expect(audited).toEqual([
      {
        action: 'mqtt.cut-off',
        details: { roomId: A, broker: 'external', perSec: 2, burst: 5 },
        outcome: undefined,
      },
    ]);
    expect(guard.status()).toEqual({ flooding: [A], droppedMessages: 2 });
    // Its last will still gets through; its other messages are dropped unread.
    expect(send(A, 1, 'status')).toEqual([true]);
    expect(send(A, 1)).toEqual([false]);
    guard.stop();
  });

  test('a broker that cannot be told is audited as failed; the hub still drops the room’s messages', async () => {
    const { clock, guard, audited, send } = setup(true, {
      ok: false,
      code: 'not-configured',
      message: 'no dir',
    });
    await guard.start();
    send(A, 6);
    await clock.advance(0);
    expect(audited.at(-1)?.outcome).toEqual({ result: 'failed', code: 'not-configured' });
    expect(send(A, 3)).toEqual([false, false, false]);
    guard.stop();
  });

  test('a database that refuses the disabling is tried again at the next recheck, the room cut off meanwhile', async () => {
    const { clock, guard, disabled, send, refuse } = setup(true);
    await guard.start();
    refuse(true);
    send(A, 6);
    await clock.advance(0);
    expect([...disabled]).toEqual([]);
    expect(send(A, 1)).toEqual([false]);
    refuse(false);
    await clock.advance(10_000);
    expect([...disabled]).toEqual([A]);
    guard.stop();
  });

  test('a new password (the account enabled again) ends the cut-off and clears the incident', async () => {
    const { clock, guard, disabled, edges, send } = setup(true);
    await guard.start();
    send(A, 6);
    await clock.advance(0);
    disabled.delete(A);
    await clock.advance(10_000);
    expect(edges).toEqual([
      [A, FLOOD_RAISED],
      [A, FLOOD_CLEARED],
    ]);
    expect(guard.status().flooding).toEqual([]);
    expect(send(A, 5)).toEqual(Array(5).fill(true));
    guard.stop();
  });

  test('an account disabled before the hub started is cut off and flagged at start', async () => {
    const { guard, disabled, edges, send } = setup(true);
    disabled.add(B);
    await guard.start();
    expect(edges).toEqual([[B, FLOOD_RAISED]]);
    expect(send(B, 1)).toEqual([false]);
    guard.stop();
  });
});

describe('on the embedded broker (which limits the rate itself)', () => {
  test('the hub counts nothing itself', () => {
    const { send } = setup(false);
    expect(send(A, 50).every(Boolean)).toBe(true);
  });

  test('the broker’s flood disconnects raise the incident once, audited once; it clears after a quiet spell', async () => {
    const { clock, guard, audited, edges } = setup(false);
    await guard.start();
    guard.brokerFlooded(A);
    await clock.advance(60_000);
    guard.brokerFlooded(A);
    expect(edges).toEqual([[A, FLOOD_RAISED]]);
    expect(audited.map((a) => a.action)).toEqual(['mqtt.flood']);
    await clock.advance(FLOOD_QUIET_MS - 10_000);
    expect(edges).toHaveLength(1);
    await clock.advance(20_000);
    expect(edges).toEqual([
      [A, FLOOD_RAISED],
      [A, FLOOD_CLEARED],
    ]);
    guard.stop();
  });
});
