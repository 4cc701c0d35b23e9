import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { loadHubConfig } from '../../hub/config.js';
import { InspectionSchedule } from '../../hub/schedule/inspections.js';
import { rooms } from '../../shared/fleet.js';
import { RecordingRunner, silentLog } from '../fakes/schedule-fakes.js';

describe('periodic inspections of the fleet (art. 11.1), in fake time', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  test('run on the cron schedule in Asia/Ho_Chi_Minh, over every room, without a deadline', () => {
    // Monday 30 Nov 2026, 23:00 UTC = Tuesday 06:00 in Vietnam (UTC+7).
    jest.useFakeTimers({ now: new Date('2026-11-30T23:00:00.000Z') });
    const runner = new RecordingRunner();
    const inspections = new InspectionSchedule({
      cron: '0 7 * * 2',
      roomIds: rooms.map((r) => r.id),
      runner,
      log: silentLog,
    });
    inspections.start();
    // 07:00 Tuesday in Vietnam is 00:00 UTC.
    expect(inspections.nextAt()?.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    jest.advanceTimersByTime(60 * 60_000 - 1);
    expect(runner.started).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(runner.started).toHaveLength(1);
    expect(runner.started[0]).toMatchObject({
      kind: 'inspection',
      meetingId: null,
      hostRoomId: null,
      deadline: null,
    });
    expect(runner.started[0]?.roomIds).toHaveLength(28);
    expect(inspections.nextAt()?.toISOString()).toBe('2026-12-08T00:00:00.000Z');
    inspections.stop();
  });

  test('an empty schedule plans nothing', () => {
    const inspections = new InspectionSchedule({
      cron: '',
      roomIds: ['so-y-te'],
      runner: new RecordingRunner(),
      log: silentLog,
    });
    inspections.start();
    expect(inspections.nextAt()).toBeNull();
  });

  test('a cron expression that cannot be read stops the hub when its settings load, naming the key and the value', () => {
    expect(() => loadHubConfig({ env: { HNTH_INSPECTION_CRON: 'every monday' } })).toThrow(
      /schedule\.inspectionCron: .*fix the cron expression.*: value was "every monday"/,
    );
  });
});
