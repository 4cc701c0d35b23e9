import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { ScheduleCache } from '../../agent/power/schedule-cache.js';
import { createLogger } from '../../shared/logger.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('hnth-schedule-');
afterAll(() => dir.remove());
const log = createLogger('test', 'silent');
const now = () => new Date('2026-12-01T00:00:00.000Z');
let n = 0;
const fresh = () => path.join(dir.path, `case-${n++}`, 'schedule-tinh-uy.json');

const meeting = {
  id: 'm1',
  kind: 'meeting',
  start: '2026-12-01T02:00:00.000Z',
  end: '2026-12-01T04:00:00.000Z',
  emergency: false,
};
const message = (ts: string, items: object[] = [meeting]) => Buffer.from(JSON.stringify({ v: 1, ts, items }));

describe('schedule cache', () => {
  test('a valid schedule is cached and survives a restart', () => {
    const file = fresh();
    const cache = new ScheduleCache(file, log, now);
    expect(cache.accept(message('2026-11-30T10:00:00.000Z'))).toEqual({ ok: true, changed: true });
    expect(readdirSync(path.dirname(file))).toEqual(['schedule-tinh-uy.json']);
    const restarted = new ScheduleCache(file, log, now);
    restarted.load();
    expect(restarted.items).toEqual([meeting]);
    expect(restarted.receivedAt).toEqual(now());
  });

  test('the same schedule again is not a change; an older one is ignored', () => {
    const cache = new ScheduleCache(fresh(), log, now);
    cache.accept(message('2026-11-30T10:00:00.000Z'));
    expect(cache.accept(message('2026-11-30T11:00:00.000Z'))).toEqual({ ok: true, changed: false });
    expect(cache.accept(message('2026-11-30T09:00:00.000Z', []))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/older than/),
    });
    expect(cache.items).toEqual([meeting]);
  });

  test.each([
    ['not JSON', Buffer.from('{"v":1,'), /malformed JSON/],
    [
      'wrong version',
      Buffer.from(JSON.stringify({ v: 2, ts: '2026-11-30T10:00:00.000Z', items: [] })),
      /^v: /,
    ],
    [
      'an item without an end',
      Buffer.from(
        JSON.stringify({ v: 1, ts: '2026-11-30T10:00:00.000Z', items: [{ ...meeting, end: undefined }] }),
      ),
      /^items\.0\.end/,
    ],
    [
      'meeting titles, which stay at the hub',
      Buffer.from(
        JSON.stringify({ v: 1, ts: '2026-11-30T10:00:00.000Z', items: [{ ...meeting, title: 'x' }] }),
      ),
      /title/,
    ],
  ])('%s is rejected with the reason, and the cache kept', (_name, payload, reason) => {
    const file = fresh();
    const cache = new ScheduleCache(file, log, now);
    cache.accept(message('2026-11-30T10:00:00.000Z'));
    const before = readFileSync(file, 'utf8');
    expect(cache.accept(payload)).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(cache.items).toEqual([meeting]);
  });

  test('a damaged or missing file is an empty schedule, not a crash', () => {
    const missing = new ScheduleCache(fresh(), log, now);
    missing.load();
    expect(missing.items).toEqual([]);
    const file = fresh();
    new ScheduleCache(file, log, now).accept(message('2026-11-30T10:00:00.000Z'));
    writeFileSync(file, '{"receivedAt": "2026-11-30T10:00:00.000Z", "message": {"v": 1,');
    const damaged = new ScheduleCache(file, log, now);
    damaged.load();
    expect(damaged.items).toEqual([]);
    expect(existsSync(file)).toBe(true);
  });

  test('a data folder that cannot be written keeps the schedule in memory', () => {
    const blocker = path.join(dir.path, 'blocker');
    writeFileSync(blocker, 'a file where a folder should be');
    const cache = new ScheduleCache(path.join(blocker, 'schedule-tinh-uy.json'), log, now);
    expect(cache.accept(message('2026-11-30T10:00:00.000Z'))).toEqual({ ok: true, changed: true });
    expect(cache.items).toEqual([meeting]);
  });
});
