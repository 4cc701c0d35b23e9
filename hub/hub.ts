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
import { allRoomsFilter, roomChannels } from '../shared/topics.js';
import { buildApi } from './api/http-api.js';
import { LiveSocket } from './api/live-socket.js';
import { roomsRoutes } from './api/rooms-routes.js';
import { startHubBroker } from './broker/hub-broker.js';
import { CommandClient } from './commands/command-client.js';
import type { HubConfig } from './config.js';
import { FleetState } from './fleet-state.js';
import { Ingest } from './ingest/ingest.js';
import { listen, localUrl } from './listen.js';
import { type RouteInfo, sessionToken } from './security/access-guard.js';
import { openSecurity, type Security } from './security/security.js';
import { sessionRoutes } from './security/session-routes.js';
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
  /** Users, sessions, broker credentials and the audit log (`security.audit.record(...)`). */
  security: Security;
  /** Every HTTP route with its declared access. */
  routes: RouteInfo[];
  stop(): Promise<void>;
}

export async function startHub(config: HubConfig, log: Logger): Promise<RunningHub> {
  const db = openDatabase(path.join(config.dataDir, 'hnth.db'));
  const store: HubStore = new SqliteStore(db);
  const security = openSecurity(db);
  const fleet = new FleetState(rooms, config.thresholds);
  let client: MqttClient | null = null;
  const cleanups: (() => Promise<unknown> | unknown)[] = [() => db.close()];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const mqtt = await startHubBroker(config, security.credentials, log);
    const { embedded: broker, mqttUrl } = mqtt;
    if (broker) cleanups.push(() => broker.close());

    const app = buildApi(
      log,
      security.sessions,
      [
        sessionRoutes(security),
        roomsRoutes(fleet, store, () => ({
          broker: broker
            ? { mode: 'embedded', port: broker.port }
            : { mode: 'external', url: config.mqtt.url },
          mqttConnected: client?.connected ?? false,
          ingest: ingest.counters,
          wsClients: live.clientCount,
        })),
      ],
      { trustProxy: config.http.trustProxy },
    );
    await app.ready();
    const live = new LiveSocket(
      app.server,
      () => fleet.views(),
      log,
      (req) => {
        const token = sessionToken(req.headers.cookie);
        if (!token || !security.sessions.find(token)) return null;
        return { valid: () => security.sessions.find(token) !== null };
      },
    );
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
          return stored !== null;
        },
        reply: (roomId, reply) => commands.onReply(roomId, reply),
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

    client = await connectAsync(mqtt.hubLogin.url, {
      clientId: `hnth-hub-${randomBytes(4).toString('hex')}`,
      protocolVersion: config.mqtt.protocolVersion,
      clean: true,
      reconnectPeriod: 1000,
      ...mqtt.hubLogin.options,
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
      security,
      routes: app.declaredRoutes,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
