/**
 * The coming meetings held in memory for the speak requests: read at start, again every interval
 * (a meeting booked on another hub) and when asked (a booking here), and filtered by the caller's
 * window without waiting on the store.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { MeetingsRepo } from '../../hub/schedule/meetings-repo.js';
import { MeetingsSoon } from '../../hub/schedule/meetings-soon.js';
import { type Db, openDatabase } from '../../hub/store/database.js';
import { meetingAt, silentLog } from '../fakes/schedule-fakes.js';
import { VirtualClock } from '../fakes/virtual-clock.js';
import { scheduleSql } from '../helpers/schedule-sql.js';
import { waitFor } from '../helpers/wait.js';

const MIN = 60_000;
const t0 = new Date('2027-01-04T01:00:00.000Z');
const at = (min: number) => new Date(t0.getTime() + min * MIN);

let db: Db;
let meetings: MeetingsRepo;
let clock: VirtualClock;
let soon: MeetingsSoon;

beforeEach(() => {
  db = openDatabase(':memory:');
  meetings = new MeetingsRepo(scheduleSql(db));
  clock = new VirtualClock(t0.toISOString());
  soon = new MeetingsSoon({ meetings, aheadMs: 30 * MIN, refreshMs: MIN, log: silentLog, clock });
});
afterEach(() => {
  soon.stop();
  db.close();
});

const ids = (from: Date, to: Date) => soon.between(from, to).map((m) => m.id);

test('holds what is under way or starts soon, and gives the window asked for', async () => {
  await meetings.insert(meetingAt('now', at(-30), 1), []);
  await meetings.insert(meetingAt('soon', at(20), 1), []);
  await meetings.insert(meetingAt('later', at(600), 1), []);
  await meetings.insert(meetingAt('gone', at(10), 1, { status: 'cancelled' }), []);
  await soon.start();
  expect(ids(t0, at(30))).toEqual(['now', 'soon']);
  expect(ids(t0, at(5))).toEqual(['now']);
  expect(ids(t0, at(600))).toEqual(['now', 'soon']);
});

test('a meeting booked elsewhere is held after the next interval; one booked here at once when asked', async () => {
  await soon.start();
  await meetings.insert(meetingAt('elsewhere', at(10), 1), []);
  expect(ids(t0, at(30))).toEqual([]);
  await clock.advance(MIN);
  await waitFor('the read of the next interval', async () => ids(at(1), at(31)).includes('elsewhere'));

  await meetings.insert(meetingAt('here', at(20), 1), []);
  await soon.refresh();
  expect(ids(at(1), at(31))).toEqual(['elsewhere', 'here']);
});

test('a meeting entering the window between two reads is already held', async () => {
  // Starts 31 min after the first read: outside the warm-up then, inside it half a minute later.
  await meetings.insert(meetingAt('edge', at(31), 1), []);
  await soon.start();
  await clock.advance(MIN / 2);
  expect(ids(at(0.5), at(30.5))).toEqual([]);
  await clock.advance(MIN / 4);
  expect(ids(at(1.5), at(31.5))).toEqual(['edge']);
});
