/** Incidents: open, closed or all, each with who to call; an operator acknowledges with a note. */

import { formatDuration, formatTime } from '../../../../shared/format-time.js';
import type { IncidentContacts } from '../../../contacts/contact-directory.js';
import type { Incident } from '../../../incidents/incidents-repo.js';
import { api, get } from '../api.js';
import { type AppContext, mayOperate, type Page } from '../app-context.js';
import { add, h, pressOnly } from '../dom.js';
import { hasKey, t } from '../i18n/i18n.js';

export type IncidentRow = Incident & { contacts: IncidentContacts };

const units = () => ({ h: t('time.h'), min: t('time.min'), s: t('time.s') });

function causeText(cause: string): string {
  const key = `incidentCause.${cause}`;
  return hasKey(key) ? t(key) : cause;
}

function callList(c: IncidentContacts): string {
  const who = [
    c.technician ? `${c.technician.name} ${c.technician.phone}` : null,
    ...c.partners.map((p) => (p.contact ? `${p.partnerName}: ${p.contact.name} ${p.contact.phone}` : null)),
  ].filter(Boolean);
  return who.length > 0 ? t('incidents.call', { who: who.join(' · ') }) : '';
}

function ackForm(incident: IncidentRow, done: () => void): HTMLElement {
  const note = h('input', { id: `ack-note-${incident.id}`, required: true, maxlength: 1000 });
  const error = h('span', { class: 'error', role: 'alert' });
  return h(
    'form',
    {
      class: 'inline',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const res = await api<{ error?: string }>('POST', `/api/incidents/${incident.id}/ack`, {
          note: note.value,
        });
        if (res.ok) done();
        else error.textContent = t('common.error', { error: res.body.error ?? res.status });
      },
    },
    h('label', { for: `ack-note-${incident.id}`, class: 'sr-only' }, t('incidents.note')),
    note,
    h('button', { type: 'submit' }, t('incidents.ack')),
    error,
  );
}

export function incidentList(app: AppContext, list: IncidentRow[], changed: () => void): HTMLElement {
  if (list.length === 0) return h('p', {}, t('incidents.none'));
  return h(
    'ul',
    { class: 'incidents' },
    list.map((i) =>
      h(
        'li',
        { class: `incident sev-${i.severity} ${i.closedAt ? 'closed' : 'open'}`, 'data-incident': i.id },
        h('strong', {}, causeText(i.cause)),
        ' — ',
        app.roomName(i.roomId),
        h(
          'p',
          { class: 'muted' },
          `${t('incidents.opened')}: ${formatTime(i.openedAt)}`,
          i.closedAt
            ? ` · ${t('incidents.closedAt')}: ${formatTime(i.closedAt)}`
            : ` · ${t('incidents.open')}`,
          i.recoverSec !== null
            ? ` · ${t('incidents.recover')}: ${formatDuration(i.recoverSec * 1000, units())}`
            : '',
        ),
        h('p', {}, callList(i.contacts)),
        i.ack
          ? h(
              'p',
              { class: 'ack' },
              t('incidents.acked', { by: i.ack.by, time: formatTime(i.ack.at), note: i.ack.note }),
            )
          : mayOperate(app.session)
            ? ackForm(i, changed)
            : null,
      ),
    ),
  );
}

export const incidentsPage: Page = (app, root) => {
  let state: 'open' | 'closed' | 'all' = 'open';
  const list = h('div', { id: 'incident-list' }, t('common.loading'));
  const load = async () => {
    const res = await get<IncidentRow[]>(`/api/incidents?state=${state}&limit=200`);
    list.replaceChildren(
      res.ok ? incidentList(app, res.body, () => void load()) : h('p', {}, String(res.status)),
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
    h('div', { class: 'range', role: 'group' }, tab('open'), tab('closed'), tab('all')),
    list,
  );
  void load();
  return app.live.on((m) => {
    if (m.type === 'incident') void load();
  });
};
