/**
 * Contacts (art. 4.3, 9.4, 11.4): each room's technician and each partner's on-call contact, stale
 * ones flagged. An operator adds, edits and removes a contact in place (a refusal beside its field),
 * downloads the directory as CSV and imports one: a file with bad rows is refused whole, each bad
 * row named by its line and column with the reason. A technician confirms their own details.
 */

import { formatDate } from '../../../../shared/format-time.js';
import type { ContactView, PartnerContacts } from '../../../contacts/contact-directory.js';
import type { CsvRowError } from '../../../contacts/contacts-csv.js';
import { api, get, sendText } from '../api.js';
import { errorText } from '../api-error-text.js';
import { mayActForRoom, mayOperate, type Page } from '../app-context.js';
import { confirmAction } from '../confirm-dialog.js';
import { add, fill, h, scrollBox } from '../dom.js';
import { fieldErrors } from '../field-errors.js';
import { hasKey, t } from '../i18n/i18n.js';
import { phoneLink } from './incidents-page.js';

export interface Directory {
  rooms: { roomId: string; roomName: string; contact: ContactView | null }[];
  partners: PartnerContacts[];
}

/** The hub's stale reasons (`email bounced`, `not confirmed for 200 days`) in words. */
function staleText(reason: string): string {
  const days = /not confirmed for (\d+) days/.exec(reason);
  if (days) return t('contacts.staleReason.old', { days: Number(days[1]) });
  return t('contacts.staleReason.bounced');
}

export function contactCard(c: ContactView | null): HTMLElement {
  if (!c) return h('p', { class: 'warn' }, t('contacts.missing'));
  return h(
    'div',
    { class: 'contact' },
    h('strong', {}, c.name),
    c.position ? ` · ${c.position}, ${c.unit}` : ` · ${c.unit}`,
    h('br'),
    phoneLink(c.phone),
    ' · ',
    h('a', { href: `mailto:${c.email}` }, c.email),
    c.stale
      ? h('p', { class: 'warn' }, `${t('contacts.stale')}: ${c.staleReasons.map(staleText).join('; ')}`)
      : null,
  );
}

type Owner = { kind: 'rooms' | 'partners'; id: string; name: string };
const fields = ['name', 'unit', 'position', 'phone', 'email'] as const;
const labels = {
  name: 'contacts.name',
  unit: 'contacts.unit',
  position: 'contacts.position',
  phone: 'contacts.phone',
  email: 'contacts.email',
} as const;

/** The add / edit form of one owner's contact, in place of its card. */
function contactForm(
  owner: Owner,
  current: ContactView | null,
  done: (message: string) => void,
): HTMLElement {
  const prefix = `c-${owner.kind}-${owner.id}`;
  const inputs = Object.fromEntries(
    fields.map((f) => [
      f,
      h('input', {
        id: `${prefix}-${f}`,
        value: current?.[f] ?? '',
        required: f !== 'position',
        maxlength: f === 'unit' ? 200 : 100,
        type: f === 'email' ? 'email' : f === 'phone' ? 'tel' : 'text',
        autocomplete: 'off',
        'aria-describedby': f === 'phone' || f === 'email' ? `${prefix}-${f}-hint` : null,
      }),
    ]),
  ) as Record<(typeof fields)[number], HTMLInputElement>;
  const form = h(
    'form',
    { class: 'contact-form', novalidate: true, 'data-owner': owner.id },
    h('h5', {}, t(current ? 'contacts.editOf' : 'contacts.addOf', { owner: owner.name })),
    h(
      'div',
      { class: 'fields' },
      fields.map((f) => [
        h('label', { for: inputs[f].id }, t(labels[f])),
        h(
          'span',
          { class: 'slot', 'data-error-slot': '' },
          inputs[f],
          f === 'phone' || f === 'email'
            ? h(
                'span',
                { class: 'hint', id: `${prefix}-${f}-hint` },
                t(f === 'phone' ? 'contacts.phoneHint' : 'contacts.emailHint'),
              )
            : null,
        ),
      ]),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, t('common.save')),
      h('button', { type: 'button', onclick: () => done('') }, t('common.cancel')),
    ),
  );
  const errors = fieldErrors(form, inputs);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    const body = Object.fromEntries(fields.map((f) => [f, inputs[f].value.trim()]));
    const res = await api('PUT', `/api/contacts/${owner.kind}/${encodeURIComponent(owner.id)}`, body);
    if (!res.ok) return errors.show(res);
    done(t('contacts.saved', { owner: owner.name }));
  });
  queueMicrotask(() => inputs.name.focus());
  return form;
}

