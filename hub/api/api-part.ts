/**
 * The API part: every part's HTTP routes on one server, the live socket on `/ws` (the fleet, and
 * the news of this hub and of its group's other hubs through the relay), and the metrics.
 * Listening is a part of its own, started last, so no request reaches a hub still starting.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../shared/clock.js';
import type { Fleet } from '../../shared/fleet.js';
import type { Logger } from '../../shared/logger.js';
import { injectTopic } from '../../shared/topics.js';
import type { BrokerOut } from '../broker/broker-out.js';
import type { BrokerPart } from '../broker/broker-part.js';
import type { ApprovedConfigsRepo } from '../codec-config/approved-configs-repo.js';
import type { ConfigApproval } from '../codec-config/config-approval.js';
import { configRoutes } from '../codec-config/config-routes.js';
import type { CommandClient } from '../commands/command-client.js';
import type { HubConfig } from '../config.js';
import type { ContactDirectory } from '../contacts/contact-directory.js';
import { contactsRoutes } from '../contacts/contacts-routes.js';
import type { FleetState } from '../fleet-state.js';
import type { IncidentTracker } from '../incidents/incident-tracker.js';
import type { IncidentsRepo } from '../incidents/incidents-repo.js';
import { incidentsRoutes } from '../incidents/incidents-routes.js';
import type { Ingest } from '../ingest/ingest.js';
import type { McuMonitor } from '../mcu/mcu-monitor.js';
import { mcuRoutes } from '../mcu/mcu-routes.js';
import type { NotificationsRepo } from '../notify/notifications-repo.js';
import { notificationsRoutes } from '../notify/notifications-routes.js';
import type { Notifier } from '../notify/notifier.js';
import type { OnceOnlyWork } from '../once-only-work.js';
import type { Part } from '../parts/part.js';
import { reportsRoutes } from '../report/reports-routes.js';
import { CalendarSubscriptions, subscriptionRoutes } from '../schedule/calendar-subscriptions.js';
import type { Freeze } from '../schedule/change-freeze.js';
import { type MeetingWatch, meetingVerdictRoutes } from '../schedule/meeting-watch.js';
import type { ScheduleService } from '../schedule/schedule-service.js';
import { type RouteInfo, sessionToken } from '../security/access-guard.js';
import { AuditQuery } from '../security/audit-query.js';
import { auditRoutes } from '../security/audit-routes.js';
import type { HubGuards } from '../security/hub-guards.js';
import type { Security } from '../security/security.js';
import { sessionRoutes } from '../security/session-routes.js';
import { usersRoutes } from '../security/users-routes.js';
import { speakRoutes } from '../speak/speak-routes.js';
import type { SpeakService } from '../speak/speak-service.js';
import type { Sql } from '../store/sql.js';
import type { HubStore, StoreBacklog } from '../store/store.js';
import type { TelemetryHistory } from '../telemetry-history.js';
import { sessionActor } from './actor.js';
import { buildApi } from './http-api.js';
import { hubMetrics } from './hub-metrics.js';
import type { LiveBus } from './live-bus.js';
import { startLiveRelay } from './live-relay.js';
import { LiveSocket } from './live-socket.js';
import { metricsRoutes } from './metrics-routes.js';
import { noticeProblemsRoutes } from './notice-problems-routes.js';
import { powerRoutes } from './power-routes.js';
import { ReaderLag } from './reader-lag.js';
import { rehearsalHistoryRoutes } from './rehearsal-history-routes.js';
import { remoteActionsRoutes } from './remote-actions-routes.js';
import { roomsRoutes, withoutCredentials } from './rooms-routes.js';
import { scheduleRulesRoutes } from './schedule-rules-routes.js';
import { simulateRoutes } from './simulate-routes.js';
import { telemetryRoutes } from './telemetry-routes.js';

export interface ApiDeps {
  config: HubConfig;
  roster: Fleet;
  fleet: FleetState;
  store: HubStore;
  /** Every store call waiting (the events store's and the repositories'), for health and metrics. */
  backlog(): StoreBacklog;
  sql: Sql;
  security: Security;
  guards: HubGuards;
  mcu: McuMonitor;
  schedule: ScheduleService;
  watch: MeetingWatch;
  /** The change freeze of a room now (art. 9.3, 11.1), as the power buttons and remote actions see it. */
  freezeOf(roomId: string): Promise<Freeze | null>;
  approval: ConfigApproval;
  configs: ApprovedConfigsRepo;
  commands: Pick<CommandClient, 'send'>;
  incidents: IncidentTracker;
  incidentsRepo: IncidentsRepo;
  contacts: ContactDirectory;
  notifier: Notifier;
  notifications: NotificationsRepo;
  speak: SpeakService;
  history: TelemetryHistory;
  ingest: Ingest;
  onceOnly: OnceOnlyWork;
  broker: BrokerPart;
  out: BrokerOut;
  live: LiveBus;
  log: Logger;
  clock: Clock;
}

export interface ApiPart extends Part {
  app: FastifyInstance;
  /** Every HTTP route with its declared access. */
  readonly routes: RouteInfo[];
}

