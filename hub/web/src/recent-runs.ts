/**
 * The rehearsals and inspections of the last days, kept after their meetings (art. 9.3, 11.1):
 * each run named, when it ran, its meeting (a link) or the inspection, its verdict, and the rooms
 * that did not pass as links; each room's checks in words open on demand.
 */
import { formatTime } from '../../../shared/format-time.js';
import type { RunSummary } from '../../api/rehearsal-history-routes.js';
import type { RehearsalReport } from '../../schedule/rehearsal-report.js';
import type { Verdict } from '../../schedule/rehearsal-verdict.js';
import { get } from './api.js';
import { errorText } from './api-error-text.js';
import type { AppContext } from './app-context.js';
import { h } from './dom.js';
import { t } from './i18n/i18n.js';
import { matrix } from './rehearsal-matrix.js';
import { slotText } from './rehearsal-text.js';

function roomLinks(app: AppContext, ids: string[]): (HTMLElement | string)[] {
  return ids.flatMap((id, i) => [
    ...(i > 0 ? [', '] : []),
    h('a', { href: `#/room/${encodeURIComponent(id)}` }, app.roomName(id)),
  ]);
}

/** "Không đạt: A, B" then "Có rủi ro: C"; every room passed says so. */
export function notPassed(app: AppContext, results: RunSummary['results']): HTMLElement {
  const of = (v: Verdict) => results.filter((r) => r.verdict === v).map((r) => r.roomId);
  const lines = (['no-go', 'at-risk'] as const)
    .filter((v) => of(v).length > 0)
    .map((v) =>
      h(
        'p',
        { class: `v-${v}`, 'data-verdict': v },
        t('rehearsals.roomsWith', { verdict: t(`verdict.${v}`) }),
        roomLinks(app, of(v)),
      ),
    );
  return lines.length > 0
    ? h('div', { class: 'not-passed' }, lines)
    : h('p', { class: 'v-go' }, t('rehearsals.allGo'));
}

function runItem(app: AppContext, run: RunSummary): HTMLElement {
  const box = h('div', {});
  const details = h(
    'details',
    {
      ontoggle: async () => {
        if (!details.open || box.childElementCount > 0) return;
        const res = await get<RehearsalReport>(`/api/rehearsals/${encodeURIComponent(run.id)}`);
        box.replaceChildren(res.ok ? matrix(app, res.body) : h('p', { role: 'alert' }, errorText(res)));
      },
    },
    h('summary', {}, t('rehearsals.details')),
    box,
  );
  return h(
    'li',
    { class: 'run card', 'data-rehearsal': run.id, 'data-meeting': run.meetingId ?? '' },
    h(
      'h4',
      {},
      t('rehearsals.slot', { slot: slotText(run.slot), time: formatTime(run.startedAt) }),
      run.meetingId
        ? [
            ' ',
            t('rehearsals.ofMeeting'),
            ' ',
            h(
              'a',
              { href: `#/meeting/${encodeURIComponent(run.meetingId)}` },
              run.meetingTitle ?? run.meetingId,
            ),
          ]
        : null,
    ),
    h(
      'p',
      {},
      t('rehearsals.runVerdict'),
      h(
        'strong',
        { class: `v-${run.verdict ?? 'pending'}` },
        t(run.verdict ? `verdict.${run.verdict}` : 'verdict.pending'),
      ),
    ),
    // In the run's own order (the host room first), as the matrix lists them.
    notPassed(
      app,
      [...run.results].sort((a, b) => run.roomIds.indexOf(a.roomId) - run.roomIds.indexOf(b.roomId)),
    ),
    details,
  );
}

export function recentRuns(app: AppContext): { node: HTMLElement; load(): Promise<void> } {
  const list = h('div', {}, t('common.loading'));
  const node = h('section', { id: 'recent-runs' }, h('h3', {}, t('rehearsals.recent')), list);
  const load = async () => {
    const res = await get<RunSummary[]>('/api/rehearsals');
    if (!res.ok) return list.replaceChildren(h('p', { role: 'alert' }, errorText(res)));
    list.replaceChildren(
      res.body.length === 0
        ? h('p', {}, t('rehearsals.recentNone'))
        : h(
            'ul',
            { class: 'runs' },
            res.body.map((run) => runItem(app, run)),
          ),
    );
  };
  return { node, load };
}
