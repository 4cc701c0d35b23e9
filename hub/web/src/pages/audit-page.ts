/**
 * The audit log (operators only): whether its hash chain is whole, checked when the page opens and
 * on request, and the entries newest first, filtered by who, what and room, each said in words from
 * its action and details (a room by its name, a meeting as a link, a written reason as written).
 */

import { formatTime } from '../../../../shared/format-time.js';
import type { AuditEntry, AuditVerdict } from '../../../security/audit-log.js';
import { isHubAccount } from '../../../security/mqtt-policy.js';
import { get } from '../api.js';
import { errorText } from '../api-error-text.js';
import type { AppContext, Page } from '../app-context.js';
import { add, fill, h, scrollBox } from '../dom.js';
import { hasKey, t } from '../i18n/i18n.js';

const families = ['login', 'power', 'meeting', 'user', 'credentials', 'contact', 'incident', 'sim'] as const;

export function auditActionText(action: string): string {
  const key = `auditAction.${action}`;
  return hasKey(key) ? t(key) : t('auditAction.other');
}

/** Why the chain broke, from `verify()`'s reason. */
function chainReason(reason: string): string {
  if (/missing/.test(reason)) return t('audit.chain.gap');
  if (/does not follow/.test(reason)) return t('audit.chain.link');
  if (/does not match/.test(reason)) return t('audit.chain.content');
  return t('audit.chain.other');
}

export function auditDetailText(e: Pick<AuditEntry, 'details' | 'code'>, app: AppContext): string[] {
  const d = e.details;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  const words: string[] = [];
  if (text(d.username)) words.push(t('auditDetail.user', { username: text(d.username)! }));
  const role = `role.${String(d.role)}`;
  if (hasKey(role)) words.push(t('auditDetail.role', { role: t(role) }));
  // A broker account is a room's (its id) or a hub's own.
  const account = text(d.account);
  if (account && isHubAccount(account)) words.push(t('auditDetail.hubAccount'));
  else if (account)
    words.push(
      t('auditDetail.account', { account: app.rooms.has(account) ? app.roomName(account) : account }),
    );
  if (text(d.start)) words.push(t('auditDetail.meeting', { start: formatTime(text(d.start)!) }));
  if (d.emergency === true) words.push(t('auditDetail.emergency'));
  if (text(d.until) && (d.state === 'on' || d.state === 'off'))
    words.push(
      t('auditDetail.until', {
        state: t(d.state === 'on' ? 'room.on' : 'room.off').toLowerCase(),
        time: formatTime(text(d.until)!),
      }),
    );
  if (e.code === 'freeze') words.push(t('auditDetail.refusedFreeze'));
  else if (text(d.freeze)) words.push(t('auditDetail.inFreeze'));
  if (d.force === true) words.push(t('auditDetail.forced'));
  if (text(d.reason)) words.push(t('auditDetail.reason', { reason: text(d.reason)! }));
  if (text(d.fault)) words.push(t('auditDetail.fault', { fault: text(d.fault)! }));
  if (text(d.address)) words.push(t('auditDetail.from', { address: text(d.address)! }));
  return words;
}

function verification(box: HTMLElement): () => Promise<void> {
  return async () => {
    const res = await get<AuditVerdict & { checkedAt: string }>('/api/audit/verification');
    if (!res.ok) return fill(box, h('p', { role: 'alert' }, errorText(res)));
    const v = res.body;
    box.className = `notice chain ${v.ok ? 'chain-ok' : 'chain-broken'}`;
    fill(
      box,
      h(
        'p',
        { id: 'audit-chain', role: v.ok ? 'status' : 'alert' },
        v.ok
          ? t('audit.chainOk', { rows: v.rows, time: formatTime(v.checkedAt) })
          : t('audit.chainBroken', {
              id: v.badId,
              reason: chainReason(v.reason),
              time: formatTime(v.checkedAt),
            }),
      ),
    );
  };
}

