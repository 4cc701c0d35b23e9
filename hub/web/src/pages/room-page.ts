/**
 * One room: readiness and current readings (live), 24 h and 7 d charts, latest events, incidents,
 * contacts, and for an operator the power buttons (confirmed first; a refusal shows the room's reason).
 */
import type uPlot from 'uplot';
import { formatTime, WALL_TIME_FORMAT, wallTimeToIso } from '../../../../shared/format-time.js';
import type { RemoteAction } from '../../../api/remote-actions-routes.js';
import type { TelemetrySeries } from '../../../api/telemetry-series.js';
import type {
  ApprovedConfig,
  ConfigDelivery,
  ConfigTemplate,
} from '../../../codec-config/approved-configs-repo.js';
import type { RoomView } from '../../../fleet-state.js';
import type { StoredEvent } from '../../../store/store.js';
import { type ApiAnswer, api, get } from '../api.js';
import { errorText } from '../api-error-text.js';
import { mayActForRoom, mayOperate, type Page } from '../app-context.js';
import { lineChart } from '../charts.js';
import { confirmAction } from '../confirm-dialog.js';
import { add, h, pressOnly } from '../dom.js';
import { eventDetailText, eventTypeText } from '../event-text.js';
import { hasKey, type Key, numberText, t } from '../i18n/i18n.js';
import { type OrderAnswer, type OrderKind, refusalText } from '../order-refusal-text.js';
import { powerText, reasonsOf } from '../readiness-text.js';
import { roomHistory } from '../room-history.js';
import { simPanel } from '../sim-panel.js';
import { contactCard, type Directory } from './contacts-page.js';
import { type IncidentRow, incidentList } from './incidents-page.js';

const num = (v: number | null | undefined, unit: string) =>
  v === null || v === undefined ? '—' : `${numberText(v, 1)} ${unit}`;

function readingsTable(room: RoomView): HTMLElement {
  const r = room.readings;
  if (!r) return h('p', {}, t('room.noReadings'));
  const rows: [Key, string][] = [
    ['room.mains', r.power.mains === null ? '—' : r.power.mains ? t('room.mainsOk') : t('room.mainsLost')],
    ['room.ups', num(r.power.upsChargePct, '%')],
    ['room.power', r.power.state === 'on' ? t('room.on') : t('room.off')],
    ['room.temp', num(r.climate.tempC, '°C')],
    ['room.humidity', num(r.climate.humidityPct, '%')],
    ['room.codec', `${t(`codec.${r.codec.state}`)}${r.codec.inCall ? ` · ${t('room.inCall')}` : ''}`],
    ['room.latency', num(r.link.latencyMs, 'ms')],
    ['room.jitter', num(r.link.jitterMs, 'ms')],
    ['room.loss', num(r.link.lossPct, '%')],
  ];
  if (r.energy)
    rows.push([
      'room.energy',
      `${num(r.energy.usedWh / 1000, 'kWh')} / ${num(r.energy.alwaysOnWh / 1000, 'kWh')}`,
    ]);
  // Offline, these are what the room showed last (its UPS charge before it halted): said first, so
  // nobody reads them as the room's present.
  const last = !room.online && room.readingsAt;
  return h(
    'div',
    {},
    last ? h('p', { class: 'stale' }, t('room.lastReadings', { time: formatTime(last) })) : null,
    h(
      'dl',
      { class: 'readings' },
      rows.map(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v)]),
    ),
    room.readingsAt && !last
      ? h('p', { class: 'muted' }, t('room.readAt', { time: formatTime(room.readingsAt) }))
      : null,
  );
}

function headline(room: RoomView): HTMLElement {
  const reasons = reasonsOf(room);
  return h(
    'div',
    { class: `room-head lvl-${room.readiness.level}`, id: 'room-head' },
    h('span', { class: 'level' }, t(`level.${room.readiness.level}`)),
    h('span', { class: `power power-${room.readiness.power.state}` }, powerText(room)),
    reasons.length > 0
      ? h(
          'ul',
          { class: 'reasons' },
          reasons.map((x) => h('li', {}, x)),
        )
      : null,
    h(
      'p',
      { class: 'muted' },
      room.online ? t('fleet.online') : t('fleet.offline'),
      ' · ',
      room.lastSeen ? t('fleet.lastSeen', { time: formatTime(room.lastSeen) }) : t('fleet.neverSeen'),
    ),
  );
}

