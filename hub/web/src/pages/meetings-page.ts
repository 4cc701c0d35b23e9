/**
 * Meetings: a week or month calendar in Vietnam time, and (for an operator) the booking form. The
 * form checks the regulation as it is filled in (48 h notice, overlaps naming the conflicting
 * meeting, ...) with the hub's own rule function, and shows the hub's refusal after submit too.
 * An emergency booking (art. 8.2) needs no notice.
 */

import { formatClock, formatDate, WALL_TIME_FORMAT, wallTimeToIso } from '../../../../shared/format-time.js';
import type { MeetingRequest } from '../../../../shared/schemas.js';
import type { Meeting, RuleConfig } from '../../../schedule/meeting-rules.js';
import { api, get } from '../api.js';
import { type AppContext, mayOperate, type Page } from '../app-context.js';
import { checkDraft, type RoomNames, type ServerViolation, violationText } from '../booking-check.js';
import { type CalendarView, calendarDays, shiftAnchor } from '../calendar-grid.js';
import { confirmAction } from '../confirm-dialog.js';
import { add, h, pressOnly } from '../dom.js';
import { t } from '../i18n/i18n.js';
import { roomsByKind } from '../room-groups.js';
import { emergencyReasons, meetingKinds } from '../vocabulary.js';

const DAY_MS = 86_400_000;

function roomNames(app: AppContext): RoomNames {
  return { name: (id) => app.roomName(id), exists: (id) => app.rooms.has(id) };
}

function bookingForm(
  app: AppContext,
  rules: RuleConfig,
  others: () => Meeting[],
  booked: () => void,
): HTMLElement {
  const rooms = [...app.rooms.values()].sort((a, b) => a.no - b.no);
  const title = h('input', { id: 'm-title', name: 'title', required: true, maxlength: 200 });
  const kind = h(
    'select',
    { id: 'm-kind', name: 'kind' },
    meetingKinds.map((k) => h('option', { value: k }, t(`meetingKind.${k}`))),
  );
  const host = h(
    'select',
    { id: 'm-host', name: 'host' },
    rooms.map((r) => h('option', { value: r.id }, r.name)),
  );
  const start = h('input', {
    id: 'm-start',
    name: 'start',
    required: true,
    placeholder: WALL_TIME_FORMAT,
    inputmode: 'numeric',
    autocomplete: 'off',
  });
  const end = h('input', {
    id: 'm-end',
    name: 'end',
    required: true,
    placeholder: WALL_TIME_FORMAT,
    inputmode: 'numeric',
    autocomplete: 'off',
  });
  const emergency = h('input', { id: 'm-emergency', name: 'emergency', type: 'checkbox' });
  const reason = h(
    'select',
    { id: 'm-reason', name: 'reason', disabled: true },
    emergencyReasons.map((r) => h('option', { value: r }, t(`emergency.${r}`))),
  );
  const boxes = new Map<string, HTMLInputElement>();
  const roomGroups = roomsByKind(rooms).map(({ kind: k, rooms: members }) =>
    h(
      'fieldset',
      { class: 'room-group' },
      h('legend', {}, t(`kind.${k}`)),
      members.map((r) => {
        const box = h('input', { type: 'checkbox', value: r.id, id: `m-room-${r.id}` });
        boxes.set(r.id, box);
        return h('label', { class: 'check', for: `m-room-${r.id}` }, box, r.name);
      }),
    ),
  );
  const all = h(
    'button',
    {
      type: 'button',
      onclick: () => {
        for (const b of boxes.values()) b.checked = true;
        check();
      },
    },
    t('meetings.allRooms'),
  );
  const verdict = h('p', { id: 'booking-check', 'aria-live': 'polite' });
  const result = h('p', { id: 'booking-result', role: 'alert' });

  const draft = (): MeetingRequest => {
    const roomIds = [...boxes].filter(([, b]) => b.checked).map(([id]) => id);
    // The host room takes part by definition (art. 10.1): ticking it is not left to the user.
    if (!roomIds.includes(host.value)) roomIds.unshift(host.value);
    return {
      title: title.value.trim(),
      kind: kind.value as MeetingRequest['kind'],
      hostRoomId: host.value,
      roomIds,
      start: wallTimeToIso(start.value) ?? '',
      end: wallTimeToIso(end.value) ?? '',
      emergency: emergency.checked ? { reason: reason.value as (typeof emergencyReasons)[number] } : null,
    };
  };
  const check = (): boolean => {
    reason.disabled = !emergency.checked;
    const d = draft();
    if (!title.value && !start.value) {
      verdict.textContent = '';
      return false;
    }
    const problem = checkDraft(d, others(), roomNames(app), rules, new Date());
    verdict.className = problem ? 'error' : 'ok';
    verdict.textContent = problem ?? t('meetings.ok');
    return problem === null;
  };
  const form = h(
    'form',
    {
      id: 'booking',
      class: 'card wide booking',
      novalidate: true,
      oninput: () => check(),
      onchange: () => check(),
      onsubmit: async (e: Event) => {
        e.preventDefault();
        result.textContent = '';
        if (!check()) return;
        const d = draft();
        const res = await api<Meeting & ServerViolation>('POST', '/api/meetings', d);
        if (res.ok) {
          result.className = 'ok';
          result.textContent = t('meetings.booked', { title: res.body.title });
          booked();
          return;
        }
        result.className = 'error';
        result.textContent = violationText(res.body, roomNames(app), rules, d.start, new Date());
      },
    },
    h('h2', {}, t('meetings.book')),
    h(
      'div',
      { class: 'fields' },
      h('label', { for: 'm-title' }, t('meetings.title')),
      title,
      h('label', { for: 'm-kind' }, t('meetings.kind')),
      kind,
      h('label', { for: 'm-host' }, t('meetings.host')),
      host,
      h('label', { for: 'm-start' }, t('meetings.start')),
      start,
      h('label', { for: 'm-end' }, t('meetings.end')),
      end,
    ),
    h('label', { class: 'check', for: 'm-emergency' }, emergency, t('meetings.emergency')),
    h('div', { class: 'fields' }, h('label', { for: 'm-reason' }, t('meetings.reason')), reason),
    h('fieldset', { class: 'rooms' }, h('legend', {}, t('meetings.rooms'), ' ', all), roomGroups),
    verdict,
    h('button', { type: 'submit', id: 'm-submit' }, t('meetings.submit')),
    result,
  );
  return form;
}

