import { describe, expect, test } from '@jest/globals';
import { CommandError, CommandRouter } from '../../agent/commands/command-router.js';
import { createLogger } from '../../shared/logger.js';
import type { ReplyMessage } from '../../shared/schemas.js';

const now = new Date('2026-11-30T03:00:00.000Z');

function command(id: string, args: Record<string, unknown> = {}, expiresAt = '2026-11-30T03:01:00.000Z') {
  return Buffer.from(JSON.stringify({ v: 1, id, ts: now.toISOString(), expiresAt, args }));
}

function setup() {
  const replies: ReplyMessage[] = [];
  const router = new CommandRouter(
    (r) => replies.push(r),
    createLogger('test', 'silent'),
    () => now,
  );
  let runs = 0;
  router.register('power.on', async (args) => {
    runs++;
    if (args.refuse) throw new CommandError('refused', 'a call is active');
    if (args.crash) throw new Error('relay stuck');
    return { power: 'on' };
  });
  return { router, replies, runs: () => runs };
}

describe('command router', () => {
  test('runs a known command and replies with its result', async () => {
    const { router, replies } = setup();
    await router.handle('power.on', command('c1'));
    expect(replies).toEqual([
      { v: 1, id: 'c1', name: 'power.on', ok: true, result: { power: 'on' }, ts: now.toISOString() },
    ]);
  });

  test.each([
    [
      'an expired command is not executed',
      'power.on',
      command('c2', {}, '2026-11-30T02:59:59.999Z'),
      'expired',
      0,
    ],
    ['an unknown command', 'coffee.make', command('c3'), 'unknown-command', 0],
    ['a refusal from the handler', 'power.on', command('c4', { refuse: true }), 'refused', 1],
    ['a failure of the handler', 'power.on', command('c5', { crash: true }), 'failed', 1],
  ])('%s gets an error reply', async (_name, name, payload, code, runs) => {
    const s = setup();
    await s.router.handle(name, payload);
    expect(s.replies).toHaveLength(1);
    expect(s.replies[0]).toMatchObject({ ok: false, error: { code } });
    expect(s.runs()).toBe(runs);
  });

  test('a repeated id gets the first reply again without running twice', async () => {
    const s = setup();
    await s.router.handle('power.on', command('same'));
    await s.router.handle('power.on', command('same'));
    expect(s.runs()).toBe(1);
    expect(s.replies).toHaveLength(2);
    expect(s.replies[1]).toEqual(s.replies[0]);
  });

  test('a malformed command gets no reply and runs nothing', async () => {
    const s = setup();
    await s.router.handle('power.on', Buffer.from('{"v":1,"id":"x"}'));
    await s.router.handle('power.on', Buffer.from('not json'));
    expect(s.replies).toEqual([]);
    expect(s.runs()).toBe(0);
  });
});