function eventsTable(events: StoredEvent[]): HTMLElement {
  if (events.length === 0) return h('p', {}, t('common.none'));
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, t('event.time')),
        h('th', {}, t('event.type')),
        h('th', {}, t('event.severity')),
      ),
    ),
    h(
      'tbody',
      {},
      events.map((e) =>
        h(
          'tr',
          { class: `sev-${e.severity}` },
          h('td', {}, formatTime(e.ts)),
          h(
            'td',
            {},
            eventTypeText(e.type),
            eventDetailText(e) ? h('span', { class: 'muted' }, ` · ${eventDetailText(e)}`) : null,
          ),
          h('td', {}, t(`severity.${e.severity}`)),
        ),
      ),
    ),
  );
}

const seriesColours = {
  tempC: '#b3261e',
  humidityPct: '#0b57d0',
  latencyMs: '#6b3fa0',
  lossPct: '#8a4f00',
  powerW: '#1e6b34',
} as const;

function chartsSection(roomId: string): { node: HTMLElement; stop(): void } {
  const plots: uPlot[] = [];
  const area = h('div', { class: 'charts', id: 'charts' });
  const load = async (days: number) => {
    for (const p of plots.splice(0)) p.destroy();
    area.replaceChildren(h('p', {}, t('common.loading')));
    const to = new Date();
    const from = new Date(to.getTime() - days * 86_400_000);
    const res = await get<TelemetrySeries>(
      `/api/rooms/${encodeURIComponent(roomId)}/telemetry?from=${from.toISOString()}&to=${to.toISOString()}`,
    );
    area.replaceChildren();
    if (!res.ok) return area.append(h('p', { role: 'alert' }, errorText(res)));
    if (res.body.ts.length === 0) return area.append(h('p', {}, t('room.noSamples')));
    const times = res.body.ts.map((x) => Date.parse(x) / 1000);
    for (const [name, colour] of Object.entries(seriesColours) as [keyof typeof seriesColours, string][]) {
      const box = h('figure', { class: 'chart' });
      area.append(box);
      plots.push(
        lineChart(box, t(`room.chart.${name}`), times, res.body.series[name], colour, [
          from.getTime() / 1000,
          to.getTime() / 1000,
        ]),
      );
    }
  };
  const range = (days: number, key: Key) =>
    h(
      'button',
      {
        type: 'button',
        'aria-pressed': days === 1 ? 'true' : 'false',
        onclick: (e: Event) => {
          pressOnly(e.currentTarget as Element);
          void load(days);
        },
      },
      t(key),
    );
  const node = h(
    'section',
    { class: 'card wide' },
    h('h2', {}, t('room.charts')),
    h('div', { class: 'range', role: 'group' }, range(1, 'room.range24h'), range(7, 'room.range7d')),
    area,
  );
  void load(1);
  return {
    node,
    stop: () => {
      for (const p of plots) p.destroy();
    },
  };
}

/** One operator's order from this card: where it goes, what it says when done, how a refusal reads. */
interface Order {
  path: string;
  body: Record<string, unknown>;
  done: string;
  /** `power` (on, off, keep until) or `action` (the remote actions): the refusal's words differ. */
  kind: OrderKind;
  /** Whether a refusal may be overridden (an off, a standby, a restart; never an on or a wake). */
  forceable: boolean;
}

/**
 * The operator's controls of one room: power on and off, keep on or off until a time (an override),
 * the remote actions (codec standby, wake, restart, the controller's reboot) and the approved codec
 * configuration (art. 5.3). Each order is confirmed first; a change freeze's refusal names the
 * meeting and offers to force it with a written reason (art. 9.3), a call's refusal to cut it.
 */
