/**
 * The hub's Prometheus metrics (`hnth_*`): every value is read from the hub's own state when
 * Prometheus scrapes, so nothing is counted twice and a room that stops reporting loses its
 * reading series instead of keeping a stale value. Units are Prometheus base units (seconds,
 * ratios, joules), converted from the wire's `latencyMs`, `lossPct`, `usedWh`.
 */
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { FloodStatus } from '../broker/flood-guard.js';
import type { RoomView } from '../fleet-state.js';
import type { IngestCounters } from '../ingest/ingest.js';
import type { NotifyCounters } from '../notify/notifier.js';
import { levels, powerStates } from '../readiness.js';
import type { AuditVerification } from '../security/audit-anchor.js';
import { type HubStore, oldestWaitMs } from '../store/store.js';
import type { HistoryCounters } from '../telemetry-history.js';
import type { ReaderLagCounts } from './reader-lag.js';

/** What the metrics read, at each scrape. */
export interface MetricsSources {
  rooms(): RoomView[];
  ingest: IngestCounters;
  notify: NotifyCounters;
  openIncidents(): number;
  mqttConnected(): boolean;
  wsClients(): number;
  /** Dashboards behind on the live socket, and the rooms' states held for them. */
  wsLag(): ReaderLagCounts;
  store: Pick<HubStore, 'backlog'>;
  history: HistoryCounters;
  /** The audit log's last verification (null before the first). */
  audit?(): AuditVerification | null;
  /** Audit rows the store refused since the hub started. */
  auditRowsFailed?(): number;
  /** Rooms cut off or disconnected for flooding. */
  flood?(): FloodStatus;
  /** Whether this hub does its group's once-only work. */
  onceOnlyWork?(): boolean;
}

const WH_TO_J = 3600;

export interface HubMetrics {
  contentType: string;
  /** The exposition text, with every room's series read now. */
  render(): Promise<string>;
}

