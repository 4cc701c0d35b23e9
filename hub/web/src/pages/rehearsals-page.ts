/**
 * Rehearsals (art. 9.3, 11.1): for each meeting in the next 48 hours, the latest rehearsal as a
 * rooms × checks matrix that fills in live, the meeting's verdict, and the countdown to the check
 * deadline (T−1 h by default); below, the runs of the last 7 days, kept after their meetings.
 */

import { formatDuration, formatTime } from '../../../../shared/format-time.js';
import type { SeenMeeting as Meeting } from '../../../schedule/meeting-visibility.js';
import type { RehearsalReport } from '../../../schedule/rehearsal-report.js';
import type { Rehearsal } from '../../../schedule/rehearsals-repo.js';
import { api, get } from '../api.js';
import { errorText } from '../api-error-text.js';
import { mayOperate, type Page } from '../app-context.js';
import { add, fill, h } from '../dom.js';
import { t } from '../i18n/i18n.js';
import { recentRuns } from '../recent-runs.js';
import { matrix, withAttempt } from '../rehearsal-matrix.js';
import { slotText } from '../rehearsal-text.js';
import { failureText } from '../responsible-text.js';

const H = 3_600_000;
type MeetingDetails = Meeting & { rehearsals: Rehearsal[] };

export const rehearsalsPage: Page = (app, root) => {
  const list = h('div', { id: 'rehearsal-list' }, t('common.loading'));
  const reports = new Map<string, RehearsalReport>();
  const boxes = new Map<string, HTMLElement>();
  const countdowns: { node: HTMLElement; deadline: number; h: number }[] = [];
  // Art. 11.1: checks done by T−1 h unless the hub says otherwise (`GET /api/schedule/rules`).
  let rules = { deadlineH: 1 };

  const tick = () => {
    const now = Date.now();
    const units = { h: t('time.h'), min: t('time.min'), s: t('time.s') };
    for (const c of countdowns)
      c.node.textContent =
        c.deadline > now
          ? t('rehearsals.countdown', { left: formatDuration(c.deadline - now, units), h: c.h })
          : t('rehearsals.deadlinePassed', { h: c.h });
  };

  const drawReport = (meetingId: string) => {
    const box = boxes.get(meetingId);
    const report = [...reports.values()].find((r) => r.meetingId === meetingId);
    if (!box) return;
    if (!report) return box.replaceChildren(h('p', {}, t('rehearsals.notYet')));
    fill(
      box,
      h(
        'p',
        {},
        t('rehearsals.slot', { slot: slotText(report.slot), time: formatTime(report.startedAt) }),
        ' · ',
        t('rehearsals.verdict'),
        ': ',
        h(
          'strong',
          { class: `v-${report.verdict ?? 'pending'}` },
          t(report.verdict ? `verdict.${report.verdict}` : 'verdict.pending'),
        ),
      ),
      matrix(app, report),
      report.escalations.length > 0
        ? h(
            'div',
            { class: 'warn escalations' },
            h('h4', {}, t('rehearsals.escalations')),
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
  };

  const loadReport = async (id: string) => {
    const res = await get<RehearsalReport>(`/api/rehearsals/${encodeURIComponent(id)}`);
    if (!res.ok || !res.body.meetingId) return;
    reports.set(id, res.body);
    drawReport(res.body.meetingId);
  };

  const load = async () => {
    const now = Date.now();
    const res = await get<Meeting[]>(
      `/api/meetings?from=${new Date(now).toISOString()}&to=${new Date(now + 48 * H).toISOString()}`,
    );
    countdowns.length = 0;
    boxes.clear();
    if (!res.ok || res.body.length === 0) return list.replaceChildren(h('p', {}, t('rehearsals.none')));
    list.replaceChildren(
      ...res.body.map((m) => {
        const box = h('div', {}, t('common.loading'));
        boxes.set(m.id, box);
        const countdown = h('p', { class: 'countdown', 'aria-live': 'off' });
        countdowns.push({
          node: countdown,
          deadline: Date.parse(m.start) - rules.deadlineH * H,
          h: rules.deadlineH,
        });
        const status = h('span', { role: 'status' });
        return h(
          'section',
          { class: 'card wide', 'data-meeting': m.id },
          h(
            'h3',
            {},
            `${formatTime(m.start)} · `,
            h('a', { href: `#/meeting/${encodeURIComponent(m.id)}` }, m.title ?? t('meetings.untitled')),
          ),
          countdown,
          mayOperate(app.session)
            ? h(
                'p',
                {},
                h(
                  'button',
                  {
                    type: 'button',
                    onclick: async () => {
                      const r = await api<Rehearsal & { error?: string }>('POST', '/api/rehearsals', {
                        meetingId: m.id,
                      });
                      status.textContent = r.ok ? t('rehearsals.started') : errorText(r);
                      if (r.ok) void loadReport(r.body.id);
                    },
                  },
                  t('rehearsals.now'),
                ),
                ' ',
                status,
              )
            : null,
          box,
        );
      }),
    );
    tick();
    for (const m of res.body) {
      const details = await get<MeetingDetails>(`/api/meetings/${encodeURIComponent(m.id)}`);
      const latest = details.ok
        ? details.body.rehearsals.filter((r) => r.status !== 'superseded' && r.status !== 'cancelled').at(-1)
        : undefined;
      if (latest) await loadReport(latest.id);
      else drawReport(m.id);
    }
  };

  const recent = recentRuns(app);
  add(
    root,
    h('h2', { class: 'page-title' }, t('nav.rehearsals')),
    h('p', {}, t('rehearsals.intro')),
    list,
    recent.node,
  );
  void recent.load();
  void get<typeof rules>('/api/schedule/rules').then((r) => {
    if (r.ok) rules = r.body;
    void load();
  });
  const timer = setInterval(tick, 1000);
  const off = app.live.on((m) => {
    if (m.type === 'rehearsal') {
      const known = reports.get(m.rehearsal.id);
      if (known) {
        reports.set(m.rehearsal.id, { ...known, ...m.rehearsal });
        if (m.rehearsal.meetingId) drawReport(m.rehearsal.meetingId);
      } else if (m.rehearsal.meetingId && boxes.has(m.rehearsal.meetingId)) void loadReport(m.rehearsal.id);
    } else if (m.type === 'rehearsal-room') {
      const known = reports.get(m.rehearsalId);
      if (!known?.meetingId) return;
      reports.set(m.rehearsalId, withAttempt(known, m.attempt));
      drawReport(known.meetingId);
    } else if (m.type === 'escalation') void loadReport(m.escalation.rehearsalId);
    else if (m.type === 'meeting') void load();
    // A run that ends (or a new one) belongs in the recent list.
    if (m.type === 'rehearsal') void recent.load();
  });
  return () => {
    clearInterval(timer);
    off();
  };
};
