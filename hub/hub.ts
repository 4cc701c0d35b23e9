/**
 * The hub's controller: starts the store, the broker (embedded unless an external one is
 * configured), ingest, room state and readiness, the API and the live socket, and stops them in
 * the reverse order.
 */
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { type Clock, systemClock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { spawnRunner } from '../shared/probes/process-runner.js';
import { type EventAckMessage, isoNow, SCHEMA_VERSION, type SpeakStateMessage } from '../shared/schemas.js';
import { ackTopic, injectTopic, roomChannels, speakStateTopic } from '../shared/topics.js';
import { sessionActor } from './api/actor.js';
import { buildApi } from './api/http-api.js';
import { hubMetrics } from './api/hub-metrics.js';
import { type LiveOut, relayed, startLiveRelay } from './api/live-relay.js';
import { LiveSocket } from './api/live-socket.js';
import { metricsRoutes } from './api/metrics-routes.js';
import { noticeProblemsRoutes } from './api/notice-problems-routes.js';
import { powerRoutes } from './api/power-routes.js';
import { rehearsalHistoryRoutes } from './api/rehearsal-history-routes.js';
import { remoteActionsRoutes } from './api/remote-actions-routes.js';
import { roomsRoutes, withoutCredentials } from './api/rooms-routes.js';
import { scheduleRulesRoutes } from './api/schedule-rules-routes.js';
import { simulateRoutes } from './api/simulate-routes.js';
import { telemetryRoutes } from './api/telemetry-routes.js';
import { startHubBroker } from './broker/hub-broker.js';
import { connectHubLink } from './broker/hub-link.js';
import { ApprovedConfigsRepo } from './codec-config/approved-configs-repo.js';
import { ConfigApproval } from './codec-config/config-approval.js';
import { configRoutes } from './codec-config/config-routes.js';
import { CommandClient } from './commands/command-client.js';
import { type HubConfig, hubFleet } from './config.js';
import { ContactDirectory } from './contacts/contact-directory.js';
import { ContactsRepo } from './contacts/contacts-repo.js';
import { contactsRoutes } from './contacts/contacts-routes.js';
import { FleetState } from './fleet-state.js';
import { IncidentTracker } from './incidents/incident-tracker.js';
import { IncidentsRepo } from './incidents/incidents-repo.js';
import { incidentsRoutes } from './incidents/incidents-routes.js';
import { InOrderPerKey } from './ingest/in-order.js';
import { Ingest } from './ingest/ingest.js';
import { ingestFilter } from './ingest/ingest-filter.js';
import { listen, localUrl } from './listen.js';
import { McuMonitor } from './mcu/mcu-monitor.js';
import { mcuRoutes } from './mcu/mcu-routes.js';
import { addressBook, MeetingNotices } from './notify/meeting-notices.js';
import { NotificationsRepo } from './notify/notifications-repo.js';
import { notificationsRoutes } from './notify/notifications-routes.js';
import { Notifier, noticeOf } from './notify/notifier.js';
import { SmtpChannel } from './notify/smtp-channel.js';
import { OnceOnlyWork } from './once-only-work.js';
import { reportsRoutes } from './report/reports-routes.js';
import { CalendarSubscriptions, subscriptionRoutes } from './schedule/calendar-subscriptions.js';
import { callPlan } from './schedule/call-plan.js';
import { type Freeze, freezeOf } from './schedule/change-freeze.js';
import { MeetingWatch, meetingVerdictRoutes } from './schedule/meeting-watch.js';
import { MeetingsRepo } from './schedule/meetings-repo.js';
import { MeetingsSoon } from './schedule/meetings-soon.js';
import { ScheduleService } from './schedule/schedule-service.js';
import { type RouteInfo, sessionToken } from './security/access-guard.js';
import { loadOrCreateAuditKey } from './security/audit-key.js';
import { AuditQuery } from './security/audit-query.js';
import { auditRoutes } from './security/audit-routes.js';
import { startHubGuards } from './security/hub-guards.js';
import { openSecurity, type Security } from './security/security.js';
import { sessionRoutes } from './security/session-routes.js';
import { usersRoutes } from './security/users-routes.js';
import { SpeakRepo } from './speak/speak-repo.js';
import { speakRoutes } from './speak/speak-routes.js';
import { meetingResolver, SpeakService } from './speak/speak-service.js';
import { watchBacklog } from './store/backlog-watch.js';
import { openDatabase } from './store/database.js';
import { hubMigrations } from './store/hub-migrations.js';
import { openHubStores } from './store/hub-stores.js';
import { Lease } from './store/lease.js';
import type { HubStore } from './store/store.js';
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
 * How often, in a hub group, the hub doing the once-only work looks for what the others did: a
 * meeting booked there is planned, a rehearsal asked for there starts, within this.
 */
const FOLLOW_GROUP_MS = 2000;

export async function startHub(
  config: HubConfig,
  log: Logger,
  options: HubOptions = {},
): Promise<RunningHub> {
  // The rooms served: the fleet file's (checked before anything opens) or the built-in 28.
  const roster = hubFleet(config);
  const clock = options.clock ?? systemClock;
  const dbFile = path.join(config.dataDir, 'hnth.db');
  const auditKey = loadOrCreateAuditKey(config.audit.dir);
  const db = openDatabase(dbFile);
  // What the rooms report, and every repository's rows (meetings, users, incidents, ...): in the
  // PostgreSQL the hub group shares when there is one (one pool for both), so any hub of the group
  // reads what another wrote; else in the hub's SQLite file.
  const stores = await openHubStores({
    url: config.store.url,
    db,
    dbFile,
    migrations: hubMigrations,
    log,
  }).catch((err: Error) => {
    db.close();
    throw err;
  });
  const { events: store, relational } = stores;
  const security = openSecurity(relational.sql, roster, { clock, auditKey, log });
  const stopWatch = watchBacklog(store, log);
  const history = new TelemetryHistory(
    store,
    { sampleSec: config.telemetrySampleSec, maxPendingSamples: config.store.maxPendingSamples },
    log,
  );
  const fleet = new FleetState(roster.rooms, config.thresholds, clock.now());
  let client: MqttClient | null = null;
  // The store closes after everything that writes to it has stopped, and before the database.
  const cleanups: (() => Promise<unknown> | unknown)[] = [() => db.close(), () => stores.close(), stopWatch];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  // The audit rows recorded and not yet stored are written before the store closes.
  cleanups.push(() => security.audit.settled());
  // Incidents, contacts, notifications, speak requests.
  const contacts = new ContactDirectory(
    new ContactsRepo(relational.sql),
    roster,
    config.contacts.staleAfterDays,
    clock.now,
  );
  const incidentsRepo = new IncidentsRepo(relational.sql);
  // The live socket exists once the HTTP server does; changes before that have no listener.
  const liveRef: { socket?: LiveOut } = {};
  const mcu = new McuMonitor(
    config.mcu,
    config.thresholds,
    (state) => liveRef.socket?.broadcast({ type: 'mcu', mcu: state }),
    spawnRunner,
    log,
    clock,
  );
  const incidents = new IncidentTracker(
    incidentsRepo,
    fleet,
    config.incidents,
    log,
    {
      // One network incident instead of 28 when the MCU is unreachable (art. 10.2đ).
      state: () => {
        const m = mcu.state;
        if (!m.configured || m.reachable === null) return 'unknown';
        return m.reachable ? 'up' : 'down';
      },
    },
    clock.now,
  );
  await incidents.restore().catch(async (err: Error) => {
    await stop();
    throw err;
  });
  // The rules look at every room, so a burst (a fleet coming online, thousands of rooms at scale, a
  // room's replay after an outage) is judged once per turn of the event loop, all the messages read
  // at once: O(rooms) per burst, not O(rooms²) (the scale benchmark found the per-transition
  // evaluation saturating the hub), and a replay's raise and clear of one fault are judged together.
  let judging: NodeJS.Immediate | null = null;
  const judgeIncidents = () => {
    judging ??= setImmediate(() => {
      judging = null;
      incidents.evaluate();
    });
  };
  cleanups.push(() => judging && clearImmediate(judging));
  const guards = await startHubGuards(config, security, auditKey, {
    isRoom: (id) => roster.has(id),
    incidents,
    clock,
    log,
  }).catch(async (err: Error) => {
    await stop();
    throw err;
  });
  cleanups.push(() => guards.stop());
  const notificationsRepo = new NotificationsRepo(relational.sql);
  const n = config.notify;
  const smtp = n.smtp.host ? new SmtpChannel(n.smtp) : null;
  if (smtp) cleanups.push(() => smtp.close());
  const notifier = new Notifier({
    repo: notificationsRepo,
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
  // Stopping waits for notifications under way, so each one's result is stored before the database closes.
  cleanups.push(() => notifier.idle());
  // The speak requests are answered at once: from the coming meetings held in memory.
  const meetingsSoon = new MeetingsSoon({
    meetings: new MeetingsRepo(relational.sql),
    aheadMs: config.schedule.warmUpMin * 60_000,
    refreshMs: 30_000,
    log,
    clock,
  });
  await meetingsSoon.start();
  cleanups.push(() => meetingsSoon.stop());
  const speak = new SpeakService(
    roster,
    new SpeakRepo(relational.sql),
    {
      publishState(roomId, state, at) {
        const message: SpeakStateMessage = { v: SCHEMA_VERSION, ts: isoNow(at), ...state };
        client?.publish(speakStateTopic(roomId), JSON.stringify(message), { qos: 1, retain: true });
      },
      sessionChanged: (session) => liveRef.socket?.broadcast({ type: 'speak-session', session }),
      roomChanged: (roomId, state) =>
        liveRef.socket?.broadcast({ type: 'speak-state', roomId, speak: state }),
    },
    log,
    clock.now,
    // Art. 10.1c: a room asks for the floor in its own meeting (from its warm-up to its end).
    meetingResolver(() => {
      const now = clock.now();
      return meetingsSoon.between(now, new Date(now.getTime() + config.schedule.warmUpMin * 60_000));
    }),
  );
  // Stopping waits for the speak change under way to be stored.
  cleanups.push(() => speak.idle());
  await speak.restore().catch(async (err: Error) => {
    await stop();
    throw err;
  });

  try {
    for (const { roomId, at } of await store.lastHeard()) fleet.restoreLastSeen(roomId, at, clock.now());
    const mqtt = await startHubBroker(config, security.credentials, log, {
      clock,
      onFlood: (roomId) => guards.flood.brokerFlooded(roomId),
    });
    const { embedded: broker, mqttUrl } = mqtt;
    if (broker) cleanups.push(() => broker.close());

    // Art. 5.3: the codec configurations the operator approved, delivered to the rooms.
    const configs = new ApprovedConfigsRepo(relational.sql);
    const approval = new ConfigApproval({
      repo: configs,
      commands: { send: (...args) => commands.send(...args) },
      audit: security.audit,
      noteDrift: (roomId, drift) => fleet.noteDrift(roomId, drift, clock.now()),
      clock,
      log: log.child({ part: 'codec-config' }),
      timeoutMs: config.remoteActions.timeoutSec * 1000,
    });
    await approval.restore();
    // Stopping waits for the drift being stored, before the store closes.
    cleanups.push(() => approval.idle());
    // The change freeze of a room now (art. 9.3, 11.1), as the power buttons and the test calls see it.
    const freezeNow = async (roomId: string): Promise<Freeze | null> =>
      freezeOf(
        roomId,
        await schedule.meetings.list({ from: clock.now().toISOString(), roomId }),
        clock.now(),
        {
          warmUpMin: config.schedule.warmUpMin,
          offsetsH: config.schedule.rehearsalOffsetsH,
          rehearsalMin: config.schedule.rehearsalMin,
        },
      );
    const schedule = new ScheduleService({
      sql: relational.sql,
      fleet: roster,
      settings: config.schedule,
      calls: callPlan(config, freezeNow),
      commands: { send: (...args) => commands.send(...args) },
      publish: async (topic, payload) => {
        if (!client) throw new Error('hub not connected to the broker');
        await client.publishAsync(topic, payload, { qos: 1, retain: true });
      },
      broadcast: (message) => {
        live.broadcast(message);
        // A rehearsal's news changes the verdicts of its meeting.
        if (message.type === 'rehearsal' || message.type === 'rehearsal-room') watch.changed();
        if (message.type === 'meeting') void meetingsSoon.refresh();
        if (message.type === 'rehearsal') notices.rehearsal(message.rehearsal);
        if (message.type === 'escalation') notices.escalated(message.escalation);
        // A line or a codec that failed its calls is an incident, routed to whoever must fix it.
        if (message.type === 'rehearsal-room' && message.attempt.answered)
          incidents.onRehearsal(message.attempt.roomId, message.attempt.checks);
      },
      notify: (...args) => notices.booked(...args),
      audit: security.audit,
      ...(config.store.url ? { followMs: FOLLOW_GROUP_MS } : {}),
      log,
      clock,
    });
    // The work done once in a hub group sharing a PostgreSQL, on the hub holding the lease: the
    // quiet hours' digests, the schedule's (../schedule/schedule-service.ts), the escalations (the
    // watch below). Incidents are still tracked on every hub. A hub alone simply does it all.
    const onceOnly = new OnceOnlyWork(
      config.store.url ? new Lease(relational.sql, { name: 'once-only-work', log }) : null,
      [
        { name: 'digests', start: () => notifier.start(), stop: () => notifier.stop() },
        { name: 'schedule', start: () => schedule.start(), stop: () => schedule.stopWork() },
      ],
      log.child({ part: 'once-only-work' }),
    );
    const notices = new MeetingNotices({
      notifier,
      book: addressBook(contacts, n.operatorEmails, n.webhooks),
      meetings: schedule.meetings,
      rehearsals: schedule.rehearsals,
      sent: notificationsRepo,
      log: log.child({ part: 'meeting-notices' }),
      context: {
        fleet: roster,
        rehearsalOffsetsH: config.schedule.rehearsalOffsetsH,
        deadlineH: config.schedule.deadlineH,
      },
    });
    // Art. 9.3, 11.1: each coming meeting's go/no-go, kept true from its first rehearsal to its end.
    const watch = new MeetingWatch({
      meetings: schedule.meetings,
      rehearsals: schedule.rehearsals,
      rooms: () => fleet.views(),
      broadcast: (message) => {
        live.broadcast(message);
        if (message.type === 'escalation') notices.escalated(message.escalation);
      },
      firstRehearsalH: Math.max(0, ...config.schedule.rehearsalOffsetsH),
      escalates: () => onceOnly.held,
      log: log.child({ part: 'meeting-watch' }),
      clock,
    });

    const app = buildApi(
      log,
      security.sessions,
      [
        sessionRoutes(security),
        usersRoutes(security.users, security.audit),
        auditRoutes({
          audit: security.audit,
          query: new AuditQuery(relational.sql, security.audit),
          fleet: roster,
          now: clock.now,
        }),
        mcuRoutes(mcu),
        ...schedule.routes,
        meetingVerdictRoutes(watch, schedule.meetings),
        subscriptionRoutes({
          subscriptions: new CalendarSubscriptions(relational.sql, clock.now),
          users: security.users,
          meetings: schedule.meetings,
          fleet: roster,
          ics: { offsetsH: config.schedule.rehearsalOffsetsH, rehearsalMin: config.schedule.rehearsalMin },
          now: clock.now,
        }),
        rehearsalHistoryRoutes({
          rehearsals: schedule.rehearsals,
          meetings: schedule.meetings,
          fleet: roster,
          now: clock.now,
        }),
        roomsRoutes(fleet, store, () => ({
          broker: broker
            ? { mode: 'embedded', port: broker.port }
            : { mode: 'external', url: withoutCredentials(config.mqtt.url) },
          mqttConnected: client?.connected ?? false,
          ingest: ingest.counters,
          wsClients: live.clientCount,
          audit: guards.audit.last,
          flood: guards.flood.status(),
          onceOnlyWork: onceOnly.state(),
        })),
        telemetryRoutes(fleet, store, clock.now),
        configRoutes({ approval, repo: configs, fleet, now: clock.now }),
        powerRoutes({
          fleet,
          commands: { send: (...args) => commands.send(...args) },
          audit: security.audit,
          freezeOf: freezeNow,
          now: clock.now,
          timeoutMs: config.schedule.powerOnTimeoutSec * 1000,
        }),
        remoteActionsRoutes({
          fleet,
          commands: { send: (...args) => commands.send(...args) },
          audit: security.audit,
          freezeOf: freezeNow,
          timeoutMs: config.remoteActions.timeoutSec * 1000,
        }),
        scheduleRulesRoutes(config.schedule),
        simulateRoutes({
          enabled: config.mqtt.simInject,
          fleet: roster,
          audit: security.audit,
          inject: async (roomId, message) => {
            if (!client) throw new Error('hub not connected to the broker');
            await client.publishAsync(injectTopic(roomId), JSON.stringify(message), { qos: 1 });
          },
        }),
        incidentsRoutes(incidentsRepo, incidents, contacts, roster, sessionActor),
        contactsRoutes(contacts, roster, sessionActor, clock.now),
        notificationsRoutes(notificationsRepo, notifier),
        noticeProblemsRoutes({
          notifications: notificationsRepo,
          incidents: incidentsRepo,
          setup: { operatorEmails: n.operatorEmails.length, smtp: smtp !== null },
          now: clock.now,
        }),
        speakRoutes(speak, roster, sessionActor),
        // Art. 12.5: the yearly report, from the history the other parts stored.
        reportsRoutes({
          store,
          meetings: schedule.meetings,
          rehearsals: schedule.rehearsals,
          incidents: incidentsRepo,
          rooms: roster.rooms,
          now: clock.now,
        }),
        metricsRoutes(
          hubMetrics({
            rooms: () => fleet.views(),
            get ingest() {
              return ingest.counters;
            },
            notify: notifier.counters,
            openIncidents: () => incidents.openCount(),
            mqttConnected: () => client?.connected ?? false,
            wsClients: () => live.clientCount,
            store,
            history: history.counters,
            audit: () => guards.audit.last,
            auditRowsFailed: () => security.audit.failures,
            flood: () => guards.flood.status(),
            onceOnlyWork: () => onceOnly.held,
          }),
          config.metrics.token,
        ),
      ],
      { trustProxy: config.http.trustProxy, audit: security.audit },
    );
    await app.ready();
    const socket = new LiveSocket(
      app.server,
      () => fleet.views(),
      log,
      async (req) => {
        const token = sessionToken(req.headers.cookie);
        const readerOf = async (t: string) => {
          const user = (await security.sessions.find(t))?.user;
          return user ? { role: user.role, roomId: user.roomId } : null;
        };
        const reader = token ? await readerOf(token) : null;
        return token && reader ? { reader, check: () => readerOf(token) } : null;
      },
    );
    cleanups.push(async () => {
      socket.close();
      await app.close();
    });
    // The news of the group's other hubs (an event one stored, a meeting booked on one) on this hub's sockets.
    const relay = await startLiveRelay({
      url: config.store.url,
      sql: relational.sql,
      deliver: (message) => socket.broadcast(message),
      log,
    });
    cleanups.push(() => relay.stop());
    const live = relayed(socket, relay);
    liveRef.socket = live;

    const eventsInOrder = new InOrderPerKey();
    const ingest = new Ingest(
      fleet,
      {
        event(roomId, event, receivedAt) {
          eventsInOrder.follow(
            roomId,
            store.insertEvent(roomId, event, receivedAt),
            (stored) => {
              if (stored) live.broadcast({ type: 'event', event: stored });
              if (stored?.type === 'ups.shutdown') {
                fleet.noteShutdown(roomId, new Date(stored.ts), String(stored.data.reason ?? 'UPS critical'));
              }
              if (stored) {
                incidents.record(roomId, stored);
                judgeIncidents();
              }
              if (stored?.type === 'config.drift' || stored?.type === 'config.restored')
                approval.onEvent(roomId, stored.type, stored.data);
              // Committed now or before (a replay): either way the room may forget it.
              const ack: EventAckMessage = {
                v: SCHEMA_VERSION,
                bootId: event.bootId,
                seqs: [event.seq],
                ts: isoNow(clock.now()),
              };
              client?.publish(ackTopic(roomId), JSON.stringify(ack), { qos: 0 });
            },
            (err: Error) =>
              // Not acknowledged: the room keeps it in its outbox and sends it again on reconnecting.
              log.error(
                { room: roomId, bootId: event.bootId, seq: event.seq, err: err.message },
                'event not stored',
              ),
          );
        },
        telemetry: (roomId, telemetry) => history.offer(roomId, telemetry),
        reply: (roomId, reply) => commands.onReply(roomId, reply),
        speak: (roomId, message) => speak.onMessage(roomId, message),
      },
      log,
      clock.now,
    );
    fleet.listen({
      change: (room) => live.broadcast({ type: 'room', room }),
      transition: (room) =>
        store
          .insertTransition({
            roomId: room.id,
            level: room.readiness.level,
            power: room.readiness.power.state,
            reasons: room.readiness.reasons,
            at: clock.now().toISOString(),
          })
          .catch((err: Error) =>
            log.error({ room: room.id, err: err.message }, 'readiness transition not stored'),
          ),
    });
    const timer = clock.setInterval(() => fleet.recheck(clock.now()), config.readinessCheckSec * 1000);
    cleanups.push(() => clock.clearInterval(timer));
    mcu.start();
    cleanups.push(() => mcu.stop());

    fleet.listen({ transition: judgeIncidents });
    incidents.listen({
      opened(incident) {
        live.broadcast({ type: 'incident', change: 'opened', incident });
        notifier.notify(noticeOf(incident, 'opened'));
      },
      closed(incident) {
        live.broadcast({ type: 'incident', change: 'closed', incident });
        notifier.notify(noticeOf(incident, 'closed'));
      },
      acknowledged: (incident) => live.broadcast({ type: 'incident', change: 'acknowledged', incident }),
    });
    const incidentTimer = clock.setInterval(() => incidents.evaluate(), config.incidents.checkSec * 1000);
    // Stopping stores the decisions made, and tells the notifier, before it stops.
    cleanups.push(() => incidents.idle());
    cleanups.push(() => clock.clearInterval(incidentTimer));

    const link = await connectHubLink(
      {
        url: mqtt.hubLogin.url,
        login: mqtt.hubLogin.options,
        clientId: config.mqtt.clientId,
        protocolVersion: config.mqtt.protocolVersion,
        keepaliveSec: config.mqtt.keepaliveSec,
        filters: roomChannels.map((ch) => ingestFilter(ch, config.mqtt.sharedGroup)),
        now: clock.now,
      },
      (topic, payload) => {
        if (guards.flood.admit(topic)) ingest.handle(topic, payload);
      },
      log,
    );
    client = link;
    cleanups.push(() => link.stop());
    const commands = new CommandClient(
      async (topic, payload) => {
        await link.publishAsync(topic, payload, { qos: 1 });
      },
      log,
      clock,
    );
    cleanups.push(() => commands.close());
    speak.publishAll();
    // Pushed after the command client, so it stops first: no rehearsal acts on a closing hub; the
    // lease let go first of all, so another hub of the group takes the work at once.
    cleanups.push(() => schedule.stop());
    cleanups.push(() => onceOnly.stop());
    await onceOnly.start();
    fleet.listen({ transition: () => watch.changed() });
    // A room's agent that starts again gets its approved configuration again.
    fleet.listen({ change: (view) => approval.onRoom(view.id, view.online, view.bootId) });
    watch.start();
    cleanups.push(() => watch.stop());

    const httpPort = await listen(
      app.server,
      { name: 'HTTP server', port: config.http.port, host: config.http.host, envVar: 'HNTH_HTTP_PORT' },
      config.portFallback,
      log,
    );
    const httpUrl = localUrl('http', config.http.host, httpPort);
    log.info({ httpUrl, mqttUrl }, 'hub running');
    return {
      mqttUrl,
      httpUrl,
      httpPort,
      fleet,
      ingest,
      store,
      commands,
      mcu,
      schedule,
      incidents,
      contacts,
      notifier,
      speak,
      onceOnly,
      security,
      routes: app.declaredRoutes,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
