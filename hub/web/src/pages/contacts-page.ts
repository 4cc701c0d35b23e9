/** Contacts: every room's technician and each partner's on-call contact; stale ones flagged (art. 4.3, 11.4). */

import { formatDate } from '../../../../shared/format-time.js';
import type { ContactView, PartnerContacts } from '../../../contacts/contact-directory.js';
import { api, get } from '../api.js';
import { errorText } from '../api-error-text.js';
import { mayActForRoom, mayOperate, type Page } from '../app-context.js';
import { add, h } from '../dom.js';
import { t } from '../i18n/i18n.js';

export interface Directory {
  rooms: { roomId: string; roomName: string; contact: ContactView | null }[];
  partners: PartnerContacts[];
}

export function contactCard(c: ContactView | null): HTMLElement {
  if (!c) return h('p', { class: 'warn' }, t('contacts.missing'));
  return h(
    'div',
    { class: 'contact' },
    h('strong', {}, c.name),
    ` · ${c.position}, ${c.unit}`,
    h('br'),
    h('a', { href: `tel:${c.phone.replace(/\s/g, '')}` }, c.phone),
    ' · ',
    h('a', { href: `mailto:${c.email}` }, c.email),
    c.stale ? h('p', { class: 'warn' }, `${t('contacts.stale')}: ${c.staleReasons.join('; ')}`) : null,
  );
}

export const contactsPage: Page = (app, root) => {
  const body = h('div', {}, t('common.loading'));
  add(
    root,
    h('h2', { class: 'page-title' }, t('nav.contacts')),
    mayOperate(app.session)
      ? h('p', {}, h('a', { href: '/api/contacts/export', download: '' }, t('contacts.export')))
      : null,
    body,
  );
  const load = async () => {
    const res = await get<Directory>('/api/contacts');
    if (!res.ok) return body.replaceChildren(h('p', {}, errorText(res)));
    const confirm = (roomId: string) =>
      h(
        'button',
        {
          type: 'button',
          onclick: async () => {
            const r = await api<{ error?: string }>(
              'POST',
              `/api/contacts/rooms/${encodeURIComponent(roomId)}/confirm`,
            );
            if (r.ok) void load();
          },
        },
        t('contacts.confirm'),
      );
    body.replaceChildren(
      h('h3', {}, t('contacts.partners')),
      h(
        'ul',
        { class: 'contacts' },
        res.body.partners.map((p) => h('li', {}, h('h4', {}, p.partnerName), contactCard(p.contact))),
      ),
      h('h3', {}, t('contacts.technicians')),
      h(
        'ul',
        { class: 'contacts' },
        res.body.rooms.map((r) =>
          h(
            'li',
            {},
            h('h4', {}, r.roomName),
            contactCard(r.contact),
            r.contact ? h('p', { class: 'muted' }, `✓ ${formatDate(r.contact.confirmedAt)}`) : null,
            r.contact && app.session.role === 'technician' && mayActForRoom(app.session, r.roomId)
              ? confirm(r.roomId)
              : null,
          ),
        ),
      ),
    );
  };
  void load();
  return undefined;
};
