/**
 * Speak requests (art. 10.1c, 10.2e): the host room's technician sees the queue (speaking first,
 * then waiting in order) and grants, finishes or dismisses; an operator opens and closes sessions;
 * a room's technician asks for the floor for their room.
 */

import { formatClock } from '../../../../shared/format-time.js';
import type { SessionView } from '../../../speak/speak-service.js';
import { api, get } from '../api.js';
import { errorText } from '../api-error-text.js';
import { type AppContext, mayActForRoom, mayOperate, type Page } from '../app-context.js';
import { add, h } from '../dom.js';
import { t } from '../i18n/i18n.js';

function sessionCard(app: AppContext, s: SessionView, changed: () => void, status: HTMLElement): HTMLElement {
  const host = mayActForRoom(app.session, s.hostRoomId);
  const act = (id: string, action: 'grant' | 'finish' | 'dismiss') =>
    h(
      'button',
      {
        type: 'button',
        class: action === 'dismiss' ? 'small' : '',
        onclick: async () => {
          const res = await api('POST', `/api/speak/${encodeURIComponent(id)}/${action}`);
          status.textContent = res.ok ? '' : errorText(res);
          changed();
        },
      },
      t(`speak.${action}`),
    );
  return h(
    'section',
    { class: 'card wide', 'data-host': s.hostRoomId },
    h('h3', {}, t('speak.host', { room: app.roomName(s.hostRoomId) })),
    s.queue.length === 0
      ? h('p', {}, t('speak.empty'))
      : h(
          'ol',
          { class: 'queue' },
          s.queue.map((r) =>
            h(
              'li',
              { class: `req-${r.state}` },
              h('strong', {}, app.roomName(r.roomId)),
              ` · ${t(r.state === 'granted' ? 'speak.state.granted' : 'speak.state.waiting')} · ${t('speak.requestedAt', { time: formatClock(r.requestedAt) })} `,
              host && r.state === 'waiting' ? act(r.id, 'grant') : null,
              host && r.state === 'granted' ? act(r.id, 'finish') : null,
              host ? act(r.id, 'dismiss') : null,
            ),
          ),
        ),
    mayOperate(app.session)
      ? h(
          'button',
          {
            type: 'button',
            class: 'small',
            onclick: async () => {
              await api('DELETE', `/api/speak/host/${encodeURIComponent(s.hostRoomId)}`);
              changed();
            },
          },
          t('speak.closeSession'),
        )
      : null,
  );
}

export const speakPage: Page = (app, root) => {
  const list = h('div', { id: 'speak-list' }, t('common.loading'));
  const status = h('p', { role: 'alert', class: 'error' });
  const load = async () => {
    const res = await get<SessionView[]>('/api/speak');
    if (!res.ok) return list.replaceChildren(h('p', {}, errorText(res)));
    list.replaceChildren(
      ...(res.body.length === 0
        ? [h('p', {}, t('speak.none'))]
        : res.body.map((s) => sessionCard(app, s, () => void load(), status))),
    );
  };
  const mine = app.session.role === 'technician' && app.session.roomId;
  const opener = () => {
    const select = h(
      'select',
      { id: 'speak-host' },
      [...app.rooms.values()].sort((a, b) => a.no - b.no).map((r) => h('option', { value: r.id }, r.name)),
    );
    return h(
      'form',
      {
        class: 'inline',
        onsubmit: async (e: Event) => {
          e.preventDefault();
          const res = await api('POST', '/api/speak/host', { hostRoomId: select.value });
          status.textContent = res.ok ? '' : errorText(res);
          void load();
        },
      },
      h('label', { for: 'speak-host' }, t('speak.open')),
      select,
      h('button', { type: 'submit' }, t('speak.openButton')),
    );
  };
  const ask = (roomId: string) =>
    h(
      'p',
      {},
      t('speak.mine', { room: app.roomName(roomId) }),
      ' ',
      h(
        'button',
        {
          type: 'button',
          onclick: async () => {
            const res = await api('POST', '/api/speak/request', { roomId });
            status.textContent = res.ok ? '' : errorText(res);
            void load();
          },
        },
        t('room.speakRequest'),
      ),
    );
  add(
    root,
    h('h2', { class: 'page-title' }, t('nav.speak')),
    h('p', {}, t('speak.intro')),
    mayOperate(app.session) ? opener() : null,
    mine ? ask(mine) : null,
    status,
    list,
  );
  void load();
  return app.live.on((m) => {
    if (m.type === 'speak-session') void load();
  });
};