function powerSection(room: RoomView): HTMLElement {
  const status = h('p', { id: 'power-status', role: 'status', 'aria-live': 'polite' });
  const forceBox = h('div', { class: 'force' });
  const untilInput = h('input', {
    id: 'power-until',
    type: 'text',
    inputmode: 'numeric',
    placeholder: WALL_TIME_FORMAT,
    'aria-describedby': 'power-until-hint',
  });
  const roomPath = `/api/rooms/${encodeURIComponent(room.id)}`;
  const send = async (order: Order, force: { force: true; reason?: string } | null = null) => {
    status.className = '';
    status.textContent = t('room.sending');
    forceBox.replaceChildren();
    const res = await api<OrderAnswer>('POST', order.path, { ...order.body, ...force });
    if (res.ok) {
      status.textContent = order.done;
      return;
    }
    status.className = 'error';
    status.textContent = refusalText(res.body, order.kind);
    if (!order.forceable) return;
    if (res.body.code === 'freeze' || res.body.code === 'reason-required')
      forceBox.append(forceForm(order.kind, (reason) => send(order, { force: true, reason })));
    else if (res.body.code === 'refused' && /call is in progress/.test(res.body.error ?? ''))
      forceBox.append(forceButton(order.kind, () => send(order, { force: true })));
  };
  const stateText = (action: 'on' | 'off') => (action === 'on' ? t('room.on') : t('room.off'));
  const power = (action: 'on' | 'off'): Order => ({
    path: `${roomPath}/power`,
    body: { action },
    done: t('room.powerDone', { state: stateText(action) }),
    kind: 'power',
    forceable: action === 'off',
  });
  const confirmed = (message: () => string, label: string, order: () => Order | null) => async () => {
    const o = order();
    if (o && (await confirmAction(message(), label))) void send(o);
  };
  const hold = (action: 'on' | 'off'): Order | null => {
    const until = wallTimeToIso(untilInput.value);
    if (!until) {
      status.className = 'error';
      status.textContent = t('room.untilInvalid', { format: WALL_TIME_FORMAT });
      untilInput.focus();
      return null;
    }
    const shown = formatTime(until);
    return {
      path: `${roomPath}/power`,
      body: { action, until },
      done: t(`room.holdDone.${action}`, { until: shown }),
      kind: 'power',
      forceable: action === 'off',
    };
  };
  const button = (id: string, label: string, onclick: () => void, danger = false) =>
    h('button', { type: 'button', id, ...(danger ? { class: 'danger' } : {}), onclick }, label);
  const remote = (action: RemoteAction, danger: boolean) =>
    button(
      `action-${action.replace('.', '-')}`,
      t(`room.action.${action}`),
      confirmed(
        () => t(`room.confirmAction.${action}`, { room: room.name }),
        t(`room.action.${action}`),
        () => ({
          path: `${roomPath}/actions`,
          body: { action },
          done: t(`room.actionDone.${action}`),
          kind: 'action',
          forceable: action !== 'codec.wake',
        }),
      ),
      danger,
    );
  return h(
    'section',
    { class: 'card', id: 'power-control' },
    h('h2', {}, t('room.powerControl')),
    h(
      'div',
      { class: 'actions' },
      button(
        'power-on',
        t('room.powerOn'),
        confirmed(
          () => t('room.confirmOn', { room: room.name }),
          t('room.powerOn'),
          () => power('on'),
        ),
      ),
      button(
        'power-off',
        t('room.powerOff'),
        confirmed(
          () => t('room.confirmOff', { room: room.name }),
          t('room.powerOff'),
          () => power('off'),
        ),
        true,
      ),
    ),
    h(
      'div',
      { class: 'actions' },
      h('label', { for: 'power-until' }, t('room.holdUntil')),
      untilInput,
      h('span', { id: 'power-until-hint', class: 'hint' }, t('room.untilHint', { format: WALL_TIME_FORMAT })),
      button('power-on-until', t('room.keepOn'), () => {
        const o = hold('on');
        if (o) void send(o);
      }),
      button(
        'power-off-until',
        t('room.keepOff'),
        confirmed(
          () => t('room.confirmOffUntil', { room: room.name, until: untilInput.value.trim() }),
          t('room.keepOff'),
          () => hold('off'),
        ),
        true,
      ),
    ),
    h('h3', {}, t('room.remoteActions')),
    h(
      'div',
      { class: 'actions' },
      remote('codec.wake', false),
      remote('codec.standby', true),
      remote('codec.restart', true),
      remote('controller.reboot', true),
    ),
    status,
    forceBox,
    configBlock(room),
  );
}

/** Art. 9.3: an order inside a meeting's change freeze needs the operator's written reason (audited). */
function forceForm(kind: OrderKind, force: (reason: string) => Promise<void>): HTMLElement {
  const reason = h('textarea', { id: 'force-reason', rows: 2, maxlength: 200, required: true });
  return h(
    'form',
    {
      class: 'force-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        void force(reason.value);
      },
    },
    h(
      'label',
      { for: 'force-reason' },
      kind === 'power' ? t('room.forceReason') : t('room.actionForceReason'),
    ),
    reason,
    h(
      'button',
      { type: 'submit', class: 'danger', id: 'power-force' },
      kind === 'power' ? t('room.forceOffFrozen') : t('room.actionForce'),
    ),
  );
}

/** The room refused because a meeting is in its call: cutting it takes a second confirmation. */
function forceButton(kind: OrderKind, force: () => Promise<void>): HTMLElement {
  const label = kind === 'power' ? t('room.forceOff') : t('room.actionForceCall');
  const question = kind === 'power' ? t('room.confirmForce') : t('room.confirmForceAction');
  return h(
    'button',
    {
      type: 'button',
      class: 'danger',
      id: 'power-force',
      onclick: async () => {
        if (await confirmAction(question, label)) void force();
      },
    },
    label,
  );
}

