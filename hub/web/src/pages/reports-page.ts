/**
 * The yearly report (art. 12.5): a year picker, the report from `GET /api/reports/:year` (network
 * figures, a table and a bar chart by room), its CSV and a print button. Until the hub serves
 * reports (404), the page says so plainly.
 */
import { get } from '../api.js';
import type { AppContext, Page } from '../app-context.js';
import { add, fill, h } from '../dom.js';
import { civil } from '../format-time.js';
import { t } from '../i18n/i18n.js';

type Scalar = string | number | boolean | null;

/** The scalar fields of an object, nested ones as `a.b`, in order. */
export function flatten(value: unknown, prefix = ''): [string, Scalar][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return Array.isArray(value) ? [] : [[prefix, value as Scalar]];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    flatten(v, prefix ? `${prefix}.${k}` : k),
  );
}

const show = (v: Scalar) =>
  typeof v === 'number' ? String(Math.round(v * 100) / 100) : v === null ? '—' : String(v);

function roomTable(app: AppContext, rows: Record<string, unknown>[]): HTMLElement {
  const flat = rows.map((r) => flatten(r));
  const columns = [...new Set(flat.flatMap((r) => r.map(([k]) => k)))];
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'report' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        flat.map((r) => {
          const byKey = new Map(r);
          return h(
            'tr',
            {},
            columns.map((c) => {
              const v = byKey.get(c) ?? null;
              return h('td', {}, c === 'roomId' && typeof v === 'string' ? app.roomName(v) : show(v));
            }),
          );
        }),
      ),
    ),
  );
}

/** Bars of the first percentage-like figure per room (availability when the report has it). */
function barChart(app: AppContext, rows: Record<string, unknown>[]): HTMLElement | null {
  const flat = rows.map((r) => new Map(flatten(r)));
  const keys = [...new Set(flat.flatMap((r) => [...r.keys()]))];
  const key =
    keys.find((k) => /availab/i.test(k) && flat.some((r) => typeof r.get(k) === 'number')) ??
    keys.find((k) => /pct$/i.test(k) && flat.some((r) => typeof r.get(k) === 'number'));
  if (!key) return null;
  const max = Math.max(...flat.map((r) => Number(r.get(key) ?? 0)), 1);
  return h(
    'figure',
    { class: 'bars' },
    h('figcaption', {}, key),
    flat.map((r) => {
      const v = Number(r.get(key) ?? 0);
      const bar = h('span', { class: 'bar' });
      // Shares (0-1) and percentages (0-100) fill the bar to their whole; other figures to the largest.
      const scale = max <= 1 ? 1 : Math.max(max, 100);
      bar.style.width = `${Math.max(0, (v / scale) * 100)}%`;
      const id = r.get('roomId');
      return h(
        'div',
        { class: 'bar-row' },
        h('span', { class: 'bar-label' }, typeof id === 'string' ? app.roomName(id) : ''),
        h('span', { class: 'bar-track' }, bar),
        h('span', {}, show(v)),
      );
    }),
  );
}

export const reportsPage: Page = (app, root) => {
  const thisYear = civil(new Date()).year;
  const year = h(
    'select',
    { id: 'report-year' },
    Array.from({ length: 6 }, (_, i) => thisYear - i).map((y) => h('option', { value: y }, String(y))),
  );
  const body = h('div', { id: 'report' });
  const csv = h(
    'a',
    { id: 'report-csv', href: `/api/reports/${thisYear}?format=csv`, download: '' },
    t('reports.csv'),
  );
  const load = async () => {
    const y = year.value;
    csv.setAttribute('href', `/api/reports/${y}?format=csv`);
    body.replaceChildren(h('p', {}, t('common.loading')));
    const res = await get<Record<string, unknown>>(`/api/reports/${encodeURIComponent(y)}`);
    if (res.status === 404) {
      csv.hidden = true;
      return body.replaceChildren(
        h('p', { class: 'notice', id: 'report-unavailable' }, t('reports.unavailable', { year: y })),
      );
    }
    if (!res.ok)
      return body.replaceChildren(h('p', { role: 'alert' }, t('common.error', { error: res.status })));
    csv.hidden = false;
    const report = res.body;
    const rooms = Array.isArray(report.rooms) ? (report.rooms as Record<string, unknown>[]) : [];
    const network =
      report.network ?? Object.fromEntries(Object.entries(report).filter(([k]) => k !== 'rooms'));
    fill(
      body,
      h('h3', {}, t('reports.network')),
      h(
        'dl',
        { class: 'readings' },
        flatten(network).map(([k, v]) => [h('dt', {}, k), h('dd', {}, show(v))]),
      ),
      rooms.length > 0 ? h('h3', {}, t('reports.rooms')) : null,
      rooms.length > 0 ? barChart(app, rooms) : null,
      rooms.length > 0 ? roomTable(app, rooms) : null,
    );
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
      h('button', { type: 'button', onclick: () => window.print() }, t('reports.print')),
    ),
    body,
  );
  void load();
  return undefined;
};
