/**
 * The hub's composition root. The stores open first (every part's rows go through them); then each
 * part is made, top to bottom, from the ports made before it (the live bus and the way out to the
 * broker exist before anything starts, so no part needs one made later); then the parts start in
 * the list's order and stop in the reverse (./parts/part.ts). One clock for every decision and timer.
 */
import { type Clock, systemClock } from '../shared/clock.js';
import type { Fleet } from '../shared/fleet.js';
import type { Logger } from '../shared/logger.js';
import { spawnRunner } from '../shared/probes/process-runner.js';
import { isoNow, SCHEMA_VERSION, type SpeakStateMessage } from '../shared/schemas.js';
import { speakStateTopic } from '../shared/topics.js';
import { apiPart } from './api/api-part.js';
import { LiveBus } from './api/live-bus.js';
import { BrokerOut } from './broker/broker-out.js';
import { brokerPart } from './broker/broker-part.js';
import { ApprovedConfigsRepo } from './codec-config/approved-configs-repo.js';
import { ConfigApproval } from './codec-config/config-approval.js';
import { CommandClient } from './commands/command-client.js';
import { type HubConfig, hubFleet } from './config.js';
import { ContactDirectory } from './contacts/contact-directory.js';
import { ContactsRepo } from './contacts/contacts-repo.js';
import { FleetState } from './fleet-state.js';
import type { IncidentTracker } from './incidents/incident-tracker.js';
import { incidentsPart } from './incidents/incidents-part.js';
import { IncidentsRepo } from './incidents/incidents-repo.js';
import { RoomEdgesRepo } from './incidents/room-edges-repo.js';
import type { Ingest } from './ingest/ingest.js';
import { ingestPart } from './ingest/ingest-part.js';
import { transitionLog } from './ingest/transition-log.js';
import { listen, localUrl } from './listen.js';
import { McuMonitor } from './mcu/mcu-monitor.js';
import { addressBook, MeetingNotices } from './notify/meeting-notices.js';
import { NotificationsRepo } from './notify/notifications-repo.js';
import { Notifier } from './notify/notifier.js';
import { SmtpChannel } from './notify/smtp-channel.js';
import { OnceOnlyWork } from './once-only-work.js';
import { type Part, startParts } from './parts/part.js';
import { callPlan } from './schedule/call-plan.js';
import { freezeOf } from './schedule/change-freeze.js';
import { MeetingWatch } from './schedule/meeting-watch.js';
import { MeetingsRepo } from './schedule/meetings-repo.js';
import { MeetingsSoon } from './schedule/meetings-soon.js';
import { RehearsalsRepo } from './schedule/rehearsals-repo.js';
import { ScheduleService } from './schedule/schedule-service.js';
import type { RouteInfo } from './security/access-guard.js';
import { loadOrCreateAuditKey } from './security/audit-key.js';
import { hubGuards } from './security/hub-guards.js';
import { openSecurity, type Security } from './security/security.js';
import { SpeakRepo } from './speak/speak-repo.js';
import { meetingResolver, SpeakService } from './speak/speak-service.js';
import { type HubStores, openHubStores } from './store/hub-stores.js';
import { Lease } from './store/lease.js';
import type { HubStore, StoreBacklog } from './store/store.js';
import { TelemetryHistory } from './telemetry-history.js';

export interface RunningHub {
  /** Where agents connect. */
  mqttUrl: string;
  httpUrl: string;
  httpPort: number;
  fleet: FleetState;
  ingest: Ingest;
  store: HubStore;
  commands: CommandClient;
  mcu: McuMonitor;
  schedule: ScheduleService;
  incidents: IncidentTracker;
  contacts: ContactDirectory;
  notifier: Notifier;
  speak: SpeakService;
  /** The work done once in a hub group: whether this hub does it now. */
  onceOnly: OnceOnlyWork;
  /** Users, sessions, broker credentials and the audit log (`security.audit.record(...)`). */
  security: Security;
  /** Every HTTP route with its declared access. */
  routes: RouteInfo[];
  /** Every store call waiting for its answer (the events store's and the repositories'). */
  backlog(): StoreBacklog;
  stop(): Promise<void>;
}

export interface HubOptions {
  /**
   * The one clock of every decision and timer of the hub (readiness, incidents, calendar, rehearsals,
   * commands, notifications); the machine's unless a test runs a virtual day.
   */
  clock?: Clock;
}

/**
 * In a hub group, the speak queue read again: another hub's change reaches this one through the live
 * relay, the relay listening again after its connection dropped reads it at once (below), and this
 * slow round catches what neither told. Slow, because each read is a transaction whose connection
 * stays taken while the hub's event loop is busy: every 2 s, at 10,000 rooms on two loaded hubs, those
 * reads held the pool's connections the lease needed (bench/results.md).
 */
