/**
 * A rehearsal as a rooms × checks matrix (art. 9.3): each cell the check's result as a mark and a
 * word, with the figures and limits in words beneath (check-text.ts); a room that did not answer
 * says why; each room's verdict. Shared by the rehearsals page, the meeting page and a room's
 * history. `withAttempt` applies a live attempt to a report.
 */
import type { RehearsalReport, RoomRow } from '../../schedule/rehearsal-report.js';
import type { Attempt } from '../../schedule/rehearsals-repo.js';
import type { AppContext } from './app-context.js';
import { callFigures } from './call-figures.js';
import { checkText } from './check-text.js';
import { h, scrollBox } from './dom.js';
import { t } from './i18n/i18n.js';
import { attemptErrorText } from './rehearsal-text.js';
import { rehearsalCheckNames } from './vocabulary.js';

type CheckName = (typeof rehearsalCheckNames)[number];
const marks = { pass: '✓', marginal: '!', fail: '✗', 'not-run': '—' } as const;

export function checkCell(attempt: Attempt | null, check: CheckName): HTMLElement {
  if (!attempt) return h('td', { class: 'pending' }, '…');
  const c = attempt.checks.find((x) => x.check === check);
  if (!c) return h('td', { class: 'st-not-run' }, '—');
  const figures = callFigures(c);
  return h(
    'td',
    { class: `st-${c.status}`, 'data-check': check },
    h('span', { class: 'mark' }, `${marks[c.status]} ${t(`check.${c.status}`)}`),
    h('span', { class: 'check-detail' }, checkText(c)),
    figures.length > 0
      ? h(
          'ul',
          { class: 'figures' },
          figures.map((f) => h('li', {}, f)),
        )
      : null,
  );
}

/** The cells of a room's row: its checks, or why it gave none. */
export function attemptCells(attempt: Attempt | null): HTMLElement[] {
  if (attempt && !attempt.answered)
    return [
      h(
        'td',
        { class: 'st-fail', colspan: rehearsalCheckNames.length },
        `✗ ${t('rehearsals.noAnswer')}`,
        h('span', { class: 'check-detail' }, attemptErrorText(attempt.error)),
      ),
    ];
  return rehearsalCheckNames.map((c) => checkCell(attempt, c));
}

export function verdictCell(verdict: RoomRow['verdict']): HTMLElement {
  return h(
    'td',
    { class: `verdict v-${verdict ?? 'pending'}` },
    t(verdict ? `verdict.${verdict}` : 'verdict.pending'),
  );
}

export function checkHeads(): HTMLElement[] {
  return rehearsalCheckNames.map((c) => h('th', { scope: 'col' }, t(`check.${c}`)));
}

export function matrix(app: AppContext, report: RehearsalReport): HTMLElement {
  return scrollBox(
    t('rehearsals.matrixLabel'),
    h(
      'table',
      { class: 'matrix', 'data-rehearsal': report.id },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, t('rehearsals.room')),
          checkHeads(),
          h('th', { scope: 'col' }, t('rehearsals.verdict')),
        ),
      ),
      h(
        'tbody',
        {},
        report.rooms.map((row) =>
          h(
            'tr',
            { 'data-room': row.roomId },
            h(
              'th',
              { scope: 'row' },
              h('a', { href: `#/room/${encodeURIComponent(row.roomId)}` }, app.roomName(row.roomId)),
            ),
            attemptCells(row.latest),
            verdictCell(row.verdict),
          ),
        ),
      ),
    ),
  );
}

/** Applies a live attempt to a report: the room's row takes its latest attempt. */
export function withAttempt(report: RehearsalReport, attempt: Attempt): RehearsalReport {
  return {
    ...report,
    rooms: report.rooms.map((r) =>
      r.roomId === attempt.roomId && (!r.latest || attempt.attempt >= r.latest.attempt)
        ? { ...r, latest: attempt, verdict: attempt.verdict, attempts: Math.max(r.attempts, attempt.attempt) }
        : r,
    ),
  };
}