interface ConfigState {
  approved: ApprovedConfig | null;
  delivery: ConfigDelivery | null;
}

/** Where the room stands against its approved configuration, in words. */
function configStateText(state: ConfigState, templates: ConfigTemplate[]): HTMLElement[] {
  const { approved, delivery } = state;
  if (!approved) return [h('p', {}, t('room.configNone'))];
  const template = approved.source.startsWith('template:')
    ? templates.find((x) => `template:${x.id}` === approved.source)
    : undefined;
  const lines = [
    h(
      'p',
      {},
      t('room.configApproved', {
        count: Object.keys(approved.values).length,
        by: approved.approvedBy,
        at: formatTime(approved.approvedAt),
      }),
      template ? ` ${t('room.configFromTemplate', { name: template.name })}` : '',
    ),
  ];
  if (!delivery || delivery.hash !== approved.hash)
    return [...lines, h('p', { class: 'error' }, t('room.configNotDelivered'))];
  if (delivery.drifts.length === 0) return [...lines, h('p', {}, t('room.configMatches'))];
  return [
    ...lines,
    h('p', { class: 'error' }, t('room.configDrifts', { count: delivery.drifts.length })),
    h(
      'ul',
      { class: 'drifts' },
      delivery.drifts.map((d) =>
        h(
          'li',
          {},
          t('room.configDrift', {
            key: d.key,
            approved: d.approved,
            found: d.found === undefined ? '?' : (d.found ?? t('room.configAbsent')),
          }),
        ),
      ),
    ),
  ];
}

/**
 * Art. 5.3: the operator approves the codec's current configuration or a fleet template for this
 * room; the hub keeps it and sends it to the room, which reports any difference as `config.drift`.
 */
function configBlock(room: RoomView): HTMLElement {
  const roomPath = `/api/rooms/${encodeURIComponent(room.id)}`;
  const state = h('div', { id: 'config-state' }, t('common.loading'));
  const status = h('p', { id: 'config-status', role: 'status', 'aria-live': 'polite' });
  const picker = h('select', { id: 'config-template' });
  const name = h('input', { id: 'template-name', type: 'text', maxlength: 100 });
  let templates: ConfigTemplate[] = [];
  const load = async () => {
    const [mine, all] = await Promise.all([
      get<ConfigState>(`${roomPath}/config`),
      get<ConfigTemplate[]>('/api/config/templates'),
    ]);
    templates = all.ok ? all.body : [];
    picker.replaceChildren(
      ...templates.map((x) => h('option', { value: String(x.id) }, `${x.name} (${x.kind})`)),
    );
    state.replaceChildren(
      ...(mine.ok ? configStateText(mine.body, templates) : [h('p', {}, String(mine.status))]),
    );
  };
  const answer = async (res: Promise<ApiAnswer<{ error?: string; code?: string }>>, done: string) => {
    status.className = '';
    status.textContent = t('room.sending');
    const r = await res;
    // What the hub now holds first, so the answer shows beside it.
    await load();
    if (r.ok) status.textContent = done;
    else {
      status.className = 'error';
      status.textContent = t('room.configFailed', {
        code: r.body?.code ?? String(r.status),
        reason: r.body?.error ?? '',
      });
    }
  };
  void load();
  return h(
    'div',
    { id: 'config-approval' },
    h('h3', {}, t('room.config')),
    state,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          id: 'config-approve',
          onclick: async () => {
            if (await confirmAction(t('room.confirmApprove', { room: room.name }), t('room.configApprove')))
              void answer(api('POST', `${roomPath}/config/approve`, {}), t('room.configDone'));
          },
        },
        t('room.configApprove'),
      ),
    ),
    h(
      'div',
      { class: 'actions' },
      h('label', { for: 'config-template' }, t('room.configTemplate')),
      picker,
      h(
        'button',
        {
          type: 'button',
          id: 'config-apply',
          onclick: async () => {
            const chosen = templates.find((x) => String(x.id) === picker.value);
            if (!chosen) return;
            if (
              await confirmAction(
                t('room.confirmApplyTemplate', { name: chosen.name, room: room.name }),
                t('room.configApply'),
              )
            )
              void answer(
                api('POST', `${roomPath}/config/approve`, { templateId: chosen.id }),
                t('room.configDone'),
              );
          },
        },
        t('room.configApply'),
      ),
    ),
    h(
      'div',
      { class: 'actions' },
      h('label', { for: 'template-name' }, t('room.templateName')),
      name,
      h(
        'button',
        {
          type: 'button',
          id: 'config-save-template',
          onclick: () =>
            void answer(
              api('POST', '/api/config/templates', { name: name.value, fromRoomId: room.id }),
              t('room.templateSaved', { name: name.value.trim() }),
            ),
        },
        t('room.templateSave'),
      ),
    ),
    status,
  );
}

