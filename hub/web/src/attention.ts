/**
 * What draws the eye to trouble on every page: the count of open incidents (kept for the menu and
 * the tab title), an opt-in alert when an incident opens (a short tone and, where the browser allows
 * it, a desktop notification; a technician hears of their own room's), and for an operator a banner
 * when incident notices cannot reach people, with a link to fix it.
 */
import type { NoticeProblem } from '../../api/notice-problems.js';
import type { Incident } from '../../incidents/incidents-repo.js';
import { get } from './api.js';
import { type AppContext, mayOperate } from './app-context.js';
import { h } from './dom.js';
import { t } from './i18n/i18n.js';
import { problemText } from './notice-problem-text.js';
import { incidentCauseText } from './pages/incidents-page.js';

const ALERTS_KEY = 'hnth-alerts';

/** Follows the number of open incidents; `changed` hears it on start and at every change. */
export function followOpenIncidents(app: AppContext, changed: (count: number) => void): void {
  const load = async () => {
    const res = await get<Incident[]>('/api/incidents?state=open&limit=5000');
    if (res.ok) changed(res.body.length);
  };
  void load();
  app.live.on((m) => {
    if (m.type === 'incident' && m.change !== 'acknowledged') void load();
  });
}

let audio: AudioContext | null = null;

export const alertsOn = () => localStorage.getItem(ALERTS_KEY) === 'on';

/** A short two-tone chime: distinct from a click, quiet enough for an office. */
function chime(): void {
  if (!audio) return;
  const now = audio.currentTime;
  for (const [i, frequency] of [880, 660].entries()) {
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = frequency;
    gain.gain.value = 0.08;
    tone.connect(gain).connect(audio.destination);
    tone.start(now + i * 0.25);
    tone.stop(now + i * 0.25 + 0.2);
  }
}

/** Who hears of an incident: a technician their own room's; everyone else all of them. */
function concerns(app: AppContext, incident: Incident): boolean {
  return app.session.role !== 'technician' || incident.roomId === app.session.roomId;
}

function announce(app: AppContext, incident: Incident): void {
  chime();
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const notice = new Notification(t('attention.title', { cause: incidentCauseText(incident.cause) }), {
    body: app.roomName(incident.roomId),
    tag: `hnth-incident-${incident.id}`,
  });
  notice.onclick = () => {
    window.focus();
    location.hash = '#/incidents';
  };
}

/** Announces each incident that opens while alerts are on. */
export function announceIncidents(app: AppContext): void {
  app.live.on((m) => {
    if (m.type === 'incident' && m.change === 'opened' && alertsOn() && concerns(app, m.incident))
      announce(app, m.incident);
  });
}

/** The header's switch: turning it on is the click that lets the page play sound and ask to notify. */
export function alertToggle(): HTMLElement {
  const note = h('span', { class: 'sr-only', role: 'status' });
  const button = h(
    'button',
    {
      type: 'button',
      id: 'alerts',
      'aria-pressed': String(alertsOn()),
      onclick: async () => {
        const on = !alertsOn();
        localStorage.setItem(ALERTS_KEY, on ? 'on' : 'off');
        button.setAttribute('aria-pressed', String(on));
        button.textContent = on ? t('attention.on') : t('attention.off');
        if (!on) return;
        audio ??= new AudioContext();
        await audio.resume();
        if (typeof Notification !== 'undefined' && Notification.permission === 'default')
          await Notification.requestPermission();
        if (typeof Notification === 'undefined' || Notification.permission === 'denied')
          note.textContent = t('attention.denied');
      },
    },
    alertsOn() ? t('attention.on') : t('attention.off'),
  );
  // A page reloaded with alerts on has had no click yet: the first click anywhere lets it play.
  if (alertsOn())
    document.addEventListener(
      'click',
      () => {
        audio ??= new AudioContext();
        void audio.resume();
      },
      { once: true },
    );
  return h('span', { class: 'alerts' }, button, note);
}

/** The operator's banner; refreshed when an incident opens or closes (its notices are sent then). */
export function noticeBanner(app: AppContext): HTMLElement {
  const banner = h('div', {
    id: 'notice-banner',
    class: 'banner',
    role: 'region',
    'aria-label': t('banner.title'),
  });
  banner.hidden = true;
  if (!mayOperate(app.session)) return banner;
  const load = async () => {
    const res = await get<{ problems: NoticeProblem[] }>('/api/notifications/problems');
    if (!res.ok) return;
    const problems = res.body.problems;
    banner.hidden = problems.length === 0;
    const contacts = problems.some((p) =>
      ['no-technician', 'no-partner-contact', 'bounced'].includes(p.code),
    );
    banner.replaceChildren(
      h('strong', {}, t('banner.title')),
      h(
        'ul',
        {},
        problems.map((p) => h('li', { 'data-problem': p.code }, problemText(p, app))),
      ),
      h(
        'p',
        { class: 'actions' },
        contacts ? h('a', { href: '#/contacts', class: 'button' }, t('banner.fixContacts')) : null,
        h('a', { href: '#/notifications', class: 'button' }, t('banner.showLog')),
      ),
    );
  };
  void load();
  // An incident's notices go out as it opens or closes, their results a moment later (retries take
  // longer), and nothing announces them: looked at again shortly after each change, and each minute.
  app.live.on((m) => {
    if (m.type === 'incident' && m.change !== 'acknowledged') setTimeout(() => void load(), 2000);
  });
  setInterval(() => void load(), 60_000);
  return banner;
}
