/**
 * A room's rehearsals and inspections of the last year (`GET /api/rooms/:id/rehearsals`), newest
 * first: when, which run (and its meeting, a link), each check in words with its figures, and the
 * room's verdict; kept after the meeting. Under a run whose room placed a test call or a line test,
 * a row that opens on what they measured, channel by channel (call-details.ts).
 */
import { formatTime } from '../../../shared/format-time.js';
import type { RoomRun } from '../../api/rehearsal-history-routes.js';
import { get } from './api.js';
import { errorText } from './api-error-text.js';
import { callDetails } from './call-details.js';
import { h, scrollBox } from './dom.js';
import { t } from './i18n/i18n.js';
import { attemptCells, checkHeads, verdictCell } from './rehearsal-matrix.js';
import { slotText } from './rehearsal-text.js';
import { rehearsalCheckNames } from './vocabulary.js';

function runName(run: RoomRun): (HTMLElement | string)[] {
  const name = [formatTime(run.rehearsal.startedAt), h('br'), slotText(run.rehearsal.slot)];
  if (!run.rehearsal.meetingId) return name;
  return [
    ...name,
    h('br'),
    h('a', { href: `#/meeting/${encodeURIComponent(run.rehearsal.meetingId)}` }, run.meetingTitle ?? '—'),
  ];
}

/** The run's test call and line test, closed until asked for; null when the room placed neither. */
function callsRow(run: RoomRun): HTMLElement | null {
  const d = callDetails(run.attempt);
  if (!d) return null;
  const items = (figure: string, lines: (string | null)[]) =>
    lines.flatMap((line) => (line ? [h('li', { 'data-figure': figure }, line)] : []));
  return h(
    'tr',
    { class: 'call-details', 'data-calls-of': run.rehearsal.id },
    h('th', { scope: 'row' }, t('callDetails.rowHead')),
    h(
      'td',
      { colspan: rehearsalCheckNames.length + 1 },
      h(
        'details',
        {},
        h('summary', {}, t('callDetails.summary')),
        h(
          'ul',
          { class: 'figures' },
          items('test-call', [d.testCall]),
          d.channels.length > 0
            ? h('li', {}, t('callDetails.channels'), h('ul', {}, items('channel', d.channels)))
            : null,
          d.microphones.length > 0 || d.speaker
            ? h(
                'li',
                {},
                t('callDetails.microphones'),
                h('ul', {}, items('microphone', d.microphones), items('speaker', [d.speaker])),
              )
            : null,
          items('line-test', [d.lineTest]),
        ),
      ),
    ),
  );
}

export function roomHistory(roomId: string): { node: HTMLElement; load(): Promise<void> } {
  const body = h('div', {}, t('common.loading'));
  const node = h('section', { class: 'card wide', id: 'room-history' }, h('h2', {}, t('room.history')), body);
  const load = async () => {
    const res = await get<RoomRun[]>(`/api/rooms/${encodeURIComponent(roomId)}/rehearsals?limit=20`);
    if (!res.ok) return body.replaceChildren(h('p', { role: 'alert' }, errorText(res)));
    if (res.body.length === 0) return body.replaceChildren(h('p', {}, t('room.historyNone')));
    body.replaceChildren(
      scrollBox(
        t('room.historyCaption'),
        h(
          'table',
          { class: 'matrix history' },
          h('caption', { class: 'sr-only' }, t('room.historyCaption')),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, t('room.historyRun')),
              checkHeads(),
              h('th', { scope: 'col' }, t('rehearsals.verdict')),
            ),
          ),
          h(
            'tbody',
            {},
            res.body.flatMap((run) => [
              h(
                'tr',
                { 'data-rehearsal': run.rehearsal.id },
                h('th', { scope: 'row' }, runName(run)),
                attemptCells(run.attempt),
                verdictCell(run.attempt.verdict),
              ),
              callsRow(run),
            ]),
          ),
        ),
      ),
    );
  };
  return { node, load };
}
