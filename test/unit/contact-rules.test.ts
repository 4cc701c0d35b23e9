import { describe, expect, test } from '@jest/globals';
import { checkContactInput, staleness } from '../../hub/contacts/contact-rules.js';

const now = new Date('2026-11-30T03:00:00.000Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();

describe('stale contacts (art. 4.3)', () => {
  const cases: [string, { confirmedAt: string; bounced: boolean }, number, boolean, string[]][] = [
    ['confirmed today', { confirmedAt: now.toISOString(), bounced: false }, 180, false, []],
    ['confirmed 179 days ago', { confirmedAt: daysAgo(179), bounced: false }, 180, false, []],
    [
      'confirmed exactly 180 days ago',
      { confirmedAt: daysAgo(180), bounced: false },
      180,
      true,
      ['not confirmed for 180 days'],
    ],
    [
      'confirmed 400 days ago',
      { confirmedAt: daysAgo(400), bounced: false },
      180,
      true,
      ['not confirmed for 400 days'],
    ],
    ['fresh but bounced', { confirmedAt: daysAgo(2), bounced: true }, 180, true, ['email bounced']],
    [
      'old and bounced',
      { confirmedAt: daysAgo(200), bounced: true },
      180,
      true,
      ['email bounced', 'not confirmed for 200 days'],
    ],
    [
      'a shorter configured limit',
      { confirmedAt: daysAgo(31), bounced: false },
      30,
      true,
      ['not confirmed for 31 days'],
    ],
  ];
  test.each(cases)('%s', (_name, contact, maxDays, stale, reasons) => {
    expect(staleness(contact, now, maxDays)).toEqual({ stale, reasons });
  });
});

describe('contact input', () => {
  const good = {
    name: 'Nguyễn Văn An',
    unit: 'UBND huyện Na Hang',
    position: 'Chuyên viên CNTT',
    phone: '0912 345 678',
    email: 'an.nv@tuyenquang.gov.vn',
  };
  test('a complete contact passes, trimmed', () => {
    const r = checkContactInput({ ...good, name: '  Nguyễn Văn An ' });
    expect(r).toMatchObject({ ok: true, value: { name: 'Nguyễn Văn An', phone: '0912 345 678' } });
  });
  test.each([
    ['name', { ...good, name: '' }, 'is required'],
    ['unit', { ...good, unit: undefined }, ''],
    ['phone', { ...good, phone: '12345' }, 'phone number'],
    ['phone', { ...good, phone: '+1 212 555 0100' }, 'phone number'],
    ['email', { ...good, email: 'an.nv at tuyenquang' }, 'email address'],
    ['confirmedAt', { ...good, confirmedAt: 'yesterday' }, 'ISO 8601'],
    ['nickname', { ...good, nickname: 'An' }, 'unknown field'],
  ])('a bad %s is named', (field, body, words) => {
    const r = checkContactInput(body);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.field).toBe(field);
      expect(r.error).toContain(words);
    }
  });
  test('+84 numbers pass', () => {
    expect(checkContactInput({ ...good, phone: '+84 207 3822 123' }).ok).toBe(true);
  });
});
