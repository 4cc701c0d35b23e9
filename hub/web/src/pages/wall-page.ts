/**
 * The wall display of the operations room: every room and the MCU on one 1920×1080 screen without
 * scrolling, worst first (a known fault, then rooms not heard from, then degraded ones, each by its
 * next meeting), compact tiles with the first reason, the power state and the next item. The menu
 * is hidden; the clock and the connection state stay.
 */
import { formatTime } from '../../../../shared/format-time.js';
import type { RoomView } from '../../../fleet-state.js';
import type { Page } from '../app-context.js';
import { add, h } from '../dom.js';
import { sortRooms } from '../fleet-order.js';
import { t } from '../i18n/i18n.js';
import type { NextItem } from '../next-item.js';
import { followNextItems } from '../next-item-feed.js';
import { mcuBanner, roomTile, summaryText } from './fleet-page.js';

export const wallPage: Page = (app, root) => {
  document.body.classList.add('wall');
  let next = new Map<string, NextItem>();
  let mcu = mcuBanner(app.mcu);
  const summary = h('p', { id: 'summary', 'aria-live': 'polite' });
  const clock = h('p', { class: 'clock', 'aria-hidden': 'true' });
  const grid = h('div', { class: 'tiles wall-tiles', id: 'wall' });
  const draw = () => {
    const rooms: RoomView[] = [...app.rooms.values()];
    summary.textContent = summaryText(rooms);
    grid.replaceChildren(...sortRooms(rooms, 'worst', next).map((r) => roomTile(r, next.get(r.id), true)));
  };
  const tick = () => {
    clock.textContent = formatTime(new Date());
  };
  add(
    root,
    h(
      'div',
      { class: 'wall-head' },
      h('h2', { class: 'page-title' }, t('app.title')),
      summary,
      clock,
      h('a', { href: '#/fleet', class: 'button', id: 'wall-exit' }, t('fleet.wallExit')),
    ),
    mcu,
    grid,
  );
  draw();
  tick();
  const timer = setInterval(tick, 15_000);
  const stopNext = followNextItems(app, (items) => {
    next = items;
    draw();
  });
  const off = app.live.on((m) => {
    if (m.type === 'snapshot' || m.type === 'room') draw();
    else if (m.type === 'mcu') {
      const nextBanner = mcuBanner(m.mcu);
      mcu.replaceWith(nextBanner);
      mcu = nextBanner;
    }
  });
  return () => {
    document.body.classList.remove('wall');
    clearInterval(timer);
    stopNext();
    off();
  };
};
