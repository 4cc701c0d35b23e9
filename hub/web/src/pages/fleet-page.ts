/**
 * Fleet: the MCU on top, then the 28 rooms as tiles, grouped by kind or ordered worst first or by
 * name, found by name whatever the accents. Each tile shows the room's health with the reasons in
 * words, online or offline with "last seen", its power state apart (a room switched off is normal,
 * art. 6.5; an off room with a fault looks faulty), and its next meeting or rehearsal. The summary
 * counts rooms with a problem and the filter shows exactly those. Live without reload; a redraw
 * keeps keyboard focus on the tile it was on.
 */

import { formatClock, formatTime } from '../../../../shared/format-time.js';
import type { RoomView } from '../../../fleet-state.js';
import type { McuState } from '../../../mcu/mcu-monitor.js';
import { hasProblem } from '../../../readiness.js';
import type { Page } from '../app-context.js';
import { detectionHelp } from '../detection-help.js';
import { add, h } from '../dom.js';
import { type FleetSort, matchesName, sortRooms } from '../fleet-order.js';
import { t } from '../i18n/i18n.js';
import { mcuDetail } from '../mcu-text.js';
import type { NextItem } from '../next-item.js';
import { followNextItems } from '../next-item-feed.js';
import { powerText, reasonsOf } from '../readiness-text.js';
import { slotText } from '../rehearsal-text.js';
import { roomsByKind } from '../room-groups.js';

const FILTER_KEY = 'hnth-fleet-not-ready';
const SORT_KEY = 'hnth-fleet-sort';

export function nextText(item: NextItem): string {
  const title = item.title ?? t('meetings.untitled');
  if (item.inProgress) return t('next.inMeeting', { title, time: formatClock(item.until!) });
  const time = formatTime(item.at);
  if (item.kind === 'rehearsal') return t('next.rehearsal', { slot: slotText(item.slot!), time, title });
  return t('next.meeting', { time, title });
}

/** A room's tile; `compact` for the wall display: the first reason only, no "last seen". */
export function roomTile(room: RoomView, next: NextItem | undefined, compact = false): HTMLElement {
  const level = room.readiness.level;
  const reasons = reasonsOf(room);
  const power = room.readiness.power.state;
  const shown = compact ? reasons.slice(0, 1) : reasons;
  return h(
    'a',
    {
      class: `tile lvl-${level}${compact ? ' compact' : ''}`,
      href: `#/room/${encodeURIComponent(room.id)}`,
      'data-room': room.id,
      'data-level': level,
      'data-power': power,
    },
    h('span', { class: 'tile-name' }, room.name),
    h('span', { class: 'level' }, t(`level.${level}`)),
    shown.length > 0
      ? h(
          'ul',
          { class: 'reasons' },
          shown.map((r) => h('li', {}, r)),
          reasons.length > shown.length ? h('li', {}, `+${reasons.length - shown.length}`) : null,
        )
      : null,
    compact
      ? null
      : h(
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
      room.online && room.readings?.codec.inCall ? ` · ${t('fleet.inCall')}` : '',
    ),
    next ? h('span', { class: `next${next.inProgress ? ' now' : ''}` }, nextText(next)) : null,
  );
}

export function mcuBanner(mcu: McuState | null): HTMLElement {
  const level = mcu?.level ?? 'UNKNOWN';
  return h(
    'section',
    { class: `mcu lvl-${level}`, id: 'mcu', 'aria-label': t('mcu.title') },
    h('h2', {}, t('mcu.title'), ': ', h('span', { class: 'level' }, t(`level.${level}`))),
    h('p', {}, mcuDetail(mcu)),
  );
}

/** "3 điểm cầu có sự cố · 2 đang bật · 26/28 trực tuyến". */
export function summaryText(rooms: readonly RoomView[]): string {
  return t('fleet.summary', {
    problems: rooms.filter((r) => hasProblem(r.readiness)).length,
    on: rooms.filter((r) => r.readiness.power.state === 'on' || r.readiness.power.state === 'warming-up')
      .length,
    total: rooms.length,
    online: rooms.filter((r) => r.online).length,
  });
}

/** Draws `draw()` again with focus kept on the tile of the same room. */
function keepingFocus(container: HTMLElement, draw: () => void): void {
  const focused = document.activeElement?.closest('[data-room]')?.getAttribute('data-room');
  draw();
  if (focused) container.querySelector<HTMLElement>(`[data-room="${CSS.escape(focused)}"]`)?.focus();
}