const SPEAK_BACKSTOP_MS = 30_000;
const MEETINGS_SOON_REFRESH_MS = 30_000;

/**
 * In a hub group, a slow round reading back what other hubs did is never more frequent than the hub
 * follows the group at all (`store.followGroupSec`): set slower for a busy store, it slows them too.
 */
const groupRoundMs = (roundMs: number, config: HubConfig) =>
  config.store.url ? Math.max(roundMs, config.store.followGroupSec * 1000) : roundMs;

function followingSpeak(speak: SpeakService, clock: Clock, everyMs: number): Part {
  let timer: unknown = null;
  return {
    name: 'speak-follow',
    start() {
      timer = clock.setInterval(() => void speak.follow(), everyMs);
    },
    stop() {
      if (timer) clock.clearInterval(timer);
    },
  };
}

export async function startHub(
  config: HubConfig,
  log: Logger,
  options: HubOptions = {},
): Promise<RunningHub> {
  const clock = options.clock ?? systemClock;
  // The rooms served: the fleet file's (checked before anything opens) or the built-in 28.
  const roster = hubFleet(config);
  const auditKey = loadOrCreateAuditKey(config.audit.dir);
  const stores = await openHubStores({ url: config.store.url, dataDir: config.dataDir }, log);
  let hub: ComposedHub;
  try {
    hub = composeHub({ config, log, clock, roster, auditKey, stores });
  } catch (err) {
    await stores.stop();
    throw err;
  }
  const running = await startParts(hub.parts, log);
  const { httpPort, mqttUrl } = hub.addresses();
  const httpUrl = localUrl('http', config.http.host, httpPort);
  log.info({ httpUrl, mqttUrl }, 'hub running');
  return { ...hub.running, mqttUrl, httpUrl, httpPort, routes: hub.routes(), stop: () => running.stop() };
}

interface ComposedHub {
  /** In their start order. */
  parts: Part[];
  running: Omit<RunningHub, 'mqttUrl' | 'httpUrl' | 'httpPort' | 'routes' | 'stop'>;
  /** Known once started. */
  addresses(): { httpPort: number; mqttUrl: string };
  routes(): RouteInfo[];
}