function speakStateText(state: string): string {
  const key = `speak.state.${state}`;
  return hasKey(key) ? t(key) : state;
}

function speakButtons(roomId: string): HTMLElement {
  const status = h('p', { role: 'status' });
  const act = async (action: 'request' | 'cancel') => {
    const res = await api<{ error?: string; state?: string }>('POST', `/api/speak/${action}`, { roomId });
    status.textContent = res.ok ? `✓ ${speakStateText(res.body.state ?? '')}` : errorText(res);
  };
  return h(
    'div',
    { class: 'actions' },
    h(
      'button',
      { type: 'button', id: 'speak-request', onclick: () => act('request') },
      t('room.speakRequest'),
    ),
    h('button', { type: 'button', onclick: () => act('cancel') }, t('room.speakCancel')),
    status,
  );
}

export const roomPage: Page = (app, root, [roomId = '']) => {
  const room = app.rooms.get(roomId);
  if (!room) {
    add(root, h('p', { role: 'alert' }, t('error.404')));
    return undefined;
  }
  let head = headline(room);
  let readings = readingsTable(room);
  const readingsCard = h('section', { class: 'card' }, h('h2', {}, t('room.readings')), readings);
  const events = h('div', {}, t('common.loading'));
  const incidents = h('div', {}, t('common.loading'));
  const contacts = h('div', {}, t('common.loading'));
  const charts = chartsSection(room.id);
  const history = roomHistory(room.id);
  void history.load();
  const canAct = mayActForRoom(app.session, room.id);
  add(
    root,
    h('p', {}, h('a', { href: '#/fleet' }, t('room.back'))),
    h('h2', { class: 'page-title' }, room.name),
    head,
    h(
      'div',
      { class: 'grid' },
      readingsCard,
      mayOperate(app.session) ? powerSection(room) : null,
      canAct && app.session.role === 'technician'
        ? h('section', { class: 'card' }, h('h2', {}, t('nav.speak')), speakButtons(room.id))
        : null,
      h('section', { class: 'card' }, h('h2', {}, t('room.contacts')), contacts),
      simPanel(app, room.id),
      charts.node,
      h('section', { class: 'card wide' }, h('h2', {}, t('room.incidents')), incidents),
      history.node,
      h('section', { class: 'card wide' }, h('h2', {}, t('room.events')), events),
    ),
  );
  let eventList: StoredEvent[] = [];
  void get<StoredEvent[]>(`/api/rooms/${encodeURIComponent(room.id)}/events?limit=30`).then((res) => {
    eventList = res.ok ? res.body : [];
    events.replaceChildren(eventsTable(eventList));
  });
  const loadIncidents = () =>
    get<IncidentRow[]>(`/api/incidents?room=${encodeURIComponent(room.id)}&limit=20`).then((res) => {
      incidents.replaceChildren(
        res.ok ? incidentList(app, res.body, () => void loadIncidents()) : h('p', {}, errorText(res)),
      );
    });
  void loadIncidents();
  void get<Directory>('/api/contacts').then((res) => {
    if (!res.ok) return contacts.replaceChildren(h('p', {}, errorText(res)));
    const mine = res.body.rooms.find((r) => r.roomId === room.id);
    contacts.replaceChildren(
      h('h3', {}, t('role.technician')),
      contactCard(mine?.contact ?? null),
      ...res.body.partners.flatMap((p) => [h('h3', {}, p.partnerName), contactCard(p.contact)]),
    );
  });
  const off = app.live.on((m) => {
    if (m.type === 'room' && m.room.id === room.id) {
      const nextHead = headline(m.room);
      head.replaceWith(nextHead);
      head = nextHead;
      const next = readingsTable(m.room);
      readings.replaceWith(next);
      readings = next;
    } else if (m.type === 'event' && m.event.roomId === room.id) {
      eventList = [m.event, ...eventList].slice(0, 30);
      events.replaceChildren(eventsTable(eventList));
    } else if (m.type === 'incident' && m.incident.roomId === room.id) void loadIncidents();
    else if (m.type === 'rehearsal-room' && m.attempt.roomId === room.id) void history.load();
  });
  return () => {
    off();
    charts.stop();
  };
};
