/**
 * The embedded broker (aedes) that `npm start` and small deployments use, so the hub runs with no
 * other service. aedes speaks MQTT 3.1.1, which is why the contract keeps request/response data in
 * its payloads rather than in MQTT 5 properties. At scale an external Mosquitto or EMQX replaces it.
 */
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import type { Logger } from '../../shared/logger.js';
import { listen } from '../listen.js';

export interface EmbeddedBroker {
  port: number;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(
  options: { port: number; host: string; fallback: boolean },
  log: Logger,
): Promise<EmbeddedBroker> {
  const aedes = await Aedes.createBroker({ drainTimeout: 30_000 });
  aedes.on('clientError', (client, err) =>
    log.debug({ client: client.id, err: err.message }, 'mqtt client error'),
  );
  aedes.on('connectionError', (_client, err) => log.debug({ err: err.message }, 'mqtt connection error'));
  // Small MQTT packets must not wait for Nagle's algorithm: an event is worth tens of milliseconds.
  const server: Server = createServer({ noDelay: true }, aedes.handle);
  const port = await listen(
    server,
    { name: 'MQTT broker', port: options.port, host: options.host, envVar: 'HNTH_MQTT_PORT' },
    options.fallback,
    log,
  );
  log.info({ port }, 'embedded MQTT broker listening');
  return {
    port,
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
