/**
 * The dashboard: checks the session, opens the live feed, and shows the page the address names
 * (`#/fleet`, `#/room/<id>`, `#/meetings`, ...), redrawn in the chosen language.
 */
import type { RoomView } from '../../fleet-state.js';
import { api, get, setCsrfToken } from './api.js';
import type { AppContext, Page, Session } from './app-context.js';
import { h } from './dom.js';
import { currentLang, type Key, setLang, t } from './i18n/i18n.js';
import { LiveFeed } from './live.js';
import { contactsPage } from './pages/contacts-page.js';
import { fleetPage } from './pages/fleet-page.js';
import { incidentsPage } from './pages/incidents-page.js';
import { meetingsPage } from './pages/meetings-page.js';
import { rehearsalsPage } from './pages/rehearsals-page.js';
import { reportsPage } from './pages/reports-page.js';
import { roomPage } from './pages/room-page.js';
import { speakPage } from './pages/speak-page.js';
import { wallPage } from './pages/wall-page.js';

const pages: Record<string, { page: Page; nav?: Key }> = {
  fleet: { page: fleetPage, nav: 'nav.fleet' },
  room: { page: roomPage },
  meetings: { page: meetingsPage, nav: 'nav.meetings' },
  rehearsals: { page: rehearsalsPage, nav: 'nav.rehearsals' },
  incidents: { page: incidentsPage, nav: 'nav.incidents' },
  contacts: { page: contactsPage, nav: 'nav.contacts' },
  speak: { page: speakPage, nav: 'nav.speak' },
  reports: { page: reportsPage, nav: 'nav.reports' },
  wall: { page: wallPage },
};

/** The page the address names; with none, a room's technician starts on their room, everyone else on the fleet. */
function route(session: Session): { name: string; params: string[] } {
  const [name = '', ...params] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (pages[name]) return { name, params };
  if (name === '' && session.role === 'technician' && session.roomId)
    return { name: 'room', params: [session.roomId] };
  return { name: 'fleet', params: [] };
}

async function start(): Promise<void> {
  const res = await fetch('/api/session');
  if (res.status === 401) {
    location.href = '/login.html';
    return;
  }
  const session = (await res.json()) as Session;
  setCsrfToken(session.csrfToken);
  setLang(currentLang());
  const live = new LiveFeed();
  const app: AppContext = {
    session,
    live,
    rooms: new Map(),
    mcu: null,
    roomName: (id) => (id ? (app.rooms.get(id)?.name ?? id) : t('incidents.network')),
  };
  // The room list first, so pages opened before the live snapshot still name every room.
  const rooms = await get<RoomView[]>('/api/rooms');
  if (rooms.ok) for (const r of rooms.body) app.rooms.set(r.id, r);
  live.on((m) => {
    if (m.type === 'snapshot') for (const r of m.rooms) app.rooms.set(r.id, r);
    else if (m.type === 'room') app.rooms.set(m.room.id, m.room);
    else if (m.type === 'mcu') app.mcu = m.mcu;
  });
  const mcu = await get<AppContext['mcu']>('/api/mcu');
  if (mcu.ok) app.mcu = mcu.body;

  const conn = h('p', { id: 'connection', class: 'conn conn-down', role: 'status' });
  live.onConnection((up) => {
    conn.className = up ? 'conn conn-up' : 'conn conn-down';
    conn.textContent = up ? '' : t('conn.down');
  });
  const main = h('main', { id: 'main', tabindex: '-1' });
  const header = h('header', { class: 'top' });
  document.body.replaceChildren(h('a', { class: 'skip', href: '#main' }, t('app.skip')), header, conn, main);

  let stopPage: (() => void) | undefined;
  const show = () => {
    stopPage?.();
    const { name, params } = route(session);
    drawHeader(header, app, name, show);
    main.replaceChildren();
    stopPage = pages[name]!.page(app, main, params);
  };
  window.addEventListener('hashchange', show);
  show();
  live.connect();
}

function drawHeader(header: HTMLElement, app: AppContext, current: string, redraw: () => void): void {
  const { session } = app;
  const nav = h(
    'nav',
    { 'aria-label': 'menu' },
    h(
      'ul',
      {},
      Object.entries(pages)
        .filter(([, p]) => p.nav)
        .map(([name, p]) =>
          h(
            'li',
            {},
            h(
              'a',
              {
                href: `#/${name}`,
                'aria-current': name === current || (current === 'room' && name === 'fleet') ? 'page' : null,
              },
              t(p.nav!),
            ),
          ),
        ),
    ),
  );
  const role = t(`role.${session.role}`);
  header.replaceChildren(
    h('h1', {}, t('app.title')),
    nav,
    h(
      'div',
      { class: 'who' },
      h(
        'span',
        { id: 'who' },
        `${session.username} · ${role}${session.roomId ? ` · ${app.roomName(session.roomId)}` : ''}`,
      ),
      h(
        'button',
        {
          type: 'button',
          id: 'lang',
          lang: currentLang() === 'vi' ? 'en' : 'vi',
          onclick: () => {
            setLang(currentLang() === 'vi' ? 'en' : 'vi');
            redraw();
          },
        },
        t('nav.language'),
      ),
      h(
        'button',
        {
          type: 'button',
          id: 'logout',
          onclick: async () => {
            await api('POST', '/api/logout');
            location.href = '/login.html';
          },
        },
        t('nav.logout'),
      ),
    ),
  );
}

void start();
