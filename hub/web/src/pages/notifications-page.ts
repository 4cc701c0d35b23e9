/**
 * The notification log (operators only): every notice (an incident's, a meeting's booking, a
 * rehearsal's verdict, an escalation) with the room it concerns, its channel, recipient and
 * result (sent, skipped and why, failed after its retries, waiting for the end of quiet hours), the
 * counters since the hub started, and what stops notices now (the same as the banner).
 */

import { formatTime } from '../../../../shared/format-time.js';
import { deliveryProblem, type NoticeProblem } from '../../../api/notice-problems.js';
import type { NotificationRecord } from '../../../notify/notifications-repo.js';
import type { NotifyCounters } from '../../../notify/notifier.js';
import { get } from '../api.js';
import { errorText } from '../api-error-text.js';
import type { AppContext, Page } from '../app-context.js';
import { add, h, scrollBox } from '../dom.js';
import { t } from '../i18n/i18n.js';
import { problemText } from '../notice-problem-text.js';
import { roomLink } from './incidents-page.js';

const sum = (c: { email: number; webhook: number }) => c.email + c.webhook;

function recipient(r: NotificationRecord): string {
  const who = r.role ? t(`notifications.role.${r.role as 'operator' | 'technician' | 'partner'}`) : '';
  return [who, r.target].filter(Boolean).join(': ');
}

/** The incident, or the meeting (a link to its page), the notice is about. */
function about(r: NotificationRecord): Node | string {
  if (r.incidentId !== null) return `#${r.incidentId}`;
  if (r.meetingId === null) return '—';
  return h('a', { href: `#/meeting/${encodeURIComponent(r.meetingId)}` }, t('meeting.open'));
}

function eventText(r: NotificationRecord): string {
  switch (r.topic) {
    case 'incident':
      return t(r.event === 'closed' ? 'notifications.event.closed' : 'notifications.event.opened');
    case 'meeting':
      return t(`notifications.event.${r.event as 'registered' | 'changed' | 'cancelled'}`);
    case 'verdict':
      return t('notifications.event.verdict', {
        verdict: t(`verdict.${r.event as 'go' | 'at-risk' | 'no-go'}`),
      });
    case 'escalation':
      return t('notifications.event.escalated');
  }
}

function row(r: NotificationRecord, app: AppContext): HTMLElement {
  const problem = deliveryProblem(r);
  return h(
    'tr',
    { 'data-notification': r.id, 'data-status': r.status },
    h('td', {}, formatTime(r.createdAt)),
    h('td', {}, about(r)),
    // Empty where no one room is concerned (a meeting's notice to the department) or none was kept.
    h('td', {}, r.roomId ? roomLink(app, r.roomId) : ''),
    h('td', {}, eventText(r)),
    h('td', {}, t(`notifications.channel.${r.channel}`)),
    h('td', {}, recipient(r)),
    h(
      'td',
      { class: r.status === 'failed' ? 'error' : r.status === 'skipped' ? 'warn' : '' },
      t(`notifications.status.${r.status}`),
      r.status === 'postponed' && r.dueAt ? ` (${formatTime(r.dueAt)})` : '',
    ),
    h('td', {}, r.attempts),
    h('td', {}, problem ? t(`noticeProblem.${problem}`) : ''),
  );
}

export const notificationsPage: Page = (app, root) => {
  const counters = h('p', { id: 'notification-counters' });
  const setup = h('ul', { id: 'notification-problems', class: 'warn' });
  const list = h('div', { id: 'notification-list' }, t('common.loading'));
  const onlyProblems = h('input', { type: 'checkbox', id: 'only-problems', onchange: () => void load() });
  const load = async () => {
    const [res, problems] = await Promise.all([
      get<{ counters: NotifyCounters; notifications: NotificationRecord[] }>('/api/notifications?limit=500'),
      get<{ problems: NoticeProblem[] }>('/api/notifications/problems'),
    ]);
    if (problems.ok)
      setup.replaceChildren(
        ...problems.body.problems
          .filter((p) => p.count === 0)
          .map((p) => h('li', { 'data-problem': p.code }, problemText(p, app))),
      );
    if (!res.ok) return list.replaceChildren(h('p', { role: 'alert' }, errorText(res)));
    const c = res.body.counters;
    counters.textContent = t('notifications.counters', {
      sent: sum(c.sent),
      failed: sum(c.failed),
      skipped: sum(c.skipped),
      postponed: sum(c.postponed),
    });
    const shown = res.body.notifications.filter((r) => !onlyProblems.checked || deliveryProblem(r) !== null);
    if (shown.length === 0) return list.replaceChildren(h('p', {}, t('notifications.none')));
    const heads = [
      'notifications.time',
      'notifications.about',
      'notifications.room',
      'notifications.event',
      'notifications.channel',
      'notifications.to',
      'notifications.result',
      'notifications.attempts',
      'notifications.reason',
    ] as const;
    list.replaceChildren(
      scrollBox(
        t('notifications.caption'),
        h(
          'table',
          { id: 'notification-table' },
          h('caption', { class: 'sr-only' }, t('notifications.caption')),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              heads.map((k) => h('th', { scope: 'col' }, t(k))),
            ),
          ),
          h(
            'tbody',
            {},
            shown.map((r) => row(r, app)),
          ),
        ),
      ),
    );
  };
  add(
    root,
    h('h2', { class: 'page-title' }, t('nav.notifications')),
    h('p', {}, t('notifications.intro')),
    setup,
    counters,
    h('label', { class: 'check' }, onlyProblems, t('notifications.onlyProblems')),
    list,
  );
  void load();
  return undefined;
};
