/** The regulation's timings of meetings, rehearsals and inspections (art. 8, 9.3, 11.1). */
import { PROVINCE_TIME_ZONE } from '../../shared/province-time.js';
import { allProblems, positive, type SettingsOf } from '../../shared/settings.js';
import { nextCronTime } from './inspections.js';

export const scheduleSettings = {
  noticeHours: {
    doc: 'Art. 8.1: hours of notice a meeting is registered with, unless an emergency (art. 8.2).',
    format: 'nat',
    default: 48,
  },
  prepMinutes: {
    doc: 'Minutes before the start a meeting holds its rooms for preparation; counted in overlaps (art. 8.3).',
    format: 'nat',
    default: 60,
  },
  rehearsalOffsetsH: {
    doc: 'Art. 9.3: hours before the start at which rehearsals run.',
    format: allProblems((value) =>
      !Array.isArray(value) || value.length === 0 || value.some((h) => typeof h !== 'number' || !(h > 0))
        ? ['must be a non-empty list of hours greater than 0, e.g. [24, 2]']
        : [],
    ),
    default: [24, 2],
  },
  deadlineH: {
    doc: 'Art. 11.1: hours before the start by which checks are complete; rooms still failing then are escalated.',
    format: positive,
    default: 1,
  },
  rehearsalMin: {
    doc: 'Minutes a rehearsal holds the room, as published on its schedule topic and calendar.',
    format: 'nat',
    default: 30,
  },
  warmUpMin: {
    doc: 'Minutes before a meeting or rehearsal that its change freeze begins: the agents’ power.warmUpMin (set both alike).',
    format: 'nat',
    default: 30,
  },
  recheckMin: {
    doc: 'Minutes between re-checks of a room that is not ready, until the deadline (art. 11.1).',
    format: positive,
    default: 5,
    env: 'HNTH_RECHECK_MIN',
  },
  rehearseTimeoutSec: {
    doc: 'Seconds a room has to answer the rehearse command, its power-on and the codec’s boot included (the agents’ probes.codec.bootDeadlineSec, 180 by default, must fit in it).',
    format: positive,
    default: 300,
  },
  powerOnTimeoutSec: {
    doc: 'Seconds a room has to answer power.on (its equipment may take that long to boot).',
    format: positive,
    default: 60,
  },
  inspectionCron: {
    doc: `Art. 11.1: when the whole fleet is inspected, as cron in ${PROVINCE_TIME_ZONE}; empty for never.`,
    format: (value: unknown) => {
      if (typeof value !== 'string') throw new Error('must be a cron expression (0 7 * * 1) or empty');
      if (value === '') return;
      try {
        nextCronTime(value, new Date());
      } catch (err) {
        throw new Error(`${(err as Error).message}; fix the cron expression (0 7 * * 1: Mondays at 07:00)`);
      }
    },
    default: '0 7 * * 1',
    env: 'HNTH_INSPECTION_CRON',
  },
};

export type ScheduleSettings = SettingsOf<typeof scheduleSettings>;
