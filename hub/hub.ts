/**
 * The hub's controller: starts the store, the broker (embedded unless an external one is
 * configured), ingest, room state and readiness, the API and the live socket, and stops them in
 * the reverse order.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { rooms } from '../shared/fleet.js';
import type { Logger } from '../shared/logger.js';
import { isoNow, SCHEMA_VERSION, type SpeakStateMessage } from '../shared/schemas.js';
import { allRoomsFilter, roomChannels, speakStateTopic } from '../shared/topics.js';
import { headerActor } from './api/actor.js';
import { buildApi } from './api/http-api.js';
import { LiveSocket } from './api/live-socket.js';
import { roomsRoutes } from './api/rooms-routes.js';
import { type EmbeddedBroker, startEmbeddedBroker } from './broker/embedded-broker.js';
import { CommandClient } from './commands/command-client.js';
import type { HubConfig } from './config.js';
import { ContactDirectory } from './contacts/contact-directory.js';
import { ContactsRepo } from './contacts/contacts-repo.js';
import { contactsRoutes } from './contacts/contacts-routes.js';
import { FleetState } from './fleet-state.js';
import { IncidentTracker, type McuStatus } from './incidents/incident-tracker.js';
import { IncidentsRepo } from './incidents/incidents-repo.js';
import { incidentsRoutes } from './incidents/incidents-routes.js';
import { Ingest } from './ingest/ingest.js';
import { listen } from './listen.js';
import { NotificationsRepo } from './notify/notifications-repo.js';
import { notificationsRoutes } from './notify/notifications-routes.js';
import { Notifier, noticeOf } from './notify/notifier.js';
import { SmtpChannel } from './notify/smtp-channel.js';
import { speakRoutes } from './speak/speak-routes.js';
import { SpeakService } from './speak/speak-service.js';
import { openDatabase } from './store/database.js';
import { SqliteStore } from './store/sqlite-store.js';
import type { HubStore } from './store/store.js';

export interface RunningHub {
  /** Where agents connect. */
  mqttUrl: string;
  httpUrl: string;
  httpPort: number;
  fleet: FleetState;
  ingest: Ingest;
  store: HubStore;
  commands: CommandClient;
  incidents: IncidentTracker;
  contacts: ContactDirectory;
  notifier: Notifier;
  speak: SpeakService;
  stop(): Promise<void>;
}

/** Parts other helpers build that the hub takes when given (the MCU monitor). */
export interface HubParts {
  mcu?: McuStatus;
}

function localUrl(scheme: string, host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `${scheme}://${h}:${port}`;
}

export async function startHub(config: HubConfig, log: Logger, parts: HubParts = {}): Promise<RunningHub> {
  const db = openDatabase(path.join(config.dataDir, 'hnth.db'));
  const store: HubStore = new SqliteStore(db);
  const fleet = new FleetState(rooms, config.thresholds);
  let broker: EmbeddedBroker | null = null;
  let client: MqttClient | null = null;
  const cleanups: (() => Promise<unknown> | unknown)[] = [() => db.close()];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  // Incidents, contacts, notifications, speak requests.
  const contacts = new ContactDirectory(new ContactsRepo(db), config.contacts.staleAfterDays);
  const incidentsRepo = new IncidentsRepo(db);
  const incidents = new IncidentTracker(incidentsRepo, fleet, config.incidents, log, parts.mcu);
  const notificationsRepo = new NotificationsRepo(db);
  const n = config.notify;
  const smtp = n.smtp.host ? new SmtpChannel(n.smtp) : null;
  if (smtp) cleanups.push(() => smtp.close());
  const notifier = new Notifier({
    repo: notificationsRepo,
    contacts,
    email: smtp,
    routing: {
      operatorEmails: n.operatorEmails,
      minSeverity: n.minSeverity,
      quietHours: { start: n.quietHoursStart, end: n.quietHoursEnd },
      webhooks: n.webhooks,
    },
    webhook: { attempts: n.webhookAttempts, backoffMs: n.webhookBackoffMs, timeoutMs: n.webhookTimeoutMs },
    log,
  });
  // Stopping waits for notifications under way, so each one's result is stored before the database closes.
  cleanups.push(() => notifier.idle());
  // The live socket exists once the HTTP server does; speak changes before that have no listener.
  const liveRef: { socket?: LiveSocket } = {};
  const speak = new SpeakService(
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
  );

  try {
    let mqttUrl = config.mqtt.url;
    if (!mqttUrl) {
      broker = await startEmbeddedBroker(
        { port: config.mqtt.port, host: config.mqtt.host, fallback: config.portFallback },
        log,
      );
      const b = broker;
      cleanups.push(() => b.close());
      mqttUrl = localUrl('mqtt', config.mqtt.host, broker.port);
    }

    const app = buildApi(log, [
      roomsRoutes(fleet, store, () => ({
        broker: broker ? { mode: 'embedded', port: broker.port } : { mode: 'external', url: config.mqtt.url },
        mqttConnected: client?.connected ?? false,
        ingest: ingest.counters,
        wsClients: live.clientCount,
      })),
      incidentsRoutes(incidentsRepo, incidents, contacts, headerActor),
      contactsRoutes(contacts, headerActor, () => new Date()),
      notificationsRoutes(notificationsRepo, notifier),
      speakRoutes(speak, headerActor),
    ]);
    await app.ready();
    const live = new LiveSocket(app.server, () => fleet.views(), log);
    liveRef.socket = live;
    cleanups.push(async () => {
      live.close();
      await app.close();
    });

    const ingest = new Ingest(
      fleet,
      {
        event(roomId, event, receivedAt) {
          const stored = store.insertEvent(roomId, event, receivedAt);
          if (stored) live.broadcast({ type: 'event', event: stored });
          if (stored) incidents.onEvent(roomId, stored.type, stored.data);
          return stored !== null;
        },
        reply: (roomId, reply) => commands.onReply(roomId, reply),
        speak: (roomId, message) => speak.onMessage(roomId, message),
      },
      log,
    );
    fleet.listen({
      change: (room) => live.broadcast({ type: 'room', room }),
      transition: (room) =>
        store.insertTransition({
          roomId: room.id,
          level: room.readiness.level,
          reasons: room.readiness.reasons,
          at: new Date().toISOString(),
        }),
    });
    const timer = setInterval(() => fleet.recheck(new Date()), config.readinessCheckSec * 1000);
    cleanups.push(() => clearInterval(timer));

    fleet.listen({ transition: () => incidents.evaluate() });
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
    const incidentTimer = setInterval(() => incidents.evaluate(), config.incidents.checkSec * 1000);
    cleanups.push(() => clearInterval(incidentTimer));

    client = await connectAsync(mqttUrl, {
      clientId: `hnth-hub-${randomBytes(4).toString('hex')}`,
      protocolVersion: config.mqtt.protocolVersion,
      clean: true,
      reconnectPeriod: 1000,
      ...(config.mqtt.username ? { username: config.mqtt.username, password: config.mqtt.password } : {}),
    });
    const c = client;
    cleanups.push(() => c.endAsync());
    const commands = new CommandClient(async (topic, payload) => {
      await c.publishAsync(topic, payload, { qos: 1 });
    }, log);
    cleanups.push(() => commands.close());
    c.on('message', (topic, payload) => ingest.handle(topic, payload));
    c.on('error', (err) => log.warn({ err: err.message }, 'hub mqtt error'));
    await c.subscribeAsync(
      roomChannels.map((ch) => allRoomsFilter(ch)),
      { qos: 1 },
    );
    speak.publishAll();

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
      incidents,
      contacts,
      notifier,
      speak,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