export function hubMetrics(sources: MetricsSources): HubMetrics {
  const registry = new Registry();
  // The hub's own process: CPU, memory, event loop lag, GC, open handles.
  collectDefaultMetrics({ register: registry, prefix: 'hnth_' });
  // prom-client names these gauges `_total`, which Prometheus reserves for counters (promtool
  // refuses them); handle counts say little the memory and event-loop series do not.
  for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total']) {
    registry.removeSingleMetric(`hnth_nodejs_${name}`);
  }

  const room = ['room'] as const;
  const readiness = new Gauge({
    name: 'hnth_room_readiness',
    help: 'Health of each room (whatever its power state): 1 for its current level, 0 for the others.',
    labelNames: ['room', 'level'] as const,
    registers: [registry],
  });
  const powerState = new Gauge({
    name: 'hnth_room_power_state',
    help: 'Power state of each room (on, warming-up, off, off-ups, unknown): 1 for the current one, 0 for the others.',
    labelNames: ['room', 'state'] as const,
    registers: [registry],
  });
  const online = gauge(registry, 'hnth_room_online', 'Whether the room is online (1) or not (0).', room);
  const lastSeen = gauge(
    registry,
    'hnth_room_last_seen_timestamp_seconds',
    'When the hub last heard from the room (Unix time).',
    room,
  );
  const temp = gauge(registry, 'hnth_room_temperature_celsius', 'Room temperature.', room);
  const humidity = gauge(
    registry,
    'hnth_room_humidity_ratio',
    'Relative humidity of the room, 0 to 1.',
    room,
  );
  const latency = gauge(
    registry,
    'hnth_room_link_latency_seconds',
    'Round trip from the room to the MCU.',
    room,
  );
  const jitter = gauge(registry, 'hnth_room_link_jitter_seconds', 'Jitter of the link to the MCU.', room);
  const loss = gauge(registry, 'hnth_room_link_loss_ratio', 'Packet loss to the MCU, 0 to 1.', room);
  const powerOn = gauge(
    registry,
    'hnth_room_power_on',
    'Whether the room equipment is switched on (1) or off (0).',
    room,
  );
  const mains = gauge(
    registry,
    'hnth_room_mains_present',
    'Whether mains is present at the room supply (1) or the room is on battery (0).',
    room,
  );
  const upsCharge = gauge(registry, 'hnth_room_ups_charge_ratio', 'UPS battery charge, 0 to 1.', room);
  const inCall = gauge(registry, 'hnth_room_in_call', 'Whether the codec is in a call (1) or not (0).', room);
  const codecUp = gauge(
    registry,
    'hnth_room_codec_up',
    'Whether the codec answers and works (1) or not (0).',
    room,
  );
  const energyUsed = gauge(
    registry,
    'hnth_room_energy_used_joules',
    'Energy the room equipment used since its agent started, from the outputs rated power.',
    room,
  );
  const energyAlwaysOn = gauge(
    registry,
    'hnth_room_energy_always_on_joules',
    'Energy the same equipment would have used always on, over the same time.',
    room,
  );
  const energySince = gauge(
    registry,
    'hnth_room_energy_since_timestamp_seconds',
    'Since when the room energy counters count (its agent start, Unix time).',
    room,
  );

  const perRoom = [
    ...[
      readiness,
      powerState,
      online,
      lastSeen,
      temp,
      humidity,
      latency,
      jitter,
      loss,
      powerOn,
      mains,
      upsCharge,
    ],
    ...[inCall, codecUp, energyUsed, energyAlwaysOn, energySince],
  ];
  // The rooms are read once per scrape, for every per-room series at once.
  const refreshRooms = () => {
    for (const g of perRoom) g.reset();
    for (const view of sources.rooms()) setRoom(view);
  };
  const setRoom = (view: RoomView) => {
    const r = { room: view.id };
    for (const level of levels) readiness.set({ ...r, level }, view.readiness.level === level ? 1 : 0);
    for (const state of powerStates)
      powerState.set({ ...r, state }, view.readiness.power.state === state ? 1 : 0);
    online.set(r, view.online ? 1 : 0);
    if (view.lastSeen) lastSeen.set(r, Date.parse(view.lastSeen) / 1000);
    // An offline room's readings are its last, not its present: no series rather than stale ones.
    const readings = view.online ? view.readings : null;
    if (!readings) return;
    setIf(temp, r, readings.climate.tempC);
    setIf(humidity, r, ratio(readings.climate.humidityPct));
    setIf(latency, r, seconds(readings.link.latencyMs));
    setIf(jitter, r, seconds(readings.link.jitterMs));
    setIf(loss, r, ratio(readings.link.lossPct));
    powerOn.set(r, readings.power.state === 'on' ? 1 : 0);
    if (readings.power.mains !== null) mains.set(r, readings.power.mains ? 1 : 0);
    setIf(upsCharge, r, ratio(readings.power.upsChargePct));
    inCall.set(r, readings.codec.inCall ? 1 : 0);
    if (readings.codec.state !== 'unknown') codecUp.set(r, readings.codec.state === 'up' ? 1 : 0);
    if (readings.energy) {
      energyUsed.set(r, readings.energy.usedWh * WH_TO_J);
      energyAlwaysOn.set(r, readings.energy.alwaysOnWh * WH_TO_J);
      energySince.set(r, Date.parse(readings.energy.sinceIso) / 1000);
    }
  };

  counterOf(
    registry,
    'hnth_ingest_accepted_total',
    'Messages from the rooms accepted by ingest.',
    () => sources.ingest.accepted,
  );
  new Counter({
    name: 'hnth_ingest_rejected_total',
    help: 'Messages from the rooms rejected by ingest, by reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(sources.ingest.rejected)) this.inc({ reason }, n);
    },
  });
  new Counter({
    name: 'hnth_notifications_total',
    help: 'Notifications of incidents, by channel and outcome (sent, failed, skipped, postponed).',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [outcome, byChannel] of Object.entries(sources.notify)) {
        for (const [channel, n] of Object.entries(byChannel as Record<string, number>)) {
          this.inc({ channel, outcome }, n);
        }
      }
    },
  });
  gaugeOf(registry, 'hnth_incidents_open', 'Incidents open now (rooms and network).', () =>
    sources.openIncidents(),
  );
  gaugeOf(
    registry,
    'hnth_mqtt_connected',
    'Whether the hub is connected to the broker (1) or not (0).',
    () => (sources.mqttConnected() ? 1 : 0),
  );
  const onceOnly = sources.onceOnlyWork;
  if (onceOnly)
    gaugeOf(
      registry,
      'hnth_once_only_work_held',
      "Whether this hub does its group's once-only work (schedules, rehearsals, digests, escalations): 1 or 0.",
      () => (onceOnly() ? 1 : 0),
    );
  gaugeOf(
    registry,
    'hnth_store_pending_writes',
    'Store calls (the events store writes, the repositories statements) handed over and not yet answered (a growing number: a slow disk or a held lock).',
    () => sources.store.backlog().pending,
  );
  gaugeOf(
    registry,
    'hnth_store_oldest_pending_seconds',
    'How long the oldest uncommitted write has waited; 0 when none waits.',
    () => oldestWaitMs(sources.store.backlog()) / 1000,
  );
  counterOf(
    registry,
    'hnth_store_samples_skipped_total',
    'Live telemetry samples not kept for the history because the store was behind.',
    () => sources.history.skipped,
  );
  counterOf(
    registry,
    'hnth_store_samples_failed_total',
    'Telemetry samples the store failed to write.',
    () => sources.history.failed,
  );
  gaugeOf(registry, 'hnth_live_clients', 'Dashboards connected to the live socket.', () =>
    sources.wsClients(),
  );
  gaugeOf(
    registry,
    'hnth_live_clients_behind',
    "Dashboards behind on the live socket now (a slow link, a loaded machine): each room's latest view and speak standing waits until they catch up.",
    () => sources.wsLag().behind,
  );
  new Counter({
    name: 'hnth_live_states_held_total',
    help: "Room views and speak standings held for dashboards behind on the live socket rather than sent at once (one still waiting is replaced by its room's next), by message type (room, speak-state).",
    labelNames: ['type'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [type, n] of Object.entries(sources.wsLag().held)) this.inc({ type }, n);
    },
  });
  const audit = sources.audit;
  if (audit) {
    // Absent until the first verification: no 1 or 0 before anything was checked.
    new Gauge({
      name: 'hnth_audit_chain_intact',
      help: 'Whether the audit log verified at its last check (1), chain and checkpoint, or not (0).',
      registers: [registry],
      collect() {
        this.reset();
        const last = audit();
        if (last) this.set(last.ok ? 1 : 0);
      },
    });
    new Gauge({
      name: 'hnth_audit_last_verification_timestamp_seconds',
      help: 'When the audit log was last verified (Unix time).',
      registers: [registry],
      collect() {
        this.reset();
        const last = audit();
        if (last) this.set(Date.parse(last.at) / 1000);
      },
    });
    gaugeOf(
      registry,
      'hnth_audit_rows',
      'Rows of the audit log at its last verification.',
      () => audit()?.rows ?? 0,
    );
  }
  const auditRowsFailed = sources.auditRowsFailed;
  if (auditRowsFailed)
    counterOf(
      registry,
      'hnth_audit_rows_failed_total',
      'Audit rows the store refused (each also logged as an error).',
      auditRowsFailed,
    );
  const flood = sources.flood;
  if (flood) {
    gaugeOf(
      registry,
      'hnth_mqtt_rooms_flooding',
      'Rooms cut off at the broker, or disconnected by it for flooding in the last 10 minutes.',
      () => flood().flooding.length,
    );
    counterOf(
      registry,
      'hnth_mqtt_cut_off_messages_dropped_total',
      'Messages of cut-off rooms the hub dropped unread.',
      () => flood().droppedMessages,
    );
  }
  return {
    contentType: registry.contentType,
    render() {
      refreshRooms();
      return registry.metrics();
    },
  };
}

/** A gauge of the hub's own, read at each scrape. */
function gaugeOf(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

/** A counter mirroring a count the hub keeps itself. */
function counterOf(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

function gauge(registry: Registry, name: string, help: string, labelNames: readonly ['room']) {
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

function setIf(g: Gauge<'room'>, labels: { room: string }, value: number | null): void {
  if (value !== null) g.set(labels, value);
}

const ratio = (pct: number | null) => (pct === null ? null : pct / 100);
const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);
