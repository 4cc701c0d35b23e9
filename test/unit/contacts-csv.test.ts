import { describe, expect, test } from '@jest/globals';
import type { Contact } from '../../hub/contacts/contact-rules.js';
import { contactsToCsv, parseContactsCsv } from '../../hub/contacts/contacts-csv.js';
import { builtInFleet } from '../../shared/fleet.js';

const now = new Date('2026-11-30T03:00:00.000Z');
const contacts: Contact[] = [
  {
    kind: 'room',
    ownerId: 'ubnd-na-hang',
    name: 'Nguyễn Văn An',
    unit: 'UBND huyện Na Hang, Phòng Văn hóa',
    position: 'Chuyên viên "CNTT"',
    phone: '0912 345 678',
    email: 'an.nv@tuyenquang.gov.vn',
    updatedAt: '2026-06-01T01:00:00.000Z',
    confirmedAt: '2026-06-02T01:00:00.000Z',
    bounced: false,
  },
  {
    kind: 'partner',
    ownerId: 'vnpt-tuyen-quang',
    name: 'Trần Thị Bình',
    unit: 'Viễn thông Tuyên Quang',
    position: '',
    phone: '+84 207 3822 123',
    email: 'binh.tt@vnpt.vn',
    updatedAt: '2025-01-01T00:00:00.000Z',
    confirmedAt: '2025-01-01T00:00:00.000Z',
    bounced: true,
  },
];

const header = 'kind,id,name,unit,position,phone,email,updatedAt,confirmedAt,bounced';

describe('contacts CSV', () => {
  test('round trip: export, import, export gives the same contacts and the same text', () => {
    const csv = contactsToCsv(contacts);
    expect(csv.split('\n')[0]).toBe(header);
    const parsed = parseContactsCsv(csv, now, builtInFleet);
    expect(parsed).toEqual({ ok: true, contacts });
    if (parsed.ok) expect(contactsToCsv(parsed.contacts)).toBe(csv);
  });

  test('a hand-made file without times or bounce flag dates its rows now, with Excel’s BOM', () => {
    const csv = `\uFEFFkind,id,name,unit,phone,email\nroom,so-y-te,Lê Văn Cường,Sở Y tế,0987654321,cuong@syt.gov.vn\n`;
    const parsed = parseContactsCsv(csv, now, builtInFleet);
    expect(parsed).toMatchObject({
      ok: true,
      contacts: [
        {
          ownerId: 'so-y-te',
          position: '',
          updatedAt: now.toISOString(),
          confirmedAt: now.toISOString(),
          bounced: false,
        },
      ],
    });
  });

  test('every bad row is named by its line and field, and nothing is taken', () => {
    const csv = [
      header,
      'room,ubnd-na-hang,An,UBND,0912345678,an@tq.gov.vn,,,,',
      'room,atlantis,An,UBND,,0912345678,an@tq.gov.vn,,,',
      'room,so-y-te,An,UBND,,12,an@tq.gov.vn,,,',
      'room,so-cong-thuong,An,UBND,,0912345678,not-an-email,,,',
      'vendor,so-y-te,An,UBND,,0912345678,an@tq.gov.vn,,,',
      'room,so-tu-phap,An,UBND,,0912345678,an@tq.gov.vn,,,maybe',
      'room,so-khcn,An,UBND,,0912345678,an@tq.gov.vn,,,',
      'room,so-khcn,An,UBND,,0912345678,an@tq.gov.vn,,,',
      'room,so-tnmt,An,UBND,,0912345678,an@tq.gov.vn,2026-13-01,,',
    ].join('\n');
    const parsed = parseContactsCsv(csv, now, builtInFleet);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    // Each with a code the dashboard says in words.
    expect(parsed.errors.map((e) => [e.line, e.field, e.code])).toEqual([
      [2, 'phone', 'phone'],
      [3, 'id', 'unknown-owner'],
      [4, 'phone', 'phone'],
      [5, 'email', 'email'],
      [6, 'kind', 'kind'],
      [7, 'bounced', 'bounced'],
      [9, 'id', 'duplicate'],
      [10, 'updatedAt', 'time'],
    ]);
    expect(parsed.errors[6]!.error).toContain('already on line 8');
  });

  test('broken CSV (a row with too many cells, an open quote) is reported with its line', () => {
    const extra = parseContactsCsv(
      `${header}\nroom,so-y-te,An,UBND,,0912345678,an@tq.gov.vn,,,,extra\n`,
      now,
      builtInFleet,
    );
    expect(extra).toMatchObject({ ok: false, errors: [{ line: 2, field: '(file)' }] });
    const quote = parseContactsCsv(
      `${header}\nroom,so-y-te,"An,UBND,,0912345678,an@tq.gov.vn,,,\n`,
      now,
      builtInFleet,
    );
    expect(quote.ok).toBe(false);
  });

  test('a missing column and an empty file are refused', () => {
    expect(
      parseContactsCsv('kind,id,name,unit,phone\nroom,so-y-te,An,UBND,0912345678\n', now, builtInFleet),
    ).toMatchObject({
      ok: false,
      errors: [{ line: 1, field: 'email' }],
    });
    expect(parseContactsCsv(`${header}\n`, now, builtInFleet)).toMatchObject({
      ok: false,
      errors: [{ line: 1, error: 'no contact rows' }],
    });
  });
});
