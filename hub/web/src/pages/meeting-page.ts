/**
 * One meeting (`#/meeting/<id>`): when, what kind, its host and participating rooms with their
 * health now, the live go/no-go (art. 9.3, 11.1) with each room's reasons in words, and every
 * rehearsal it had, kept after the meeting. An operator changes or cancels it while it is not over
 * (the booking form, confirmed first), or rehearses it now.
 */

import { formatClock, formatDate, formatTime, weekday } from '../../../../shared/format-time.js';
import type { RuleConfig } from '../../../schedule/meeting-rules.js';
import type { MeetingGoNoGo, VerdictReason } from '../../../schedule/meeting-verdict.js';
import type { SeenMeeting as Meeting } from '../../../schedule/meeting-visibility.js';
import type { RehearsalReport } from '../../../schedule/rehearsal-report.js';
import type { Verdict } from '../../../schedule/rehearsal-verdict.js';
import type { Rehearsal } from '../../../schedule/rehearsals-repo.js';
import { api, get } from '../api.js';
import { errorText } from '../api-error-text.js';
import { type AppContext, mayOperate, type Page } from '../app-context.js';
import { bookingForm } from '../booking-form.js';
import { dayParam } from '../calendar-grid.js';
import { confirmAction } from '../confirm-dialog.js';
import { add, fill, h, scrollBox } from '../dom.js';
import { hasKey, t } from '../i18n/i18n.js';
import { powerText } from '../readiness-text.js';
import { matrix } from '../rehearsal-matrix.js';
import { slotText } from '../rehearsal-text.js';
import { failureText } from '../responsible-text.js';
import { weekdayName } from '../weekday-names.js';
import { roomLink } from './incidents-page.js';

type MeetingDetails = Meeting & { rehearsals: Rehearsal[] };

function phase(m: Meeting, now: number): 'cancelled' | 'past' | 'now' | 'coming' {
  if (m.status === 'cancelled') return 'cancelled';
  if (Date.parse(m.end) <= now) return 'past';
  return Date.parse(m.start) <= now ? 'now' : 'coming';
}

export function reasonText(r: VerdictReason): string {
  const p = r.params;
  switch (r.code) {
    case 'rehearsal': {
      const check = `check.${String(p.check)}`;
      const status = `check.${String(p.status)}`;
      return t('reason.rehearsal', {
        check: hasKey(check) ? t(check) : '—',
        status: hasKey(status) ? t(status) : '—',
      });
    }
    case 'health': {
      const level = `level.${String(p.level)}`;
      return t('reason.health', { level: hasKey(level) ? t(level) : '—' });
    }
    default:
      return t(`reason.${r.code}`, p);
  }
}

function whenText(m: Meeting): string {
  const start = new Date(m.start);
  const sameDay = formatDate(m.start) === formatDate(m.end);
  return `${weekdayName(weekday(start))} ${t('meeting.when', {
    start: formatTime(m.start),
    end: sameDay ? formatClock(m.end) : formatTime(m.end),
  })}`;
}

/** Each room's verdict and reasons: the live go/no-go's, or after the meeting its last rehearsal's. */
type RoomVerdicts = Map<string, { verdict: Verdict; reasons: VerdictReason[] }>;

function goNoGoTable(app: AppContext, m: Meeting, byRoom: RoomVerdicts): HTMLElement {
  return scrollBox(
    t('meeting.roomsCaption'),
    h(
      'table',
      { id: 'meeting-rooms' },
      h('caption', { class: 'sr-only' }, t('meeting.roomsCaption')),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            t('rehearsals.room'),
            t('meeting.health'),
            t('meeting.power'),
            t('meeting.verdict'),
            t('meeting.reasons'),
          ].map((l) => h('th', { scope: 'col' }, l)),
        ),
      ),
      h(
        'tbody',
        {},
        m.roomIds.map((id) => {
          const room = app.rooms.get(id);
          const v = byRoom.get(id);
          return h(
            'tr',
            { 'data-room': id },
            h(
              'th',
              { scope: 'row' },
              roomLink(app, id),
              id === m.hostRoomId ? ` ${t('meeting.hostMark')}` : '',
            ),
            h(
              'td',
              { class: `lvl-text lvl-${room?.readiness.level ?? 'OFFLINE'}` },
              t(`level.${room?.readiness.level ?? 'OFFLINE'}`),
            ),
            h('td', {}, room ? powerText(room) : '—'),
            h('td', { class: `verdict v-${v?.verdict ?? 'pending'}` }, v ? t(`verdict.${v.verdict}`) : '—'),
            h('td', {}, v ? v.reasons.map(reasonText).join('; ') : ''),
          );
        }),
      ),
    ),
  );
}

