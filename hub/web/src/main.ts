/**
 * The dashboard: checks the session, opens the live feed, and shows the page the address names
 * (`#/fleet`, `#/room/<id>`, `#/meetings`, ...), redrawn in the chosen language. Every page shares
 * the header: the menu (with the open incidents counted), the opt-in alerts, and for an operator
 * the banner when incident notices cannot reach people.
 */
import type { RoomView } from '../../fleet-state.js';
import type { SessionInfo } from '../../security/session-routes.js';
import { api, get, setCsrfToken } from './api.js';
import type { AppContext, Page } from './app-context.js';
import { alertToggle, announceIncidents, followOpenIncidents, noticeBanner } from './attention.js';
import { h } from './dom.js';
import { currentLang, type Key, setLang, t } from './i18n/i18n.js';
import { LiveFeed } from './live.js';
import { auditPage } from './pages/audit-page.js';
import { contactsPage } from './pages/contacts-page.js';
import { fleetPage } from './pages/fleet-page.js';
import { incidentsPage } from './pages/incidents-page.js';
import { meetingPage } from './pages/meeting-page.js';
import { meetingsPage } from './pages/meetings-page.js';
import { notificationsPage } from './pages/notifications-page.js';
import { rehearsalsPage } from './pages/rehearsals-page.js';
import { reportsPage } from './pages/reports-page.js';
import { roomPage } from './pages/room-page.js';
import { speakPage } from './pages/speak-page.js';
import { usersPage } from './pages/users-page.js';
import { wallPage } from './pages/wall-page.js';

interface PageEntry {
  page: Page;
  /** Its menu entry; a page without one is reached by a link (a room, a meeting). */
  nav?: Key;
  /** Shown in the menu to operators only (the hub refuses the others anyway). */
  operatorOnly?: boolean;
  /** The menu entry it belongs under, for the current-page mark. */
  under?: string;
}

const pages: Record<string, PageEntry> = {
  fleet: { page: fleetPage, nav: 'nav.fleet' },
  room: { page: roomPage, under: 'fleet' },
  wall: { page: wallPage, under: 'fleet' },
  meetings: { page: meetingsPage, nav: 'nav.meetings' },
  meeting: { page: meetingPage, under: 'meetings' },
  rehearsals: { page: rehearsalsPage, nav: 'nav.rehearsals' },
  incidents: { page: incidentsPage, nav: 'nav.incidents' },
  contacts: { page: contactsPage, nav: 'nav.contacts' },
  speak: { page: speakPage, nav: 'nav.speak' },
  reports: { page: reportsPage, nav: 'nav.reports' },
  users: { page: usersPage, nav: 'nav.users', operatorOnly: true },
  audit: { page: auditPage, nav: 'nav.audit', operatorOnly: true },
  notifications: { page: notificationsPage, nav: 'nav.notifications', operatorOnly: true },
};

/** The page the address names; with none, a room's technician starts on their room, everyone else on the fleet. */
function route(session: SessionInfo): { name: string; params: string[] } {
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
  const session = (await res.json()) as SessionInfo;
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
  const banner = noticeBanner(app);
  document.body.replaceChildren(
    h('a', { class: 'skip', href: '#main' }, t('app.skip')),
    header,
    conn,
    banner,
    main,
  );

  let openIncidents = 0;
  let current = route(session).name;
  const titles = () => {
    const entry = pages[current]!;
    const page = t(entry.nav ?? pages[entry.under ?? 'fleet']!.nav!);
    document.title = `${openIncidents > 0 ? `(${openIncidents}) ` : ''}${page} — ${t('app.short')}`;
  };
  let stopPage: (() => void) | undefined;
  const show = () => {
    stopPage?.();
    const { name, params } = route(session);
    current = name;
    drawHeader(header, app, name, openIncidents, show);
    titles();
    main.replaceChildren();
    stopPage = pages[name]!.page(app, main, params);
  };
  followOpenIncidents(app, (count) => {
    openIncidents = count;
    drawHeader(header, app, current, openIncidents, show);
    titles();
  });
  announceIncidents(app);
  window.addEventListener('hashchange', show);
  show();
  live.connect();
}

function navEntry(name: string, label: Key, current: string, openIncidents: number): HTMLElement {
  const entry = pages[current]!;
  const here = name === current || entry.under === name;
  const count =
    name === 'incidents' && openIncidents > 0
      ? h(
          'span',
          { class: 'count', id: 'open-incidents' },
          h('span', { 'aria-hidden': 'true' }, String(openIncidents)),
          h('span', { class: 'sr-only' }, t('nav.openIncidents', { n: openIncidents })),
        )
      : null;
  return h('li', {}, h('a', { href: `#/${name}`, 'aria-current': here ? 'page' : null }, t(label), count));
}

function drawHeader(
  header: HTMLElement,
  app: AppContext,
  current: string,
  openIncidents: number,
  redraw: () => void,
): void {
  const { session } = app;
  const focused =
    document.activeElement && header.contains(document.activeElement) ? document.activeElement.id : '';
  const nav = h(
    'nav',
    { 'aria-label': t('nav.menu') },
    h(
      'ul',
      {},
      Object.entries(pages)
        .filter(([, p]) => p.nav && (!p.operatorOnly || session.role === 'operator'))
        .map(([name, p]) => navEntry(name, p.nav!, current, openIncidents)),
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
      alertToggle(),
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
  // The header is drawn again when the count changes: a person on one of its buttons stays there.
  if (focused) document.getElementById(focused)?.focus();
}

void start();