function importErrors(errors: CsvRowError[]): HTMLElement {
  const column = (field: string) => {
    const key = `csvField.${field}`;
    return hasKey(key) ? t(key) : field;
  };
  const reason = (code: string) => {
    const key = `contactError.${code}`;
    return hasKey(key) ? t(key) : t('contactError.type');
  };
  return scrollBox(
    t('contacts.errorsCaption'),
    h(
      'table',
      { id: 'import-errors' },
      h('caption', {}, t('contacts.errorsCaption')),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [t('contacts.line'), t('contacts.column'), t('contacts.problem')].map((l) =>
            h('th', { scope: 'col' }, l),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        errors.map((e) =>
          h(
            'tr',
            { 'data-line': e.line },
            h('td', {}, e.line),
            h('td', {}, column(e.field)),
            h('td', {}, reason(e.code)),
          ),
        ),
      ),
    ),
  );
}

function importForm(changed: () => void): HTMLElement {
  const file = h('input', { type: 'file', id: 'contacts-file', accept: '.csv,text/csv' });
  const result = h('div', { id: 'import-result', role: 'status' });
  return h(
    'form',
    {
      class: 'card',
      id: 'contacts-import',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const chosen = file.files?.[0];
        if (!chosen) {
          result.replaceChildren(h('p', { class: 'error' }, t('contacts.importNoFile')));
          return;
        }
        const res = await sendText<{ imported?: number; errors?: CsvRowError[] }>(
          '/api/contacts/import',
          await chosen.text(),
          'text/csv',
        );
        if (res.ok) {
          result.replaceChildren(
            h('p', { class: 'ok' }, t('contacts.imported', { n: res.body.imported ?? 0 })),
          );
          changed();
        } else if (res.body?.errors)
          result.replaceChildren(
            h('p', { class: 'error' }, t('contacts.importRefused', { n: res.body.errors.length })),
            importErrors(res.body.errors),
          );
        else result.replaceChildren(h('p', { class: 'error' }, errorText(res)));
      },
    },
    h('h3', {}, t('contacts.import')),
    h(
      'div',
      { class: 'actions' },
      h('label', { for: 'contacts-file' }, t('contacts.importFile')),
      file,
      h('button', { type: 'submit' }, t('contacts.importButton')),
    ),
    result,
  );
}

export const contactsPage: Page = (app, root) => {
  const body = h('div', {}, t('common.loading'));
  const status = h('p', { id: 'contacts-status', role: 'status', class: 'ok' });
  const operator = mayOperate(app.session);
  add(
    root,
    h('h2', { class: 'page-title' }, t('nav.contacts')),
    status,
    operator
      ? h(
          'p',
          {},
          h('a', { href: '/api/contacts/export', download: '', class: 'button' }, t('contacts.export')),
        )
      : null,
    operator ? importForm(() => void load()) : null,
    body,
  );

  /** One owner's card; an operator edits it in place. */
  const entry = (owner: Owner, contact: ContactView | null, extra: (HTMLElement | null)[]) => {
    const item = h('li', { 'data-contact': `${owner.kind}/${owner.id}` });
    const saved = (message: string) => {
      if (!message) return show();
      status.textContent = message;
      void load();
    };
    const remove = async () => {
      if (!(await confirmAction(t('contacts.confirmRemove', { owner: owner.name }), t('contacts.remove'))))
        return;
      const res = await api('DELETE', `/api/contacts/${owner.kind}/${encodeURIComponent(owner.id)}`);
      status.textContent = res.ok ? t('contacts.removed', { owner: owner.name }) : errorText(res);
      void load();
    };
    const actions = () =>
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'small',
            'aria-label': t(contact ? 'contacts.editOf' : 'contacts.addOf', { owner: owner.name }),
            onclick: () => fill(item, h('h4', {}, owner.name), contactForm(owner, contact, saved)),
          },
          contact ? t('contacts.edit') : t('contacts.add'),
        ),
        contact
          ? h('button', { type: 'button', class: 'small', onclick: remove }, t('contacts.remove'))
          : null,
      );
    const show = () =>
      fill(item, h('h4', {}, owner.name), contactCard(contact), ...extra, operator ? actions() : null);
    show();
    return item;
  };

  const load = async () => {
    const res = await get<Directory>('/api/contacts');
    if (!res.ok) return body.replaceChildren(h('p', { role: 'alert' }, errorText(res)));
    const confirm = (roomId: string) =>
      h(
        'button',
        {
          type: 'button',
          onclick: async () => {
            const r = await api('POST', `/api/contacts/rooms/${encodeURIComponent(roomId)}/confirm`);
            status.textContent = r.ok ? t('contacts.confirmed') : errorText(r);
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
        res.body.partners.map((p) =>
          entry({ kind: 'partners', id: p.partnerId, name: p.partnerName }, p.contact, []),
        ),
      ),
      h('h3', {}, t('contacts.technicians')),
      h(
        'ul',
        { class: 'contacts' },
        res.body.rooms.map((r) =>
          entry({ kind: 'rooms', id: r.roomId, name: r.roomName }, r.contact, [
            r.contact ? h('p', { class: 'muted' }, `✓ ${formatDate(r.contact.confirmedAt)}`) : null,
            r.contact && app.session.role === 'technician' && mayActForRoom(app.session, r.roomId)
              ? confirm(r.roomId)
              : null,
          ]),
        ),
      ),
    );
  };
  void load();
  return undefined;
};
