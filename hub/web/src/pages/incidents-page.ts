/**
 * Incidents: open, closed or all. Each says its severity in a shape and a word (not by colour
 * alone), its room as a link, who to call with `tel:` links, and who took it on. An open incident
 * is acknowledged with a labelled note by the department or by the room's own technician (the hub
 * enforces both); a closed one is history, read only.
 */

import { formatDuration, formatTime } from '../../../../shared/format-time.js';
import type { Severity } from '../../../../shared/schemas.js';
import type { ContactView, IncidentContacts } from '../../../contacts/contact-directory.js';
import type { Incident } from '../../../incidents/incidents-repo.js';
import { actorText } from '../actor-text.js';
import { api, get } from '../api.js';
import { errorText } from '../api-error-text.js';
import { type AppContext, mayActForRoom, mayOperate, type Page } from '../app-context.js';
import { add, h, pressOnly } from '../dom.js';
import { hasKey, t } from '../i18n/i18n.js';

export type IncidentRow = Incident & { contacts: IncidentContacts };

const units = () => ({ h: t('time.h'), min: t('time.min'), s: t('time.s') });

/** A shape per severity, so the list reads without colour (WCAG 1.4.1). */
const severityIcon: Record<Severity, string> = { critical: '✖', warning: '▲', info: '●' };

export function incidentCauseText(cause: string): string {
  const key = `incidentCause.${cause}`;
  return hasKey(key) ? t(key) : t('incidentCause.other');
}

export function severityBadge(severity: Severity): HTMLElement {
  return h(
    'span',
    { class: `sev-badge sev-${severity}` },
    h('span', { 'aria-hidden': 'true' }, `${severityIcon[severity]} `),
    t(`severity.${severity}`),
  );
}

/** A telephone number that dials from a phone or a softphone. */
export function phoneLink(phone: string): HTMLElement {
  return h('a', { href: `tel:${phone.replace(/[\s.-]/g, '')}`, class: 'nowrap' }, phone);
}

export function roomLink(app: AppContext, roomId: string): HTMLElement {
  return h('a', { href: `#/room/${encodeURIComponent(roomId)}` }, app.roomName(roomId));
}

function person(label: string, c: ContactView): HTMLElement {
  return h('span', { class: 'callee' }, `${label}: ${c.name} `, phoneLink(c.phone));
}

function callList(app: AppContext, i: IncidentRow): HTMLElement {
  const c = i.contacts;
  const who: HTMLElement[] = [];
  if (c.technician) who.push(person(t('incidents.callTechnician'), c.technician));
  else if (i.roomId)
    who.push(
      h(
        'span',
        { class: 'warn' },
        t('incidents.noTechnician'),
        mayOperate(app.session) ? [' · ', h('a', { href: '#/contacts' }, t('incidents.fixContacts'))] : null,
      ),
    );
  for (const p of c.partners) if (p.contact) who.push(person(p.partnerName, p.contact));
  return h(
    'p',
    { class: 'call' },
    who.length > 0 ? `${t('incidents.call')} ` : null,
    who.flatMap((w, n) => (n === 0 ? [w] : [' · ', w])),
  );
}

function ackForm(incident: IncidentRow, done: () => void): HTMLElement {
  const id = `ack-note-${incident.id}`;
  const note = h('input', {
    id,
    required: true,
    maxlength: 1000,
    placeholder: t('incidents.noteHint'),
    autocomplete: 'off',
  });
  const error = h('span', { class: 'error', role: 'alert', id: `${id}-error` });
  return h(
    'form',
    {
      class: 'inline ack-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.textContent = '';
        const res = await api('POST', `/api/incidents/${incident.id}/ack`, { note: note.value });
        if (res.ok) return done();
        error.textContent = errorText(res);
        note.setAttribute('aria-describedby', error.id);
      },
    },
    h('label', { for: id }, t('incidents.note')),
    note,
    h('button', { type: 'submit' }, t('incidents.ack')),
    error,
  );
}

function incidentItem(app: AppContext, i: IncidentRow, changed: () => void): HTMLElement {
  const mayAck = i.roomId ? mayActForRoom(app.session, i.roomId) : mayOperate(app.session);
  let ack: HTMLElement | null = null;
  if (i.ack)
    ack = h(
      'p',
      { class: 'ack' },
      t('incidents.acked', {
        by: actorText(i.ack.by, app.roomName),
        time: formatTime(i.ack.at),
        note: i.ack.note,
      }),
    );
  else if (i.closedAt) ack = h('p', { class: 'muted' }, t('incidents.closedReadOnly'));
  else if (mayAck) ack = ackForm(i, changed);
  return h(
    'li',
    { class: `incident sev-${i.severity} ${i.closedAt ? 'closed' : 'open'}`, 'data-incident': i.id },
    h(
      'p',
      { class: 'incident-head' },
      severityBadge(i.severity),
      ' ',
      h('strong', {}, incidentCauseText(i.cause)),
      ' — ',
      i.roomId ? roomLink(app, i.roomId) : t('incidents.network'),
    ),
    i.roomId === null && i.rooms.length > 0
      ? h(
          'p',
          {},
          t('incidents.offlineRooms'),
          i.rooms.flatMap((id, n) => (n === 0 ? [roomLink(app, id)] : [', ', roomLink(app, id)])),
        )
      : null,
    h(
      'p',
      { class: 'muted' },
      `${t('incidents.opened')}: ${formatTime(i.openedAt)}`,
      i.closedAt ? ` · ${t('incidents.closedAt')}: ${formatTime(i.closedAt)}` : ` · ${t('incidents.open')}`,
      i.recoverSec !== null
        ? ` · ${t('incidents.recover')}: ${formatDuration(i.recoverSec * 1000, units())}`
        : '',
    ),
    callList(app, i),
    ack,
  );
}

export function incidentList(app: AppContext, list: IncidentRow[], changed: () => void): HTMLElement {
  if (list.length === 0) return h('p', {}, t('incidents.none'));
  return h(
    'ul',
    { class: 'incidents' },
    list.map((i) => incidentItem(app, i, changed)),
  );
}

export const incidentsPage: Page = (app, root) => {
  let state: 'open' | 'closed' | 'all' = 'open';
  const list = h('div', { id: 'incident-list' }, t('common.loading'));
  const load = async () => {
    const res = await get<IncidentRow[]>(`/api/incidents?state=${state}&limit=200`);
    list.replaceChildren(
      res.ok ? incidentList(app, res.body, () => void load()) : h('p', { role: 'alert' }, errorText(res)),
    );
  };
  const tab = (value: typeof state) =>
    h(
      'button',
      {
        type: 'button',
        'aria-pressed': String(state === value),
        onclick: (e: Event) => {
          state = value;
          pressOnly(e.currentTarget as Element);
          void load();
        },
      },
      t(`incidents.${value}`),
    );
  add(
    root,
    h('h2', { class: 'page-title' }, t('nav.incidents')),
    h(
      'div',
      { class: 'range', role: 'group', 'aria-label': t('nav.incidents') },
      tab('open'),
      tab('closed'),
      tab('all'),
    ),
    list,
  );
  void load();
  return app.live.on((m) => {
    if (m.type === 'incident') void load();
  });
};
