import { describe, expect, test } from '@jest/globals';
import { foldLine, icsCalendar, icsText } from '../../hub/schedule/ics-writer.js';

describe('iCalendar text (RFC 5545) in the province’s time', () => {
  const text = icsCalendar('Lịch họp HNTH', [
    {
      uid: 'm1@hnth',
      start: new Date('2027-01-07T01:00:00.000Z'),
      end: new Date('2027-01-07T04:00:00.000Z'),
      stamp: new Date('2027-01-04T02:00:00.000Z'),
      summary: 'Họp UBND; quý I, 2027',
      description: 'Điểm cầu: UBND tỉnh\nUBND huyện Yên Sơn',
    },
  ]);
  const lines = text.split('\r\n');

  test('start and end as wall times in Asia/Ho_Chi_Minh, with its VTIMEZONE; DTSTAMP in UTC', () => {
    expect(lines).toContain('DTSTART;TZID=Asia/Ho_Chi_Minh:20270107T080000');
    expect(lines).toContain('DTEND;TZID=Asia/Ho_Chi_Minh:20270107T110000');
    expect(lines).toContain('DTSTAMP:20270104T020000Z');
    expect(text).toMatch(
      /BEGIN:VTIMEZONE\r\nTZID:Asia\/Ho_Chi_Minh\r\nBEGIN:STANDARD\r\n[\s\S]*TZOFFSETTO:\+0700/,
    );
  });

  test('text escaped: semicolons, commas, backslashes, newlines', () => {
    expect(icsText('a;b,c\\d\ne')).toBe('a\\;b\\,c\\\\d\\ne');
    expect(lines).toContain('SUMMARY:Họp UBND\\; quý I\\, 2027');
  });

  test('lines folded at 75 octets, never inside a character, CRLF throughout', () => {
    const long = `DESCRIPTION:${'Điểm cầu Ủy ban nhân dân '.repeat(8)}`;
    const folded = foldLine(long);
    for (const part of folded.split('\r\n')) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
    expect(folded.split('\r\n ').join('')).toBe(long);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
  });
});
