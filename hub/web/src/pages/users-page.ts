/**
 * Users (operators only): who may log in, with their role and room; an operator creates a user (the
 * hub generates the password and it is shown once), changes a role, or resets a password. A refusal
 * is shown next to the field it concerns.
 */

import { formatTime } from '../../../../shared/format-time.js';
import type { Role, UserListing } from '../../../security/user-store.js';
import { api, get } from '../api.js';
import { errorText } from '../api-error-text.js';
import type { AppContext, Page } from '../app-context.js';
import { confirmAction } from '../confirm-dialog.js';
import { add, h, scrollBox } from '../dom.js';
import { fieldErrors } from '../field-errors.js';
import { t } from '../i18n/i18n.js';

const roles: Role[] = ['operator', 'technician', 'viewer'];

function roleSelect(id: string, value: Role): HTMLSelectElement {
  return h(
    'select',
    { id },
    roles.map((r) => h('option', { value: r, selected: r === value }, t(`role.${r}`))),
  );
}

function roomSelect(app: AppContext, id: string, value: string | null): HTMLSelectElement {
  return h(
    'select',
    { id },
    h('option', { value: '' }, t('users.noRoom')),
    [...app.rooms.values()]
      .sort((a, b) => a.no - b.no)
      .map((r) => h('option', { value: r.id, selected: r.id === value }, r.name)),
  );
}

/** The room select applies to a technician only. */
function linkRoomToRole(role: HTMLSelectElement, room: HTMLSelectElement): void {
  const sync = () => {
    room.disabled = role.value !== 'technician';
  };
  role.addEventListener('change', sync);
  sync();
}

function passwordNote(username: string, password: string): HTMLElement {
  return h(
    'div',
    { class: 'notice password', role: 'status' },
    h('p', {}, t('users.password', { username }), h('code', {}, password)),
    h('p', { class: 'muted' }, t('users.passwordOnce')),
  );
}

function createForm(app: AppContext, status: HTMLElement, changed: () => void): HTMLElement {
  const username = h('input', {
    id: 'u-username',
    required: true,
    maxlength: 64,
    autocomplete: 'off',
    'aria-describedby': 'u-username-hint',
  });
  const role = roleSelect('u-role', 'technician');
  const room = roomSelect(app, 'u-room', null);
  linkRoomToRole(role, room);
  const form = h(
    'form',
    { id: 'user-create', class: 'card', novalidate: true },
    h('h3', {}, t('users.create')),
    h(
      'div',
      { class: 'fields' },
      h('label', { for: 'u-username' }, t('users.username')),
      h(
        'span',
        { class: 'slot', 'data-error-slot': '' },
        username,
        h('span', { class: 'hint', id: 'u-username-hint' }, t('users.usernameHint')),
      ),
      h('label', { for: 'u-role' }, t('users.role')),
      h('span', { class: 'slot', 'data-error-slot': '' }, role),
      h('label', { for: 'u-room' }, t('users.room')),
      h('span', { class: 'slot', 'data-error-slot': '' }, room),
    ),
    h('button', { type: 'submit', id: 'u-submit' }, t('users.create')),
  );
  const errors = fieldErrors(form, { username, role, roomId: room });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    status.replaceChildren();
    const res = await api<{ username: string; password: string }>('POST', '/api/users', {
      username: username.value.trim(),
      role: role.value,
      roomId: role.value === 'technician' && room.value ? room.value : null,
    });
    if (!res.ok) return errors.show(res);
    form.reset();
    linkRoomToRole(role, room);
    status.replaceChildren(
      h('p', { class: 'ok' }, t('users.created', { username: res.body.username })),
      passwordNote(res.body.username, res.body.password),
    );
    changed();
  });
  return form;
}

function userRow(app: AppContext, u: UserListing, status: HTMLElement, changed: () => void): HTMLElement {
  const id = `user-${u.username.replace(/[^a-z0-9-]/g, '-')}`;
  const role = roleSelect(`${id}-role`, u.role);
  const room = roomSelect(app, `${id}-room`, u.roomId);
  linkRoomToRole(role, room);
  const error = h('span', { class: 'error', role: 'alert', id: `${id}-error` });
  const save = h(
    'button',
    {
      type: 'button',
      class: 'small',
      onclick: async () => {
        error.textContent = '';
        status.replaceChildren();
        const res = await api('PATCH', `/api/users/${encodeURIComponent(u.username)}`, {
          role: role.value,
          roomId: role.value === 'technician' && room.value ? room.value : null,
        });
        if (!res.ok) {
          error.textContent = errorText(res);
          return;
        }
        status.replaceChildren(h('p', { class: 'ok' }, t('users.saved', { username: u.username })));
        changed();
      },
    },
    t('users.save'),
  );
  const reset = h(
    'button',
    {
      type: 'button',
      class: 'small',
      onclick: async () => {
        if (!(await confirmAction(t('users.confirmReset', { username: u.username }), t('users.reset'))))
          return;
        const res = await api<{ password: string }>(
          'POST',
          `/api/users/${encodeURIComponent(u.username)}/password`,
        );
        if (!res.ok) {
          error.textContent = errorText(res);
          return;
        }
        status.replaceChildren(passwordNote(u.username, res.body.password));
      },
    },
    t('users.reset'),
  );
  return h(
    'tr',
    { 'data-user': u.username },
    h('th', { scope: 'row' }, u.username),
    h('td', {}, h('label', { for: role.id, class: 'sr-only' }, `${t('users.role')} ${u.username}`), role),
    h('td', {}, h('label', { for: room.id, class: 'sr-only' }, `${t('users.room')} ${u.username}`), room),
    h('td', {}, formatTime(u.createdAt)),
    h('td', { class: 'actions' }, save, reset, error),
  );
}

export const usersPage: Page = (app, root) => {
  const status = h('div', { id: 'users-status' });
  const list = h('div', { id: 'users' }, t('common.loading'));
  const load = async () => {
    const res = await get<UserListing[]>('/api/users');
    if (!res.ok) return list.replaceChildren(h('p', { role: 'alert' }, errorText(res)));
    list.replaceChildren(
      scrollBox(
        t('users.list'),
        h(
          'table',
          { id: 'user-table' },
          h('caption', { class: 'sr-only' }, t('users.list')),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [
                t('users.username'),
                t('users.role'),
                t('users.room'),
                t('users.createdAt'),
                t('users.actions'),
              ].map((label) => h('th', { scope: 'col' }, label)),
            ),
          ),
          h(
            'tbody',
            {},
            res.body.map((u) => userRow(app, u, status, () => void load())),
          ),
        ),
      ),
    );
  };
  add(
    root,
    h('h2', { class: 'page-title' }, t('nav.users')),
    h('p', {}, t('users.intro')),
    status,
    createForm(app, status, () => void load()),
    h('h3', {}, t('users.list')),
    list,
  );
  void load();
  return undefined;
};
