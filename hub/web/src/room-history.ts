/**
 * A room's rehearsals and inspections of the last year (`GET /api/rooms/:id/rehearsals`), newest
 * first: when, which run (and its meeting, a link), each check in words with its figures, and the
 * room's verdict; kept after the meeting.
 */
import { formatTime } from '../../../shared/format-time.js';
import type { RoomRun } from '../../api/rehearsal-history-routes.js';
import { get } from './api.js';
import { errorText } from './api-error-text.js';
import { h, scrollBox } from './dom.js';
import { t } from './i18n/i18n.js';
import { attemptCells, checkHeads, verdictCell } from './rehearsal-matrix.js';
import { slotText } from './rehearsal-text.js';

function runName(run: RoomRun): (HTMLElement | string)[] {
  const name = [formatTime(run.rehearsal.startedAt), h('br'), slotText(run.rehearsal.slot)];
  if (!run.rehearsal.meetingId) return name;
  return [
    ...name,
    h('br'),
    h('a', { href: `#/meeting/${encodeURIComponent(run.rehearsal.meetingId)}` }, run.meetingTitle ?? '—'),
  ];
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
            res.body.map((run) =>
              h(
                'tr',
                { 'data-rehearsal': run.rehearsal.id },
                h('th', { scope: 'row' }, runName(run)),
                attemptCells(run.attempt),
                verdictCell(run.attempt.verdict),
              ),
            ),
          ),
        ),
      ),
    );
  };
  return { node, load };
}
