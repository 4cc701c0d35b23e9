/**
 * Fleet: the MCU on top, then the 28 rooms as tiles grouped by kind, coloured by their health with
 * the reasons in words, online or offline with "last seen", and their power state apart (a room
 * switched off is normal, art. 6.5; an off room with a fault looks faulty); live without reload. A
 * tile that changes is replaced alone, so keyboard focus stays where it was.
 */

import { formatTime } from '../../../../shared/format-time.js';
import type { RoomView } from '../../../fleet-state.js';
import type { McuState } from '../../../mcu/mcu-monitor.js';
import { hasProblem } from '../../../readiness.js';
import type { Page } from '../app-context.js';
import { add, h } from '../dom.js';
import { t } from '../i18n/i18n.js';
import { powerText, reasonsOf } from '../readiness-text.js';
import { roomsByKind } from '../room-groups.js';

const FILTER_KEY = 'hnth-fleet-not-ready';

export function roomTile(room: RoomView): HTMLElement {
  const level = room.readiness.level;
  const reasons = reasonsOf(room);
  const power = room.readiness.power.state;
  return h(
    'a',
    {
      class: `tile lvl-${level}`,
      href: `#/room/${encodeURIComponent(room.id)}`,
      'data-room': room.id,
      'data-level': level,
      'data-power': power,
    },
    h('span', { class: 'tile-name' }, room.name),
    h('span', { class: 'level' }, t(`level.${level}`)),
    reasons.length > 0
      ? h(
          'ul',
          { class: 'reasons' },
          reasons.map((r) => h('li', {}, r)),
        )
      : null,
    h(
      'span',
      { class: 'seen' },
      h('span', { class: room.online ? 'dot on' : 'dot off', 'aria-hidden': 'true' }),
      room.online ? t('fleet.online') : t('fleet.offline'),
      ' · ',
      room.lastSeen ? t('fleet.lastSeen', { time: formatTime(room.lastSeen) }) : t('fleet.neverSeen'),
    ),
    h(
      'span',
      { class: `power power-${power}` },
      powerText(room),
      room.readings?.codec.inCall ? ` · ${t('fleet.inCall')}` : '',
    ),
  );
}

export function mcuBanner(mcu: McuState | null): HTMLElement {
  const level = mcu?.level ?? 'UNKNOWN';
  let detail: string;
  if (!mcu?.configured) detail = t('mcu.notConfigured');
  else
    detail = [
      mcu.reachable === null ? t('level.UNKNOWN') : mcu.reachable ? t('mcu.reachable') : t('mcu.unreachable'),
      mcu.checkedAt
        ? t('mcu.figures', {
            rtt: mcu.rttMs ?? '—',
            loss: mcu.lossPct ?? '—',
            time: formatTime(mcu.checkedAt),
          })
        : '',
    ]
      .filter(Boolean)
      .join(' · ');
  return h(
    'section',
    { class: `mcu lvl-${level}`, id: 'mcu', 'aria-label': t('mcu.title') },
    h('h2', {}, t('mcu.title'), ': ', h('span', { class: 'level' }, t(`level.${level}`))),
    h('p', {}, detail),
  );
}

const notReady = (r: RoomView) => hasProblem(r.readiness);

export const fleetPage: Page = (app, root) => {
  const tiles = new Map<string, HTMLElement>();
  let filter = localStorage.getItem(FILTER_KEY) === '1';
  const summary = h('p', { id: 'summary', 'aria-live': 'polite' });
  const groups = h('div', { id: 'fleet' });
  let mcu = mcuBanner(app.mcu);
  const toggle = h('input', {
    type: 'checkbox',
    id: 'filter-not-ready',
    checked: filter,
    onchange: () => {
      filter = toggle.checked;
      localStorage.setItem(FILTER_KEY, filter ? '1' : '0');
      drawAll();
    },
  });

  const drawSummary = () => {
    const all = [...app.rooms.values()];
    summary.textContent = t('fleet.summary', {
      problems: all.filter(notReady).length,
      on: all.filter((r) => r.readiness.power.state === 'on' || r.readiness.power.state === 'warming-up')
        .length,
      total: all.length,
      online: all.filter((r) => r.online).length,
    });
  };

  const drawAll = () => {
    tiles.clear();
    const shown = [...app.rooms.values()].filter((r) => !filter || notReady(r));
    const sections = roomsByKind(shown).map(({ kind, rooms }) =>
      h(
        'section',
        { class: 'group', 'aria-label': t(`kind.${kind}`) },
        h('h2', {}, t(`kind.${kind}`)),
        h(
          'div',
          { class: 'tiles' },
          rooms.map((r) => {
            const tile = roomTile(r);
            tiles.set(r.id, tile);
            return tile;
          }),
        ),
      ),
    );
    groups.replaceChildren(
      ...(sections.length > 0 ? sections : [h('p', { class: 'empty' }, t('fleet.allReady'))]),
    );
    drawSummary();
  };

  const updateRoom = (room: RoomView) => {
    const old = tiles.get(room.id);
    // A room entering or leaving the "not ready" view changes the groups: draw them again.
    if (filter && (!old || !notReady(room))) return drawAll();
    if (!old) return drawAll();
    const next = roomTile(room);
    const focused = document.activeElement === old;
    old.replaceWith(next);
    tiles.set(room.id, next);
    if (focused) next.focus();
    drawSummary();
  };

  add(
    root,
    mcu,
    h('div', { class: 'toolbar' }, summary, h('label', { class: 'check' }, toggle, t('fleet.filter'))),
    groups,
  );
  drawAll();
  return app.live.on((m) => {
    if (m.type === 'snapshot') drawAll();
    else if (m.type === 'room') updateRoom(m.room);
    else if (m.type === 'mcu') {
      const next = mcuBanner(m.mcu);
      mcu.replaceWith(next);
      mcu = next;
    }
  });
};
