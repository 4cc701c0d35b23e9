/**
 * The room's remote actions (codec restart, controller reboot) as a table: refused during a call and
 * inside a booked item's change freeze unless forced, answered before a reboot happens; in a room
 * without power control, standby and wake refused saying why the codec cannot sleep on command.
 */
import { describe, expect, test } from '@jest/globals';
import { CommandRouter } from '../../agent/commands/command-router.js';
import type { ScheduleItem } from '../../agent/power/power-intents.js';
import { POLY_NO_STANDBY } from '../../agent/probes/codec-poly.js';
import { registerRemoteCommands } from '../../agent/remote/remote-commands.js';
import { createLogger } from '../../shared/logger.js';
import type { ReplyMessage } from '../../shared/schemas.js';
import { FakeClock } from '../fakes/fake-clock.js';

const now = new Date('2027-01-07T00:40:00.000Z');
const meeting: ScheduleItem = {
  id: 'm-1',
  kind: 'meeting',
  start: '2027-01-07T01:00:00.000Z',
  end: '2027-01-07T04:00:00.000Z',
  emergency: false,
};

function setup(
  options: { inCall?: boolean; frozenBy?: ScheduleItem | null; codec?: boolean; noStandby?: string } = {},
) {
  const replies: ReplyMessage[] = [];
  const journal: string[] = [];
  const clock = new FakeClock(now);
  const router = new CommandRouter((r) => replies.push(r), createLogger('test', 'silent'), clock.now);
  registerRemoteCommands(router, {
    codec:
      options.codec === false
        ? null
        : {
            restart: async () => {
              journal.push('codec restarted');
              return { ok: true, value: null };
            },
          },
    reboot: async () => {
      journal.push('controller rebooted');
    },
    frozenBy: () => options.frozenBy ?? null,
    inCall: () => options.inCall ?? false,
    clock,
    log: createLogger('test', 'silent'),
    ...(options.noStandby ? { noStandby: options.noStandby } : {}),
  });
  const send = async (name: string, args: Record<string, unknown> = {}) => {
    await router.handle(
      name,
      Buffer.from(
        JSON.stringify({
          v: 1,
          id: `${name}-${replies.length}`,
          ts: now.toISOString(),
          expiresAt: '2027-01-07T01:00:00.000Z',
          args,
        }),
      ),
    );
    return replies.at(-1)!;
  };
  return { send, journal, clock };
}

describe('remote actions on the room', () => {
  test.each([
    ['codec.restart', {}, {}, true, 'codec restarted'],
    [
      'codec.restart',
      { inCall: true },
      {},
      false,
      /^a call is in progress; send force: true to restart the codec/,
    ],
    ['codec.restart', { inCall: true }, { force: true }, true, 'codec restarted'],
    [
      'codec.restart',
      { frozenBy: meeting },
      {},
      false,
      /^change freeze: meeting m-1 from 2027-01-07T01:00:00.000Z/,
    ],
    [
      'codec.restart',
      { frozenBy: meeting },
      { force: true, reason: 'màn hình treo' },
      true,
      'codec restarted',
    ],
    ['codec.restart', { codec: false }, {}, false, /cannot restart the codec/],
    [
      'controller.reboot',
      { frozenBy: meeting },
      {},
      false,
      /^change freeze: .*to reboot the controller anyway$/,
    ],
    ['controller.reboot', { inCall: true }, {}, false, /^a call is in progress/],
  ] as const)('%s with %j, sent %j', async (name, options, args, ok, said) => {
    const t = setup(options);
    const reply = await t.send(name, args);
    expect(reply.ok).toBe(ok);
    if (ok) expect(t.journal).toEqual([said]);
    else {
      expect(reply.error?.code).toBe('refused');
      expect(reply.error?.message).toMatch(said);
      expect(t.journal).toEqual([]);
    }
  });

  test('a reboot is answered first, done a moment later', async () => {
    const t = setup();
    const reply = await t.send('controller.reboot', { reason: 'cập nhật' });
    expect(reply).toMatchObject({ ok: true, result: { rebooting: true, inSec: 2 } });
    expect(t.journal).toEqual([]);
    expect(t.clock.pendingTimers).toBe(1);
  });

  test('a room without power control refuses standby and wake, saying why, even forced', async () => {
    const t = setup({ noStandby: POLY_NO_STANDBY });
    for (const [name, args] of [
      ['standby', {}],
      ['standby', { force: true, reason: 'tiết kiệm điện' }],
      ['wake', {}],
    ] as const) {
      const reply = await t.send(name, args);
      expect(reply.ok).toBe(false);
      expect(reply.error).toEqual({
        code: 'refused',
        message:
          'no codec standby: this room’s Poly codec takes no standby or wake through its REST API (it sleeps on its own timer)',
      });
    }
  });

  test('a room with power control leaves standby and wake to it', async () => {
    expect((await setup().send('standby')).error?.code).toBe('unknown-command');
  });

  test('unknown arguments are named', async () => {
    expect((await setup().send('codec.restart', { now: true })).error).toMatchObject({ code: 'bad-args' });
  });
});
