/**
 * Meetings: a week (weekday names, today marked) or a month calendar in Vietnam time, each meeting a
 * link to its page; the address to subscribe to the calendar in a calendar app; and for an operator
 * the booking form (booking-form.ts).
 */

import { civil, formatClock, formatDate, formatTime, weekday } from '../../../../shared/format-time.js';
import type { RuleConfig } from '../../../schedule/meeting-rules.js';
import type { SeenMeeting as Meeting } from '../../../schedule/meeting-visibility.js';
import { type ApiError, api, get } from '../api.js';
import { errorText } from '../api-error-text.js';
import { type AppContext, mayOperate, type Page } from '../app-context.js';
import { bookingForm } from '../booking-form.js';
import {
  type CalendarDay,
  type CalendarView,
  calendarDays,
  dayFromParam,
  shiftAnchor,
} from '../calendar-grid.js';
import { add, h, pressOnly } from '../dom.js';
import { t } from '../i18n/i18n.js';
import { weekdayName } from '../weekday-names.js';

const DAY_MS = 86_400_000;

/** The calendar as a file, for the reader's session (`GET /api/calendar.ics`). */
export const calendarPath = '/api/calendar.ics';

function meetingItem(app: AppContext, m: Meeting): HTMLElement {
  return h(
    'li',
    { class: `meeting${m.emergency ? ' emergency' : ''}`, 'data-meeting': m.id },
    h(
      'a',
      { href: `#/meeting/${encodeURIComponent(m.id)}` },
      h('span', { class: 'time' }, `${formatClock(m.start)}–${formatClock(m.end)}`),
      ' ',
      h('strong', {}, m.title ?? t('meetings.untitled')),
    ),
    m.emergency
      ? h('span', { class: 'tag' }, ` ${t('meetings.emergencyTag')}: ${t(`emergency.${m.emergency.reason}`)}`)
      : null,
    h(
      'span',
      { class: 'muted' },
      ` · ${t(`meetingKind.${m.kind}`)} · ${app.roomName(m.hostRoomId)} · ${t('meetings.roomCount', { n: m.roomIds.length })}`,
    ),
  );
}

function dayHead(view: CalendarView, d: CalendarDay, today: boolean): HTMLElement {
  const name = weekdayName(weekday(d.start));
  const date = formatDate(d.start);
  return h(
    'div',
    { class: 'day-head' },
    view === 'week'
      ? `${name} ${date.slice(0, 5)}`
      : [
          h('span', { 'aria-hidden': 'true' }, String(d.day)),
          h('span', { class: 'sr-only' }, `${name} ${date}`),
        ],
    today ? h('span', { class: 'today-mark' }, ` · ${t('meetings.todayMark')}`) : null,
  );
}

/**
 * The reader's own address for a calendar app (art. 13.1c: each reader's feed carries only the
 * titles they may read). It is a secret, shown once when made; a new one ends the old, and it can be
 * revoked. The file can be downloaded with the session meanwhile.
 */
function subscribe(): HTMLElement {
  const url = h('input', {
    id: 'subscribe-url',
    readonly: true,
    size: 40,
    'aria-describedby': 'subscribe-hint',
    onfocus: (e: Event) => (e.target as HTMLInputElement).select(),
  }) as HTMLInputElement;
  const shown = h('div', { class: 'actions', id: 'subscribe-shown', hidden: true }, [
    h('label', { for: 'subscribe-url' }, t('meetings.subscribeUrl')),
    url,
  ]);
  const state = h('p', { id: 'subscribe-state', role: 'status' });
  const make = h('button', { type: 'button', id: 'subscribe-make' }, t('meetings.subscribeCreate'));
  const revoke = h(
    'button',
    { type: 'button', id: 'subscribe-revoke', class: 'danger', hidden: true },
    t('meetings.subscribeRevoke'),
  ) as HTMLButtonElement;
  const showStatus = (active: boolean, createdAt: string | null) => {
    state.textContent = active
      ? t('meetings.subscribeActive', { time: formatTime(createdAt ?? new Date()) })
      : t('meetings.subscribeNone');
    make.textContent = t(active ? 'meetings.subscribeRenew' : 'meetings.subscribeCreate');
    revoke.hidden = !active;
  };
  make.addEventListener('click', async () => {
    const res = await api<{ url: string; createdAt: string } & ApiError>(
      'POST',
      '/api/calendar/subscription',
    );
    if (!res.ok) {
      state.textContent = errorText(res);
      return;
    }
    url.value = `${location.origin}${res.body.url}`;
    shown.hidden = false;
    showStatus(true, res.body.createdAt);
    state.textContent = t('meetings.subscribeShown');
    url.focus();
  });
  revoke.addEventListener('click', async () => {
    const res = await api<ApiError>('DELETE', '/api/calendar/subscription');
    if (!res.ok) {
      state.textContent = errorText(res);
      return;
    }
    url.value = '';
    shown.hidden = true;
    showStatus(false, null);
    state.textContent = t('meetings.subscribeRevoked');
  });
  void get<{ active: boolean; createdAt: string | null }>('/api/calendar/subscription').then((res) => {
    if (res.ok) showStatus(res.body.active, res.body.createdAt);
  });
  return h(
    'section',
    { class: 'card', id: 'calendar-subscribe' },
    h('h3', {}, t('meetings.subscribe')),
    h('p', { class: 'hint', id: 'subscribe-hint' }, t('meetings.subscribeHint')),
    state,
    shown,
    h(
      'div',
      { class: 'actions' },
      make,
      revoke,
      h(
        'a',
        { href: calendarPath, download: 'lich-hop-hnth.ics', class: 'button', id: 'subscribe-download' },
        t('meetings.subscribeDownload'),
      ),
    ),
  );
}

