/**
 * The hub's controller: starts the store, the broker (embedded unless an external one is
 * configured), ingest, room state and readiness, the API and the live socket, and stops them in
 * the reverse order.
 */
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { rooms } from '../shared/fleet.js';
import type { Logger } from '../shared/logger.js';
import { spawnRunner } from '../shared/probes/process-runner.js';
import { allRoomsFilter, roomChannels } from '../shared/topics.js';
import { buildApi } from './api/http-api.js';
import { LiveSocket } from './api/live-socket.js';
import { roomsRoutes } from './api/rooms-routes.js';
import { type EmbeddedBroker, startEmbeddedBroker } from './broker/embedded-broker.js';
import { connectHubLink } from './broker/hub-link.js';
import { CommandClient } from './commands/command-client.js';
import type { HubConfig } from './config.js';
import { FleetState } from './fleet-state.js';
import { Ingest } from './ingest/ingest.js';
import { listen } from './listen.js';
import { McuMonitor } from './mcu/mcu-monitor.js';
import { mcuRoutes } from './mcu/mcu-routes.js';
import { ScheduleService } from './schedule/schedule-service.js';
import { openDatabase } from './store/database.js';
import { SqliteStore } from './store/sqlite-store.js';
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
  stop(): Promise<void>;
}

export interface HubOptions {
  /** The hub's clock for its calendar and rehearsals; tests move it. */
  now?: () => Date;
}

function localUrl(scheme: string, host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `${scheme}://${h}:${port}`;
}

export async function startHub(
  config: HubConfig,
  log: Logger,
  options: HubOptions = {},
): Promise<RunningHub> {
  const db = openDatabase(path.join(config.dataDir, 'hnth.db'));
  const store: HubStore = new SqliteStore(db);
  const fleet = new FleetState(rooms, config.thresholds);
  let broker: EmbeddedBroker | null = null;
  let client: MqttClient | null = null;
  const cleanups: (() => Promise<unknown> | unknown)[] = [() => db.close()];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
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

    const mcu = new McuMonitor(
      config.mcu,
      config.thresholds,
      (state) => live.broadcast({ type: 'mcu', mcu: state }),
      spawnRunner,
      log,
    );
    const schedule = new ScheduleService({
      db,
      settings: config.schedule,
      commands: { send: (...args) => commands.send(...args) },
      publish: async (topic, payload) => {
        if (!client) throw new Error('hub not connected to the broker');
        await client.publishAsync(topic, payload, { qos: 1, retain: true });
      },
      broadcast: (message) => live.broadcast(message),
      log,
      now: options.now,
    });

    const app = buildApi(log, [
      mcuRoutes(mcu),
      ...schedule.routes,
      roomsRoutes(fleet, store, () => ({
        broker: broker ? { mode: 'embedded', port: broker.port } : { mode: 'external', url: config.mqtt.url },
        mqttConnected: client?.connected ?? false,
        ingest: ingest.counters,
        wsClients: live.clientCount,
      })),
    ]);
    await app.ready();
    const live = new LiveSocket(app.server, () => fleet.views(), log);
    cleanups.push(async () => {
      live.close();
      await app.close();
    });

    const history = new TelemetryHistory(store, config.telemetrySampleSec);
    const ingest = new Ingest(
      fleet,
      {
        event(roomId, event, receivedAt) {
          const stored = store.insertEvent(roomId, event, receivedAt);
          if (stored) live.broadcast({ type: 'event', event: stored });
          return stored !== null;
        },
        telemetry: (roomId, telemetry, receivedAt) => history.offer(roomId, telemetry, receivedAt),
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
    mcu.start();
    cleanups.push(() => mcu.stop());

    const link = await connectHubLink(
      { ...config.mqtt, url: mqttUrl, filters: roomChannels.map((ch) => allRoomsFilter(ch)) },
      (topic, payload) => ingest.handle(topic, payload),
      log,
    );
    client = link;
    cleanups.push(() => link.stop());
    const commands = new CommandClient(async (topic, payload) => {
      await link.publishAsync(topic, payload, { qos: 1 });
    }, log);
    cleanups.push(() => commands.close());
    // Pushed after the command client, so it stops first: no rehearsal acts on a closing hub.
    cleanups.push(() => schedule.stop());
    await schedule.start();

    const httpPort = await listen(
      app.server,
      { name: 'HTTP server', port: config.http.port, host: config.http.host, envVar: 'HNTH_HTTP_PORT' },
      config.portFallback,
      log,
    );
    const httpUrl = localUrl('http', config.http.host, httpPort);
    log.info({ httpUrl, mqttUrl }, 'hub running');
    return { mqttUrl, httpUrl, httpPort, fleet, ingest, store, commands, mcu, schedule, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