function rehearsalSection(app: AppContext, report: RehearsalReport): HTMLElement {
  const status = report.status === 'done' ? null : t(`meeting.runStatus.${report.status}`);
  return h(
    'section',
    { class: 'run', 'data-rehearsal': report.id },
    h(
      'h4',
      {},
      t('rehearsals.slot', { slot: slotText(report.slot), time: formatTime(report.startedAt) }),
      status ? ` (${status})` : '',
      ' · ',
      t('rehearsals.runVerdict'),
      h(
        'span',
        { class: `v-${report.verdict ?? 'pending'}` },
        t(report.verdict ? `verdict.${report.verdict}` : 'verdict.pending'),
      ),
    ),
    matrix(app, report),
    report.escalations.length > 0
      ? h(
          'div',
          { class: 'warn escalations' },
          h('h5', {}, t('rehearsals.escalations')),
          h(
            'ul',
            {},
            report.escalations.flatMap((e) =>
              e.failures.map((f) => h('li', {}, failureText(e.roomId, f, app.roomName))),
            ),
          ),
        )
      : null,
  );
}

export const meetingPage: Page = (app, root, [meetingId = '']) => {
  const head = h('div', { id: 'meeting-head' }, t('common.loading'));
  const goNoGo = h('section', { class: 'card wide', id: 'go-no-go' });
  const runs = h('section', { class: 'card wide', id: 'meeting-rehearsals' });
  const actions = h('div', { id: 'meeting-actions' });
  const status = h('p', { role: 'status', id: 'meeting-status' });
  const back = h('a', { href: '#/meetings', id: 'meeting-back' }, t('meeting.back'));
  let meeting: MeetingDetails | null = null;
  let verdict: MeetingGoNoGo | null = null;
  /** The newest rehearsal, whose verdicts stand for the rooms once the meeting is over. */
  let lastReport: RehearsalReport | null = null;
  let rules: RuleConfig = { noticeHours: 48, prepMinutes: 60 };
  const path = `/api/meetings/${encodeURIComponent(meetingId)}`;

  const drawGoNoGo = () => {
    if (!meeting) return;
    const over = ['past', 'cancelled'].includes(phase(meeting, Date.now()));
    const notRun = over ? [] : (verdict?.notRun ?? []);
    const byRoom: RoomVerdicts = over
      ? new Map(
          (lastReport?.rooms ?? []).flatMap((r) =>
            r.verdict ? [[r.roomId, { verdict: r.verdict, reasons: [] }]] : [],
          ),
        )
      : new Map(verdict?.rooms.map((r) => [r.roomId, r]));
    fill(
      goNoGo,
      h('h3', {}, over ? t('meeting.rooms') : t('meeting.goNoGo')),
      over
        ? h('p', {}, t('meeting.goNoGoOver'))
        : verdict
          ? h(
              'p',
              { id: 'meeting-verdict' },
              t('meeting.verdictNow'),
              h('strong', { class: `v-${verdict.verdict}` }, t(`verdict.${verdict.verdict}`)),
            )
          : h('p', { id: 'meeting-verdict' }, t('meeting.goNoGoNone')),
      goNoGoTable(app, meeting, byRoom),
      ...notRun.map((n) =>
        h(
          'p',
          { class: 'muted' },
          t('meeting.notRun', {
            check: t(`check.${n.check}`),
            rooms: n.roomIds.map((id) => app.roomName(id)).join(', '),
          }),
        ),
      ),
    );
  };

  const loadRuns = async () => {
    if (!meeting) return;
    const reports = await Promise.all(
      [...meeting.rehearsals]
        .reverse()
        .map((r) => get<RehearsalReport>(`/api/rehearsals/${encodeURIComponent(r.id)}`)),
    );
    const newest = reports[0];
    lastReport = newest?.ok ? newest.body : null;
    drawGoNoGo();
    fill(
      runs,
      h('h3', {}, t('meeting.rehearsals')),
      reports.length === 0 ? h('p', {}, t('meeting.rehearsalsNone')) : null,
      ...reports.map((r) => (r.ok ? rehearsalSection(app, r.body) : h('p', { role: 'alert' }, errorText(r)))),
    );
  };

  const drawActions = (m: Meeting) => {
    const editable =
      mayOperate(app.session) && (phase(m, Date.now()) === 'coming' || phase(m, Date.now()) === 'now');
    if (!editable) return actions.replaceChildren();
    const form = h('div', { id: 'meeting-edit' });
    fill(
      actions,
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            id: 'meeting-edit-open',
            'aria-expanded': 'false',
            onclick: async (e: Event) => {
              const button = e.currentTarget as HTMLElement;
              if (form.childElementCount > 0) {
                form.replaceChildren();
                button.setAttribute('aria-expanded', 'false');
                return;
              }
              button.setAttribute('aria-expanded', 'true');
              const others = await get<Meeting[]>(
                `/api/meetings?from=${new Date(Date.now() - 86_400_000).toISOString()}`,
              );
              form.replaceChildren(
                bookingForm(app, {
                  rules,
                  meeting: m,
                  others: () => (others.ok ? others.body.filter((o) => o.id !== m.id) : []),
                  done: () => void load(),
                }),
              );
            },
          },
          t('meetings.edit'),
        ),
        h(
          'button',
          {
            type: 'button',
            id: 'meeting-rehearse',
            onclick: async () => {
              const r = await api('POST', '/api/rehearsals', { meetingId: m.id });
              status.textContent = r.ok ? t('rehearsals.started') : errorText(r);
            },
          },
          t('rehearsals.now'),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'danger',
            id: 'meeting-cancel',
            onclick: async () => {
              if (
                !(await confirmAction(
                  t('meetings.confirmCancel', { title: m.title ?? t('meetings.untitled') }),
                  t('meetings.cancelMeeting'),
                ))
              )
                return;
              const r = await api('DELETE', `/api/meetings/${encodeURIComponent(m.id)}`);
              status.textContent = r.ok ? t('meeting.cancelled') : errorText(r);
              void load();
            },
          },
          t('meetings.cancelMeeting'),
        ),
      ),
      form,
    );
  };

  const load = async () => {
    const res = await get<MeetingDetails>(path);
    if (!res.ok) {
      head.replaceChildren(
        h('p', { role: 'alert' }, res.status === 404 ? t('meeting.notFound') : errorText(res)),
      );
      return;
    }
    meeting = res.body;
    const m = meeting;
    const p = phase(m, Date.now());
    fill(
      head,
      h('h2', { class: 'page-title' }, m.title ?? t('meetings.untitled')),
      h(
        'p',
        { class: 'meeting-meta' },
        h('strong', { class: `phase phase-${p}`, id: 'meeting-phase' }, t(`meeting.status.${p}`)),
        ' · ',
        whenText(m),
        ' · ',
        t('meeting.kindLabel', { kind: t(`meetingKind.${m.kind}`) }),
        m.emergency
          ? [
              ' · ',
              h(
                'span',
                { class: 'tag' },
                `${t('meetings.emergencyTag')}: ${t(`emergency.${m.emergency.reason}`)}`,
              ),
            ]
          : null,
      ),
      h(
        'p',
        {},
        t('meeting.host'),
        roomLink(app, m.hostRoomId),
        ' · ',
        t('meetings.roomCount', { n: m.roomIds.length }),
      ),
    );
    // Back to the week that holds it, not to this week's.
    back.href = `#/meetings/${dayParam(new Date(m.start))}`;
    drawActions(m);
    const v = await get<{ verdict: MeetingGoNoGo | null }>(`${path}/verdict`);
    verdict = v.ok ? v.body.verdict : null;
    drawGoNoGo();
    await loadRuns();
  };

  add(root, h('p', {}, back), head, status, actions, goNoGo, runs);
  void get<RuleConfig>('/api/schedule/rules').then((r) => {
    if (r.ok) rules = r.body;
  });
  void load();
  return app.live.on((msg) => {
    if (msg.type === 'meeting-verdict' && msg.verdict.meetingId === meetingId) {
      verdict = msg.verdict;
      drawGoNoGo();
    } else if (msg.type === 'meeting' && msg.meeting.id === meetingId) void load();
    else if (msg.type === 'rehearsal' && msg.rehearsal.meetingId === meetingId) void load();
    else if (msg.type === 'rehearsal-room' && meeting?.rehearsals.some((r) => r.id === msg.rehearsalId))
      void loadRuns();
    else if (msg.type === 'room' && meeting?.roomIds.includes(msg.room.id)) drawGoNoGo();
  });
};