export const meetingsPage: Page = (app, root, [day]) => {
  let view: CalendarView = 'week';
  let anchor = dayFromParam(day) ?? new Date();
  let meetings: Meeting[] = [];
  let rules: RuleConfig = { noticeHours: 48, prepMinutes: 60 };
  const title = h('h3', { id: 'cal-title' });
  const grid = h('div', { id: 'calendar' });
  const viewButton = (v: CalendarView) =>
    h(
      'button',
      {
        type: 'button',
        'aria-pressed': String(view === v),
        onclick: (e: Event) => {
          view = v;
          pressOnly(e.currentTarget as Element);
          void load();
        },
      },
      t(v === 'week' ? 'meetings.week' : 'meetings.month'),
    );

  const load = async () => {
    const days = calendarDays(view, anchor);
    const from = days[0]!.start;
    const to = new Date(days[days.length - 1]!.start.getTime() + DAY_MS);
    const res = await get<Meeting[]>(`/api/meetings?from=${from.toISOString()}&to=${to.toISOString()}`);
    const shown = res.ok ? res.body : [];
    const { year, month } = civil(anchor);
    title.textContent =
      view === 'month'
        ? t('meetings.monthTitle', { month: String(month), year: String(year) })
        : `${formatDate(from)} – ${formatDate(new Date(to.getTime() - 1))}`;
    const today = formatDate(new Date());
    grid.className = `calendar ${view}`;
    grid.replaceChildren(
      ...(view === 'month'
        ? Array.from({ length: 7 }, (_, i) =>
            h('div', { class: 'weekday-head', 'aria-hidden': 'true' }, weekdayName(i)),
          )
        : []),
      ...days.map((d) => {
        const end = d.start.getTime() + DAY_MS;
        const mine = shown.filter((m) => Date.parse(m.start) < end && Date.parse(m.end) > d.start.getTime());
        const isToday = formatDate(d.start) === today;
        return h(
          'div',
          {
            class: `day${d.inMonth ? '' : ' other'}${isToday ? ' today' : ''}`,
            'aria-current': isToday ? 'date' : null,
            'data-date': formatDate(d.start),
          },
          dayHead(view, d, isToday),
          mine.length > 0
            ? h(
                'ul',
                { class: 'day-list' },
                mine.map((m) => meetingItem(app, m)),
              )
            : null,
        );
      }),
    );
  };
  // Every scheduled meeting from yesterday on, for the form's overlap check.
  const refresh = async () => {
    const res = await get<Meeting[]>(`/api/meetings?from=${new Date(Date.now() - DAY_MS).toISOString()}`);
    if (res.ok) meetings = res.body;
    await load();
  };
  const step = (by: -1 | 1) =>
    h(
      'button',
      {
        type: 'button',
        onclick: () => {
          anchor = shiftAnchor(view, anchor, by);
          void load();
        },
      },
      t(by < 0 ? 'meetings.prev' : 'meetings.next'),
    );

  add(
    root,
    h('h2', { class: 'page-title' }, t('nav.meetings')),
    h(
      'div',
      { class: 'toolbar' },
      h(
        'div',
        { class: 'range views', role: 'group', 'aria-label': t('nav.meetings') },
        viewButton('week'),
        viewButton('month'),
      ),
      step(-1),
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            anchor = new Date();
            void load();
          },
        },
        t('meetings.today'),
      ),
      step(1),
      title,
    ),
    grid,
    subscribe(),
  );
  void get<RuleConfig>('/api/schedule/rules').then((res) => {
    if (res.ok) rules = res.body;
    if (mayOperate(app.session))
      add(root, bookingForm(app, { rules, others: () => meetings, done: () => void refresh() }));
  });
  void refresh();
  return app.live.on((m) => {
    if (m.type === 'meeting') void refresh();
  });
};