export function apiPart(d: ApiDeps): ApiPart {
  const { config, roster, fleet, store, security, guards, schedule, live, out, clock } = d;
  const n = config.notify;
  // Made before the socket, so /metrics has it whatever the order parts start in.
  const lag = new ReaderLag(d.log, () => clock.now().getTime());
  const app = buildApi(
    d.log,
    security.sessions,
    [
      sessionRoutes(security),
      usersRoutes(security.users, security.audit),
      auditRoutes({
        audit: security.audit,
        query: new AuditQuery(d.sql, security.audit),
        fleet: roster,
        now: clock.now,
      }),
      mcuRoutes(d.mcu),
      ...schedule.routes,
      meetingVerdictRoutes(d.watch, schedule.meetings),
      subscriptionRoutes({
        subscriptions: new CalendarSubscriptions(d.sql, clock.now),
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
      roomsRoutes(
        fleet,
        { backlog: d.backlog, listEvents: (id, limit) => store.listEvents(id, limit) },
        () => {
          const port = d.broker.embeddedPort();
          return {
            broker:
              port === null
                ? { mode: 'external', url: withoutCredentials(config.mqtt.url) }
                : { mode: 'embedded', port },
            mqttConnected: out.connected,
            ingest: d.ingest.counters,
            wsClients: live.clientCount,
            audit: guards.audit.last,
            flood: guards.flood.status(),
            onceOnlyWork: d.onceOnly.state(),
          };
        },
      ),
      telemetryRoutes(fleet, store, clock.now),
      configRoutes({ approval: d.approval, repo: d.configs, fleet, now: clock.now }),
      powerRoutes({
        fleet,
        commands: d.commands,
        audit: security.audit,
        freezeOf: d.freezeOf,
        now: clock.now,
        timeoutMs: config.schedule.powerOnTimeoutSec * 1000,
      }),
      remoteActionsRoutes({
        fleet,
        commands: d.commands,
        audit: security.audit,
        freezeOf: d.freezeOf,
        timeoutMs: config.remoteActions.timeoutSec * 1000,
      }),
      scheduleRulesRoutes(config.schedule),
      simulateRoutes({
        enabled: config.mqtt.simInject,
        fleet: roster,
        audit: security.audit,
        inject: (roomId, message) => out.publish(injectTopic(roomId), JSON.stringify(message), { qos: 1 }),
      }),
      incidentsRoutes(d.incidentsRepo, d.incidents, d.contacts, roster, sessionActor),
      contactsRoutes(d.contacts, roster, sessionActor, clock.now),
      notificationsRoutes(d.notifications, d.notifier),
      noticeProblemsRoutes({
        notifications: d.notifications,
        setup: { operatorEmails: n.operatorEmails.length, smtp: Boolean(n.smtp.host) },
        now: clock.now,
      }),
      speakRoutes(d.speak, roster, sessionActor),
      // Art. 12.5: the yearly report, from the history the other parts stored.
      reportsRoutes({
        store,
        meetings: schedule.meetings,
        rehearsals: schedule.rehearsals,
        incidents: d.incidentsRepo,
        rooms: roster.rooms,
        now: clock.now,
      }),
      metricsRoutes(
        hubMetrics({
          rooms: () => fleet.views(),
          ingest: d.ingest.counters,
          notify: d.notifier.counters,
          openIncidents: () => d.incidents.openCount(),
          mqttConnected: () => out.connected,
          wsClients: () => live.clientCount,
          wsLag: () => lag.counts(),
          store: { backlog: d.backlog },
          history: d.history.counters,
          audit: () => guards.audit.last,
          auditRowsFailed: () => security.audit.failures,
          flood: () => guards.flood.status(),
          onceOnlyWork: () => d.onceOnly.held,
        }),
        config.metrics.token,
      ),
    ],
    { trustProxy: config.http.trustProxy, audit: security.audit },
  );
  let socket: LiveSocket | null = null;
  let relay: Awaited<ReturnType<typeof startLiveRelay>> | null = null;
  return {
    name: 'api',
    app,
    get routes() {
      return app.declaredRoutes;
    },
    async start() {
      await app.ready();
      socket = new LiveSocket(
        app.server,
        () => fleet.views(),
        d.log,
        async (req) => {
          const token = sessionToken(req.headers.cookie);
          const readerOf = async (t: string) => {
            const user = (await security.sessions.find(t))?.user;
            return user ? { role: user.role, roomId: user.roomId } : null;
          };
          const reader = token ? await readerOf(token) : null;
          return token && reader ? { reader, check: () => readerOf(token) } : null;
        },
        { lag },
      );
      // The news of the group's other hubs (an event one stored, a meeting booked on one) on this hub's sockets.
      relay = await startLiveRelay({
        url: config.store.url,
        sql: d.sql,
        deliver: (message) => live.deliver(message),
        resumed: () => live.relayResumed(),
        log: d.log,
      });
      live.attach(socket, relay);
    },
    async stop() {
      await relay?.stop();
      socket?.close();
      await app.close();
    },
  };
}
