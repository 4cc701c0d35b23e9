/**
 * The yearly report (art. 12.5) as the province's operator reads it: a year picker, the period, the
 * network's figures as cards, one table row per room, incidents by cause and how the figures are
 * computed, with the CSV and the printable page (`/api/reports/:year/print`). Until the hub serves
 * reports (404), the page says so plainly.
 */

import { formatNumber } from '../../../../shared/format-number.js';
import { civil, formatTime } from '../../../../shared/format-time.js';
import type { Availability, CauseFigures, Figures, YearlyReport } from '../../../report/yearly-report.js';
import { get } from '../api.js';
import { errorText } from '../api-error-text.js';
import type { AppContext, Page } from '../app-context.js';
import { add, fill, h } from '../dom.js';
import { currentLang, hasKey, t } from '../i18n/i18n.js';
import { incidentCauseText } from './incidents-page.js';

const UNKNOWN = '—';

/** A figure with the reader's decimal mark, its digits kept so a column lines up (`6,0 kWh`). */
const decimal = (value: number, digits: number) => formatNumber(value, currentLang(), digits, true);

/** A share (0–1) as a percentage with one decimal; unknown when nothing was measured. */
export const percent = (share: number | null) => (share === null ? UNKNOWN : `${decimal(share * 100, 1)} %`);

/** A time to recover as hours and minutes (`12 giờ 0 phút`), to the nearest minute. */
export function hoursMinutes(sec: number | null): string {
  if (sec === null) return UNKNOWN;
  const min = Math.round(sec / 60);
  return t('reports.duration', { h: Math.floor(min / 60), m: min % 60 });
}

export const kwh = (wh: number) => `${decimal(wh / 1000, 1)} kWh`;

/** The report's notes in the reader's language, by their subject; a note the dashboard does not know, as sent. */
function noteText(note: string): string {
  const key = `reports.note.${note.split(':')[0]?.toLowerCase()}`;
  return hasKey(key) ? t(key) : note;
}

/** The figures shown for the network and for each room, in the order of the cards and columns. */
function columns(): { label: string; value: (f: Figures) => string }[] {
  const avail =
    (pick: (f: Figures) => Availability, share: 'onlineShare' | 'readyShare' | 'unknownShare') =>
    (f: Figures) =>
      percent(pick(f)[share]);
  return [
    { label: t('reports.meetings'), value: (f) => String(f.meetings.count) },
    { label: t('reports.rehearsalsRun'), value: (f) => String(f.rehearsals.run) },
    { label: t('reports.rehearsalsPassed'), value: (f) => String(f.rehearsals.passed) },
    { label: t('reports.online'), value: avail((f) => f.availability, 'onlineShare') },
    { label: t('reports.ready'), value: avail((f) => f.availability, 'readyShare') },
    // Shown so that 0 % for a room never seen reads as "not measured", not as "down all year".
    { label: t('reports.unknown'), value: avail((f) => f.availability, 'unknownShare') },
    { label: t('reports.onlineInMeetings'), value: avail((f) => f.meetingAvailability, 'onlineShare') },
    { label: t('reports.readyInMeetings'), value: avail((f) => f.meetingAvailability, 'readyShare') },
    { label: t('reports.incidents'), value: (f) => String(f.incidents.total) },
    { label: t('reports.medianRecover'), value: (f) => hoursMinutes(f.incidents.medianRecoverSec) },
    { label: t('reports.worstRecover'), value: (f) => hoursMinutes(f.incidents.worstRecoverSec) },
    { label: t('reports.energyUsed'), value: (f) => kwh(f.energy.usedWh) },
    { label: t('reports.energySaved'), value: (f) => kwh(f.energy.savedWh) },
  ];
}

function summary(network: Figures): HTMLElement {
  return h(
    'dl',
    { class: 'stats', id: 'report-summary' },
    columns().map((c) => h('div', { class: 'stat' }, h('dt', {}, c.label), h('dd', {}, c.value(network)))),
  );
}