/** Every part made, none started. */
function composeHub(c: {
  config: HubConfig;
  log: Logger;
  clock: Clock;
  roster: Fleet;
  auditKey: Buffer;
  stores: HubStores;
}): ComposedHub {
  const { config, log, clock, roster, auditKey, stores } = c;
  const { sql, leaseSql, events: store } = stores;

  // The ports every part may hold from the start.
  const live = new LiveBus();
  const out = new BrokerOut();
  const commands = new CommandClient((topic, payload) => out.publish(topic, payload, { qos: 1 }), log, clock);

  const security = openSecurity(sql, roster, { clock, auditKey, log });
  const fleet = new FleetState(roster.rooms, config.thresholds, clock.now());
  const history = new TelemetryHistory(
    store,
    { sampleSec: config.telemetrySampleSec, maxPendingSamples: config.store.maxPendingSamples },
    log,
  );
  const mcu = new McuMonitor(
    config.mcu,
    config.thresholds,
    (state) => live.broadcast({ type: 'mcu', mcu: state }),
    spawnRunner,
    log,
    clock,
  );
  const meetings = new MeetingsRepo(sql);
  const rehearsals = new RehearsalsRepo(sql);

  // Notifications: who is told what, by e-mail and webhooks, with the quiet hours' digests.
  const n = config.notify;
  const contacts = new ContactDirectory(
    new ContactsRepo(sql),
    roster,
    config.contacts.staleAfterDays,
    clock.now,
  );
  const notifications = new NotificationsRepo(sql);
  const smtp = n.smtp.host ? new SmtpChannel(n.smtp) : null;
  const notifier = new Notifier({
    repo: notifications,
    contacts,
    fleet: roster,
    email: smtp,
    routing: {
      operatorEmails: n.operatorEmails,
      minSeverity: n.minSeverity,
      quietHours: { start: n.quietHoursStart, end: n.quietHoursEnd },
      webhooks: n.webhooks,
    },
    webhook: { attempts: n.webhookAttempts, backoffMs: n.webhookBackoffMs, timeoutMs: n.webhookTimeoutMs },
    log,
    clock,
    dueCheckMs: n.postponedCheckSec * 1000,
  });
  const notices = new MeetingNotices({
    notifier,
    book: addressBook(contacts, n.operatorEmails, n.webhooks),
    meetings,
    rehearsals,
    sent: notifications,
    log: log.child({ part: 'meeting-notices' }),
    context: {
      fleet: roster,
      rehearsalOffsetsH: config.schedule.rehearsalOffsetsH,
      deadlineH: config.schedule.deadlineH,
    },
  });
  live.on('rehearsal', (message) => notices.rehearsal(message.rehearsal));
  live.on('escalation', (message) => notices.escalated(message.escalation));

  const incidentsRepo = new IncidentsRepo(sql);
  const incidents = incidentsPart({
    repo: incidentsRepo,
    fleet,
    mcu,
    notifier,
    live,
    settings: config.incidents,
    group: config.store.url
      ? { events: store, edges: new RoomEdgesRepo(sql), followMs: config.store.followGroupSec * 1000 }
      : null,
    log,
    clock,
  });
  const guards = hubGuards(config, security, auditKey, {
    isRoom: (id) => roster.has(id),
    incidents,
    clock,
    log,
  });

  // The coming meetings held in memory, so a room's speak request is answered at once.
  const meetingsSoon = new MeetingsSoon({
    meetings,
    aheadMs: config.schedule.warmUpMin * 60_000,
    refreshMs: groupRoundMs(MEETINGS_SOON_REFRESH_MS, config),
    log,
    clock,
  });
  live.on('meeting', () => void meetingsSoon.refresh());
  // Booked on another hub too: whichever hub first stores a room's request routes it the same way.
  live.fromGroup('meeting', () => void meetingsSoon.refresh());
  const speak = new SpeakService(
    roster,
    new SpeakRepo(sql),
    {
      publishState(roomId, state, at) {
        const message: SpeakStateMessage = { v: SCHEMA_VERSION, ts: isoNow(at), ...state };
        out.publishNow(speakStateTopic(roomId), JSON.stringify(message), { qos: 1, retain: true });
      },
      sessionChanged: (session) => live.broadcast({ type: 'speak-session', session }),
      sessionFound: (session) => live.show({ type: 'speak-session', session }),
      roomChanged: (roomId, state) => live.broadcast({ type: 'speak-state', roomId, speak: state }),
    },
    log,
    clock.now,
    // Art. 10.1c: a room asks for the floor in its own meeting (from its warm-up to its end).
    meetingResolver(() => {
      const now = clock.now();
      return meetingsSoon.between(now, new Date(now.getTime() + config.schedule.warmUpMin * 60_000));
    }),
  );
  // Another hub changed a speak queue: the rooms this hub tells learn where they stand now, and its
  // dashboards, already shown the news, are not shown it again from the queue read.
  live.fromGroup('speak-session', (message) => void speak.heardFromGroup(message.session));
  live.onRelayResumed(() => void speak.follow());

  // Art. 5.3: the codec configurations the operator approved, delivered to the rooms.
  const configs = new ApprovedConfigsRepo(sql);
  const approval = new ConfigApproval({
    repo: configs,
    commands,
    audit: security.audit,
    noteDrift: (roomId, drift) => fleet.noteDrift(roomId, drift, clock.now()),
    clock,
    log: log.child({ part: 'codec-config' }),
    timeoutMs: config.remoteActions.timeoutSec * 1000,
  });
  // A room's agent that starts again gets its approved configuration again.
  fleet.listen({ change: (view) => approval.onRoom(view.id, view.online, view.bootId) });

  // The change freeze of a room now (art. 9.3, 11.1), as the power buttons and the test calls see it.
  const freezeNow = async (roomId: string) =>
    freezeOf(roomId, await meetings.list({ from: clock.now().toISOString(), roomId }), clock.now(), {
      warmUpMin: config.schedule.warmUpMin,
      offsetsH: config.schedule.rehearsalOffsetsH,
      rehearsalMin: config.schedule.rehearsalMin,
    });
  const schedule = new ScheduleService({
    meetings,
    rehearsals,
    fleet: roster,
    settings: config.schedule,
    calls: callPlan(config, freezeNow),
    commands,
    publish: (topic, payload) => out.publish(topic, payload, { qos: 1, retain: true }),
    broadcast: (message) => live.broadcast(message),
    notify: (...args) => notices.booked(...args),
    audit: security.audit,
    ...(config.store.url ? { followMs: config.store.followGroupSec * 1000 } : {}),
    log,
    clock,
  });
  // The readiness history, stored by one hub of a group (every hub judges every room).
  const transitions = transitionLog({
    fleet,
    store,
    group: Boolean(config.store.url),
    log: log.child({ part: 'transitions' }),
    clock,
  });
  // The work done once in a hub group sharing a PostgreSQL, on the hub holding the lease: the quiet
  // hours' digests, the schedule's (./schedule/schedule-service.ts), the escalations (the watch
  // below), the incidents' decisions and notices, the readiness history. A hub alone simply does it all.
  const onceOnly = new OnceOnlyWork(
    leaseSql ? new Lease(leaseSql, { name: 'once-only-work', log }) : null,
    [
      { name: 'digests', start: () => notifier.start(), stop: () => notifier.stop() },
      { name: 'schedule', start: () => schedule.start(), stop: () => schedule.stopWork() },
      ...(config.store.url ? [incidents.deciding] : []),
      // Last, so stopped first when the lease is lost: nothing stored after another hub may store.
      // Started last, its catch-up is dated a little later, and covers what changed before it all the same.
      ...(config.store.url ? [transitions.storing] : []),
    ],
    log.child({ part: 'once-only-work' }),
  );
  // Art. 9.3, 11.1: each coming meeting's go/no-go, kept true from its first rehearsal to its end.
  const watch = new MeetingWatch({
    meetings,
    rehearsals,
    rooms: () => fleet.views(),
    broadcast: (message) => live.broadcast(message),
    firstRehearsalH: Math.max(0, ...config.schedule.rehearsalOffsetsH),
    escalates: () => onceOnly.held,
    log: log.child({ part: 'meeting-watch' }),
    clock,
  });
  // A rehearsal's news, and any room's readiness, change the verdicts of the meetings.
  live.on('rehearsal', () => watch.changed());
  live.on('rehearsal-room', () => watch.changed());
  fleet.listen({ transition: () => watch.changed() });

  const ingest = ingestPart({
    fleet,
    store,
    history,
    incidents,
    approval,
    commands,
    speak,
    live,
    broker: out,
    recheckSec: config.readinessCheckSec,
    log,
    clock,
  });
  const broker = brokerPart({
    config,
    credentials: security.credentials,
    flood: guards.flood,
    ingest: (topic, payload) => ingest.ingest.handle(topic, payload),
    out,
    log,
    clock,
  });
  const api = apiPart({
    config,
    roster,
    fleet,
    store,
    backlog: () => stores.backlog(),
    sql,
    security,
    guards,
    mcu,
    schedule,
    watch,
    freezeOf: freezeNow,
    approval,
    configs,
    commands,
    incidents: incidents.tracker,
    incidentsRepo,
    contacts,
    notifier,
    notifications,
    speak,
    history,
    ingest: ingest.ingest,
    onceOnly,
    broker,
    out,
    live,
    log,
    clock,
  });
  let httpPort = 0;

  // Started in this order, stopped in the reverse: nothing reaches a part before it started, and a
  // part stops only once nothing it serves runs (the store last of all).
  const parts: Part[] = [
    stores,
    // The audit rows recorded and not yet stored are written before the store closes.
    { name: 'security', stop: () => security.audit.settled() },
    // Stopping waits for the notifications under way, so each one's result is stored.
    {
      name: 'notifier',
      stop: async () => {
        await notifier.idle();
        await smtp?.close();
      },
    },
    { name: 'meeting-notices', stop: () => notices.idle() },
    incidents,
    // After the incidents' restore: the flood guard's first look may raise a room's flood edge.
    guards,
    { name: 'meetings-soon', start: () => meetingsSoon.start(), stop: () => meetingsSoon.stop() },
    { name: 'speak', start: () => speak.restore(), stop: () => speak.idle() },
    { name: 'codec-config', start: () => approval.restore(), stop: () => approval.idle() },
    { name: 'mcu', start: () => mcu.start(), stop: () => mcu.stop() },
    ingest,
    api,
    broker,
    // After the broker, so they stop before it: no command sent and no rehearsal acting on a hub
    // whose MQTT is closing.
    { name: 'commands', stop: () => commands.close() },
    { name: 'schedule', stop: () => schedule.stop() },
    { name: 'speak-states', start: () => speak.publishAll() },
    ...(config.store.url ? [followingSpeak(speak, clock, groupRoundMs(SPEAK_BACKSTOP_MS, config))] : []),
    // The lease is let go first of all when stopping, so another hub of the group takes the work at once.
    { name: 'once-only-work', start: () => onceOnly.start(), stop: () => onceOnly.stop() },
    { name: 'meeting-watch', start: () => watch.start(), stop: () => watch.stop() },
    {
      name: 'http',
      start: async () => {
        httpPort = await listen(
          api.app.server,
          { name: 'HTTP server', port: config.http.port, host: config.http.host, envVar: 'HNTH_HTTP_PORT' },
          config.portFallback,
          log,
        );
      },
    },
  ];
  return {
    parts,
    running: {
      fleet,
      ingest: ingest.ingest,
      store,
      commands,
      mcu,
      schedule,
      incidents: incidents.tracker,
      contacts,
      notifier,
      speak,
      onceOnly,
      security,
      backlog: () => stores.backlog(),
    },
    addresses: () => ({ httpPort, mqttUrl: broker.mqttUrl }),
    routes: () => api.routes,
  };
}
