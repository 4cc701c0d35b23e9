/**
 * The booking form, for a new meeting or to change one: title, kind (art. 7), host room, start and
 * end with the department's date and time pickers, emergency (art. 8.2) and the participating rooms.
 * It checks the regulation as it is filled in (booking-check.ts) and shows the rule that refuses it
 * beside the field it concerns, as it does the hub's refusal after submit. A new booking clears the
 * form and links to the meeting.
 */
import { wallTimeToIso } from '../../../shared/format-time.js';
import type { MeetingRequest } from '../../../shared/schemas.js';
import type { RuleConfig } from '../../schedule/meeting-rules.js';
import type { SeenMeeting as Meeting } from '../../schedule/meeting-visibility.js';
import { api } from './api.js';
import type { AppContext } from './app-context.js';
import {
  type BookingProblem,
  checkDraft,
  type RoomNames,
  type ServerViolation,
  violationText,
} from './booking-check.js';
import { dateTimePicker } from './date-time-picker.js';
import { h } from './dom.js';
import { fieldErrors } from './field-errors.js';
import { t } from './i18n/i18n.js';
import { roomsByKind } from './room-groups.js';
import { emergencyReasons, meetingKinds } from './vocabulary.js';

/** A field in the form's grid, with room under it for its refusal. */
const slot = (field: HTMLElement) => h('span', { class: 'slot', 'data-error-slot': '' }, field);

export function roomNames(app: AppContext): RoomNames {
  return { name: (id) => app.roomName(id), exists: (id) => app.rooms.has(id) };
}

export interface BookingOptions {
  rules: RuleConfig;
  /** Scheduled meetings to check overlaps against (the meeting being changed is left out). */
  others: () => Meeting[];
  /** The meeting to change; a new one without it. */
  meeting?: Meeting;
  done: (meeting: Meeting) => void;
}

export function bookingForm(app: AppContext, options: BookingOptions): HTMLElement {
  const editing = options.meeting;
  const rooms = [...app.rooms.values()].sort((a, b) => a.no - b.no);
  const title = h('input', {
    id: 'm-title',
    name: 'title',
    required: true,
    maxlength: 200,
    autocomplete: 'off',
  });
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
  const start = dateTimePicker('m-start', t('meetings.start'), () => check());
  const end = dateTimePicker('m-end', t('meetings.end'), () => check());
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
  const roomSet = h(
    'fieldset',
    { class: 'rooms', id: 'm-rooms', tabindex: -1 },
    h('legend', {}, t('meetings.rooms'), ' ', all),
    roomGroups,
  );
  const verdict = h('p', { id: 'booking-check', 'aria-live': 'polite' });
  const result = h('div', { id: 'booking-result', role: 'status' });

  const fill = (m: Meeting | undefined) => {
    title.value = m?.title ?? '';
    kind.value = m?.kind ?? meetingKinds[0];
    host.value = m?.hostRoomId ?? rooms[0]?.id ?? '';
    start.set(m ? new Date(m.start) : null);
    end.set(m ? new Date(m.end) : null);
    emergency.checked = m?.emergency != null;
    reason.value = m?.emergency?.reason ?? emergencyReasons[0];
    for (const [id, box] of boxes) box.checked = m?.roomIds.includes(id) ?? false;
  };

  const draft = (): MeetingRequest => {
    const roomIds = [...boxes].filter(([, b]) => b.checked).map(([id]) => id);
    // The host room takes part by definition (art. 10.1): ticking it is not left to the user.
    if (!roomIds.includes(host.value)) roomIds.unshift(host.value);
    return {
      title: title.value.trim(),
      kind: kind.value as MeetingRequest['kind'],
      hostRoomId: host.value,
      roomIds,
      start: wallTimeToIso(start.value()) ?? '',
      end: wallTimeToIso(end.value()) ?? '',
      emergency: emergency.checked ? { reason: reason.value as (typeof emergencyReasons)[number] } : null,
    };
  };

  const form = h(
    'form',
    { id: 'booking', class: 'card wide booking', novalidate: true },
    h('h2', {}, editing ? t('meetings.edit') : t('meetings.book')),
    h(
      'div',
      { class: 'fields' },
      h('label', { for: 'm-title' }, t('meetings.title')),
      slot(title),
      h('label', { for: 'm-kind' }, t('meetings.kind')),
      slot(kind),
      h('label', { for: 'm-host' }, t('meetings.host')),
      slot(host),
      h('label', { for: 'm-start' }, t('meetings.start')),
      start.node,
      h('label', { for: 'm-end' }, t('meetings.end')),
      end.node,
    ),
    h('label', { class: 'check', for: 'm-emergency' }, emergency, t('meetings.emergency')),
    h('div', { class: 'fields' }, h('label', { for: 'm-reason' }, t('meetings.reason')), slot(reason)),
    roomSet,
    verdict,
    h('button', { type: 'submit', id: 'm-submit' }, editing ? t('meetings.save') : t('meetings.submit')),
    result,
  );
  const errors = fieldErrors(form, {
    title,
    kind,
    hostRoomId: host,
    start: start.field,
    end: end.field,
    emergency: reason,
    roomIds: roomSet,
  });

  /** Shows the first problem at its field; the check line below says it too, or that all is well. */
  const show = (problem: BookingProblem | null, focus: boolean) => {
    errors.clear();
    verdict.className = problem ? 'error' : 'ok';
    verdict.textContent = problem ? problem.text : t('meetings.ok');
    if (problem?.field) errors.showAt(problem.field, problem.text, focus);
  };
  const check = (focus = false): boolean => {
    reason.disabled = !emergency.checked;
    if (!title.value && !start.value()) {
      errors.clear();
      verdict.textContent = '';
      return false;
    }
    // Only operators book, and they read every title; a missing one is named as the others see it.
    const others = options.others().map((m) => ({ ...m, title: m.title ?? t('meetings.untitled') }));
    const problem = checkDraft(draft(), others, roomNames(app), options.rules, new Date());
    show(problem, focus);
    return problem === null;
  };
  form.addEventListener('input', () => check());
  form.addEventListener('change', () => check());
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    result.replaceChildren();
    if (!check(true)) return;
    const d = draft();
    const res = editing
      ? await api<Meeting & ServerViolation>('PATCH', `/api/meetings/${encodeURIComponent(editing.id)}`, d)
      : await api<Meeting & ServerViolation>('POST', '/api/meetings', d);
    if (!res.ok)
      return show(
        violationText(res.body, res.status, roomNames(app), options.rules, d.start, new Date()),
        true,
      );
    const m = res.body;
    if (!editing) {
      fill(undefined);
      errors.clear();
      verdict.textContent = '';
    }
    result.replaceChildren(
      h(
        'p',
        { class: 'ok' },
        t(editing ? 'meetings.saved' : 'meetings.booked', { title: m.title ?? t('meetings.untitled') }),
        ' ',
        editing
          ? null
          : h(
              'a',
              { href: `#/meeting/${encodeURIComponent(m.id)}`, id: 'booked-link' },
              t('meetings.bookedOpen'),
            ),
      ),
    );
    options.done(m);
  });
  emergency.addEventListener('change', () => {
    reason.disabled = !emergency.checked;
  });
  fill(editing);
  reason.disabled = !emergency.checked;
  return form;
}
