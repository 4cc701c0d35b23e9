import { describe, expect, test } from '@jest/globals';
import {
  fromProvinceWall,
  PROVINCE_OFFSET_MS,
  PROVINCE_TIME_ZONE,
  PROVINCE_UTC_OFFSET,
  toProvinceWall,
} from '../../shared/province-time.js';

describe("the province's time zone", () => {
  test('the offset is the one the IANA zone has, in winter and in summer', () => {
    for (const iso of ['2027-01-07T01:00:00Z', '2027-07-07T01:00:00Z']) {
      const hour = new Intl.DateTimeFormat('en-GB', {
        timeZone: PROVINCE_TIME_ZONE,
        hour: '2-digit',
        hourCycle: 'h23',
      }).format(new Date(iso));
      expect(Number(hour)).toBe(1 + PROVINCE_OFFSET_MS / 3_600_000);
    }
    expect(Date.parse(`2027-01-07T08:00:00${PROVINCE_UTC_OFFSET}`)).toBe(
      Date.parse('2027-01-07T08:00:00Z') - PROVINCE_OFFSET_MS,
    );
  });

  test('the wall clock reads the local time, and going back gives the instant', () => {
    const instant = new Date('2027-01-06T17:30:00Z');
    const wall = toProvinceWall(instant);
    expect([wall.getUTCDate(), wall.getUTCHours(), wall.getUTCMinutes()]).toEqual([7, 0, 30]);
    expect(fromProvinceWall(wall).toISOString()).toBe(instant.toISOString());
  });
});