function meetingItem(app: AppContext, m: Meeting, changed: () => void): HTMLElement {
  return h(
    'li',
    { class: `meeting${m.emergency ? ' emergency' : ''}`, 'data-meeting': m.id },
    h('span', { class: 'time' }, `${formatClock(m.start)}–${formatClock(m.end)}`),
    ' ',
    h('strong', {}, m.title ?? t('meetings.untitled')),
    m.emergency
      ? h('span', { class: 'tag' }, ` ${t('meetings.emergencyTag')}: ${t(`emergency.${m.emergency.reason}`)}`)
      : null,
    h(
      'span',
      { class: 'muted' },
      ` · ${t(`meetingKind.${m.kind}`)} · ${app.roomName(m.hostRoomId)} · ${t('meetings.roomCount', { n: m.roomIds.length })}`,
    ),
    mayOperate(app.session)
      ? h(
          'button',
          {
            type: 'button',
            class: 'small',
            onclick: async () => {
              if (
                await confirmAction(
                  t('meetings.confirmCancel', { title: m.title }),
                  t('meetings.cancelMeeting'),
                )
              ) {
                await api('DELETE', `/api/meetings/${encodeURIComponent(m.id)}`);
                changed();
              }
            },
          },
          t('meetings.cancelMeeting'),
        )
      : null,
  );
}

export const meetingsPage: Page = (app, root) => {
  let view: CalendarView = 'week';
  let anchor = new Date();
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
    title.textContent = `${formatDate(from)} – ${formatDate(new Date(to.getTime() - 1))}`;
    grid.className = `calendar ${view}`;
    grid.replaceChildren(
      ...days.map((d) => {
        const end = d.start.getTime() + DAY_MS;
        const mine = shown.filter((m) => Date.parse(m.start) < end && Date.parse(m.end) > d.start.getTime());
        return h(
          'div',
          { class: `day${d.inMonth ? '' : ' other'}` },
          h('div', { class: 'day-head' }, formatDate(d.start)),
          mine.length > 0
            ? h(
                'ul',
                { class: 'day-list' },
                mine.map((m) => meetingItem(app, m, () => void refresh())),
              )
            : null,
        );
      }),
    );
  };
  // Every scheduled meeting from today on, for the form's overlap check.
  const refresh = async () => {
    const res = await get<Meeting[]>(`/api/meetings?from=${new Date(Date.now() - DAY_MS).toISOString()}`);
    if (res.ok) meetings = res.body;
    await load();
  };

  add(
    root,
    h('h2', { class: 'page-title' }, t('nav.meetings')),
    h(
      'div',
      { class: 'toolbar' },
      h('div', { class: 'range views', role: 'group' }, viewButton('week'), viewButton('month')),
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            anchor = shiftAnchor(view, anchor, -1);
            void load();
          },
        },
        t('meetings.prev'),
      ),
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
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            anchor = shiftAnchor(view, anchor, 1);
            void load();
          },
        },
        t('meetings.next'),
      ),
      title,
    ),
    grid,
  );
  void get<RuleConfig>('/api/schedule/rules').then((res) => {
    if (res.ok) rules = res.body;
    if (mayOperate(app.session))
      add(
        root,
        bookingForm(
          app,
          rules,
          () => meetings,
          () => void refresh(),
        ),
      );
  });
  void refresh();
  return app.live.on((m) => {
    if (m.type === 'meeting') void refresh();
  });
};
