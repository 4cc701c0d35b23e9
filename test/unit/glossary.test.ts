/**
 * One language: the dashboard's catalogue and the yearly report (page and CSV) use the regulation's
 * words from hub/glossary.ts and none of the synonyms it rules out ("diễn tập" for "chạy thử",
 * "sát ngưỡng" for "có rủi ro"), every term of the glossary is used by the catalogue, and the
 * English catalogue has a word wherever the Vietnamese one has.
 */
import { describe, expect, test } from '@jest/globals';
import { allTerms, avoidedWords, causeNames, glossary } from '../../hub/glossary.js';
import { reportCsv } from '../../hub/report/report-csv.js';
import { reportHtml } from '../../hub/report/report-html.js';
import { buildYearlyReport } from '../../hub/report/yearly-report.js';
import { en } from '../../hub/web/src/i18n/en.js';
import { vi } from '../../hub/web/src/i18n/vi.js';

const lower = (text: string) => text.toLocaleLowerCase('vi');

/** Every avoided word a text uses, with the word to use instead. */
function misused(text: string): string[] {
  const words = lower(text);
  return avoidedWords()
    .filter(({ avoid }) => new RegExp(`(^|[^\\p{L}])${avoid}($|[^\\p{L}])`, 'u').test(words))
    .map(({ avoid, use }) => `"${avoid}" (use "${use}")`);
}

const report = buildYearlyReport({
  period: { from: '2025-12-31T17:00:00.000Z', to: '2026-12-31T17:00:00.000Z' },
  now: new Date('2027-01-05T00:00:00Z'),
  rooms: [{ id: 'tinh-uy', name: 'Văn phòng Tỉnh ủy' }],
  transitions: [{ roomId: 'tinh-uy', level: 'READY', at: '2026-01-01T00:00:00.000Z' }],
  meetings: [],
  callResults: [],
  rehearsalResults: [
    {
      rehearsalId: 'r1',
      kind: 'rehearsal',
      roomId: 'tinh-uy',
      startedAt: '2026-03-01T00:00:00Z',
      verdict: 'go',
    },
  ],
  incidents: [
    {
      roomId: 'tinh-uy',
      cause: 'codec.down',
      openedAt: '2026-03-01T00:00:00Z',
      closedAt: '2026-03-01T00:30:00Z',
      recoverSec: 1800,
    },
  ],
  energy: [],
});

describe('the glossary', () => {
  test('the Vietnamese catalogue uses none of the synonyms the glossary rules out', () => {
    const found = Object.entries(vi).flatMap(([key, text]) => misused(text).map((m) => `${key}: ${m}`));
    expect(found).toEqual([]);
  });

  test('the printable report and its CSV use none of them either', () => {
    expect(misused(reportHtml(report, 'Báo cáo năm 2026'))).toEqual([]);
    expect(misused(reportCsv(report))).toEqual([]);
  });

  test('the report names causes and rehearsals as the dashboard does', () => {
    const html = reportHtml(report, 'Báo cáo năm 2026');
    expect(html).toContain(causeNames['codec.down'].vi);
    expect(vi['incidentCause.codec.down']).toBe(causeNames['codec.down'].vi);
    expect(html).toContain('Chạy thử');
    expect(vi['nav.rehearsals']).toBe('Chạy thử');
    expect(reportCsv(report)).toContain(`Sự cố: ${causeNames['codec.down'].vi}`);
  });

  test('every term of the glossary is used by the catalogue', () => {
    const catalogue = lower(Object.values(vi).join('\n'));
    const unused = allTerms().filter((term) => !catalogue.includes(lower(term.vi)));
    expect(unused.map((t) => t.vi)).toEqual([]);
  });

  test('the regulation’s core words are the glossary’s', () => {
    expect(glossary.room.vi).toBe('điểm cầu');
    expect(glossary.rehearsal.vi).toBe('chạy thử');
    expect(glossary.hostRoom.vi).toBe('điểm cầu chính');
  });

  test('no English catalogue entry is left empty or in Vietnamese by mistake', () => {
    const vietnamese = /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/iu;
    const wrong = Object.entries(en).filter(
      ([key, text]) => text.trim() === '' || (vietnamese.test(text) && key !== 'nav.language'),
    );
    expect(wrong).toEqual([]);
  });
});