function select(id: string, options: [string, string][]): HTMLSelectElement {
  return h(
    'select',
    { id },
    h('option', { value: '' }, t('audit.any')),
    options.map(([value, label]) => h('option', { value }, label)),
  );
}

function entriesTable(app: AppContext, list: AuditEntry[]): HTMLElement {
  if (list.length === 0) return h('p', {}, t('audit.none'));
  return scrollBox(
    t('audit.caption'),
    h(
      'table',
      { id: 'audit-table' },
      h('caption', { class: 'sr-only' }, t('audit.caption')),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            t('audit.time'),
            t('audit.actor'),
            t('audit.action'),
            t('audit.result'),
            t('audit.room'),
            t('audit.details'),
          ].map((l) => h('th', { scope: 'col' }, l)),
        ),
      ),
      h(
        'tbody',
        {},
        list.map((e) => {
          const roomId = typeof e.details.roomId === 'string' ? e.details.roomId : null;
          const meetingId = typeof e.details.meetingId === 'string' ? e.details.meetingId : null;
          return h(
            'tr',
            { 'data-audit': e.id, 'data-action': e.action },
            h('td', {}, formatTime(e.at)),
            h('td', {}, e.actor),
            h('td', {}, auditActionText(e.action)),
            // The code stays in the tooltip: the words of the refusal are in the details.
            h(
              'td',
              { class: e.result === 'ok' ? '' : 'error', title: e.code ?? '' },
              t(`audit.result.${e.result}`),
            ),
            h(
              'td',
              {},
              roomId ? h('a', { href: `#/room/${encodeURIComponent(roomId)}` }, app.roomName(roomId)) : '',
            ),
            h(
              'td',
              {},
              auditDetailText(e, app).join(' · '),
              meetingId
                ? [' ', h('a', { href: `#/meeting/${encodeURIComponent(meetingId)}` }, t('meeting.open'))]
                : null,
            ),
          );
        }),
      ),
    ),
  );
}

export const auditPage: Page = (app, root) => {
  const chain = h('div', { class: 'notice chain', id: 'audit-chain-box' });
  const verify = verification(chain);
  const list = h('div', { id: 'audit-list' }, t('common.loading'));
  const actor = select('audit-actor', []);
  const action = select(
    'audit-action',
    families.map((f) => [f, t(`auditFamily.${f}`)]),
  );
  const room = select(
    'audit-room',
    [...app.rooms.values()].sort((a, b) => a.no - b.no).map((r) => [r.id, r.name]),
  );
  const load = async () => {
    const query = new URLSearchParams({ limit: '500' });
    if (actor.value) query.set('actor', actor.value);
    if (action.value) query.set('action', action.value);
    if (room.value) query.set('room', room.value);
    const res = await get<AuditEntry[]>(`/api/audit?${query}`);
    list.replaceChildren(res.ok ? entriesTable(app, res.body) : h('p', { role: 'alert' }, errorText(res)));
  };
  void get<string[]>('/api/audit/actors').then((res) => {
    if (res.ok) actor.append(...res.body.map((a) => h('option', { value: a }, a)));
  });
  add(
    root,
    h('h2', { class: 'page-title' }, t('nav.audit')),
    h('p', {}, t('audit.intro')),
    chain,
    h(
      'p',
      {},
      h('button', { type: 'button', id: 'audit-verify', onclick: () => void verify() }, t('audit.verify')),
    ),
    h(
      'form',
      {
        class: 'toolbar',
        id: 'audit-filter',
        onsubmit: (e: Event) => {
          e.preventDefault();
          void load();
        },
      },
      h('span', { class: 'field' }, h('label', { for: 'audit-actor' }, t('audit.actor')), actor),
      h('span', { class: 'field' }, h('label', { for: 'audit-action' }, t('audit.action')), action),
      h('span', { class: 'field' }, h('label', { for: 'audit-room' }, t('audit.room')), room),
      h('button', { type: 'submit' }, t('audit.filter')),
    ),
    list,
  );
  void verify();
  void load();
  return undefined;
};