function roomTable(app: AppContext, report: YearlyReport): HTMLElement {
  const cols = columns();
  return h(
    'div',
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-labelledby': 'report-rooms-title' },
    h(
      'table',
      { class: 'report', id: 'report-rooms' },
      h('caption', { class: 'sr-only' }, t('reports.roomsCaption')),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, t('reports.room')),
          cols.map((c) => h('th', { scope: 'col' }, c.label)),
        ),
      ),
      h(
        'tbody',
        {},
        report.rooms.map((r) =>
          h(
            'tr',
            { 'data-room': r.roomId },
            h('th', { scope: 'row' }, app.roomName(r.roomId)),
            cols.map((c) => h('td', {}, c.value(r))),
          ),
        ),
      ),
    ),
  );
}

function causeTable(causes: CauseFigures[]): HTMLElement {
  if (causes.length === 0) return h('p', {}, t('reports.noIncidents'));
  return h(
    'table',
    { class: 'report', id: 'report-causes', 'aria-labelledby': 'report-causes-title' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        [
          t('reports.cause'),
          t('reports.incidents'),
          t('reports.openIncidents'),
          t('reports.medianRecover'),
          t('reports.worstRecover'),
        ].map((label) => h('th', { scope: 'col' }, label)),
      ),
    ),
    h(
      'tbody',
      {},
      causes.map((c) =>
        h(
          'tr',
          { 'data-cause': c.cause },
          h('th', { scope: 'row' }, incidentCauseText(c.cause)),
          h('td', {}, c.count),
          h('td', {}, c.open),
          h('td', {}, hoursMinutes(c.medianRecoverSec)),
          h('td', {}, hoursMinutes(c.worstRecoverSec)),
        ),
      ),
    ),
  );
}

function reportView(app: AppContext, report: YearlyReport): HTMLElement[] {
  const p = report.period;
  return [
    h(
      'p',
      { id: 'report-period' },
      t('reports.period', {
        from: formatTime(p.from),
        to: formatTime(p.to),
        measuredTo: formatTime(p.measuredTo),
      }),
    ),
    h('h3', {}, t('reports.summary')),
    summary(report.network),
    h('h3', { id: 'report-rooms-title' }, t('reports.rooms')),
    roomTable(app, report),
    h('h3', { id: 'report-causes-title' }, t('reports.byCause')),
    causeTable(report.network.incidents.byCause),
    h('h3', {}, t('reports.notes')),
    h(
      'ul',
      { class: 'notes', id: 'report-notes' },
      report.notes.map((n) => h('li', {}, noteText(n))),
    ),
  ];
}

export const reportsPage: Page = (app, root) => {
  const thisYear = civil(new Date()).year;
  const year = h(
    'select',
    { id: 'report-year' },
    Array.from({ length: 6 }, (_, i) => thisYear - i).map((y) => h('option', { value: y }, String(y))),
  );
  const body = h('div', { id: 'report' });
  const csv = h('a', { id: 'report-csv', download: '' }, t('reports.csv'));
  // The hub's printable page, not the dashboard: it is laid out for paper, in the regulation's words.
  const print = h(
    'a',
    { id: 'report-print', class: 'button', target: '_blank', rel: 'noopener' },
    t('reports.print'),
  );
  const load = async () => {
    const y = encodeURIComponent(year.value);
    csv.setAttribute('href', `/api/reports/${y}?format=csv`);
    print.setAttribute('href', `/api/reports/${y}/print`);
    body.replaceChildren(h('p', {}, t('common.loading')));
    const res = await get<YearlyReport>(`/api/reports/${y}`);
    csv.hidden = print.hidden = !res.ok;
    if (res.status === 404)
      return body.replaceChildren(
        h('p', { class: 'notice', id: 'report-unavailable' }, t('reports.unavailable', { year: year.value })),
      );
    if (!res.ok) return body.replaceChildren(h('p', { role: 'alert' }, errorText(res)));
    fill(body, ...reportView(app, res.body));
  };
  add(
    root,
    h('h2', { class: 'page-title' }, t('nav.reports')),
    h(
      'form',
      {
        class: 'toolbar no-print',
        onsubmit: (e: Event) => {
          e.preventDefault();
          void load();
        },
      },
      h('label', { for: 'report-year' }, t('reports.year')),
      year,
      h('button', { type: 'submit' }, t('reports.show')),
      csv,
      print,
    ),
    body,
  );
  void load();
  return undefined;
};