function sortSelect(value: FleetSort, changed: (s: FleetSort) => void): HTMLElement {
  const select = h(
    'select',
    { id: 'fleet-sort', onchange: () => changed(select.value as FleetSort) },
    (['group', 'worst', 'name'] as const).map((s) =>
      h('option', { value: s, selected: s === value }, t(`fleet.sort.${s}`)),
    ),
  );
  return h('span', { class: 'field' }, h('label', { for: 'fleet-sort' }, t('fleet.sort')), select);
}

/**
 * A group of up to this many rooms is one column beside the others (the province's party, council
 * and people's committee rooms share a row); a larger one takes the page's width, its rooms in as
 * many columns as fit, so the 19 departments are not one column three screens tall.
 */
const NARROW_GROUP_MAX = 3;

function roomSections(shown: RoomView[], sort: FleetSort, next: Map<string, NextItem>) {
  const tiles = (rooms: RoomView[]) =>
    h(
      'div',
      { class: 'tiles' },
      rooms.map((r) => roomTile(r, next.get(r.id))),
    );
  if (sort !== 'group')
    return [
      h(
        'section',
        { class: 'group flat', 'aria-label': t('fleet.allRooms') },
        tiles(sortRooms(shown, sort, next)),
      ),
    ];
  return roomsByKind(shown).map(({ kind, rooms }) =>
    h(
      'section',
      { class: rooms.length > NARROW_GROUP_MAX ? 'group wide' : 'group', 'aria-label': t(`kind.${kind}`) },
      h('h2', {}, t(`kind.${kind}`)),
      tiles(rooms),
    ),
  );
}

export const fleetPage: Page = (app, root) => {
  let filter = localStorage.getItem(FILTER_KEY) === '1';
  let sort = (localStorage.getItem(SORT_KEY) as FleetSort | null) ?? 'group';
  let query = '';
  let next = new Map<string, NextItem>();
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
  const search = h('input', {
    type: 'search',
    id: 'fleet-search',
    autocomplete: 'off',
    placeholder: t('fleet.searchHint'),
    oninput: () => {
      query = search.value;
      drawAll();
    },
  });

  const drawAll = () =>
    keepingFocus(groups, () => {
      const all = [...app.rooms.values()];
      const shown = all.filter((r) => (!filter || hasProblem(r.readiness)) && matchesName(r, query));
      summary.textContent = summaryText(all);
      if (shown.length === 0) {
        groups.replaceChildren(
          h(
            'p',
            { class: 'empty' },
            query.trim() ? t('fleet.noMatch', { query: query.trim() }) : t('fleet.allReady'),
          ),
        );
        return;
      }
      groups.replaceChildren(...roomSections(shown, sort, next));
    });

  add(
    root,
    mcu,
    h(
      'div',
      { class: 'toolbar' },
      summary,
      h('label', { class: 'check' }, toggle, t('fleet.filter')),
      h('span', { class: 'field' }, h('label', { for: 'fleet-search' }, t('fleet.search')), search),
      sortSelect(sort, (s) => {
        sort = s;
        localStorage.setItem(SORT_KEY, s);
        drawAll();
      }),
      h('a', { href: '#/wall', id: 'wall-link', class: 'button' }, t('fleet.wall')),
    ),
    groups,
    detectionHelp(),
  );
  drawAll();
  const stopNext = followNextItems(app, (items) => {
    next = items;
    drawAll();
  });
  // A room whose health is unchanged keeps its place in every order and filter: its tile alone is
  // replaced, so telemetry every few seconds does not rebuild the page.
  const updateRoom = (room: RoomView) => {
    const old = groups.querySelector<HTMLElement>(`.tile[data-room="${CSS.escape(room.id)}"]`);
    if (!old || old.dataset.level !== room.readiness.level) return drawAll();
    const tile = roomTile(room, next.get(room.id));
    const focused = document.activeElement === old;
    old.replaceWith(tile);
    if (focused) tile.focus();
    summary.textContent = summaryText([...app.rooms.values()]);
  };
  const off = app.live.on((m) => {
    if (m.type === 'snapshot') drawAll();
    else if (m.type === 'room') updateRoom(m.room);
    else if (m.type === 'mcu') {
      const nextBanner = mcuBanner(m.mcu);
      mcu.replaceWith(nextBanner);
      mcu = nextBanner;
    }
  });
  return () => {
    off();
    stopNext();
  };
};
