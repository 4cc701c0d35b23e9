/**
 * The embedded broker (aedes) that `npm start` and small deployments use, so the hub runs with no
 * other service. aedes speaks MQTT 3.1.1, which is why the contract keeps request/response data in
 * its payloads rather than in MQTT 5 properties. At scale an external Mosquitto or EMQX replaces it.
 *
 * Every client is treated as possibly hostile: it must log in with its issued credentials (a room
 * also under its own room id as client id, so it cannot take over another room's session), it
 * publishes and subscribes only as `hub/security/mqtt-policy.ts` allows, its payloads are bounded,
 * and a client that floods is disconnected and logged. Rooms connect over TLS; plain TCP is served
 * only on loopback or when explicitly allowed.
 */
import { createServer, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { ConfigError } from '../../shared/config-file.js';
import type { Logger } from '../../shared/logger.js';
import { listen } from '../listen.js';
import { type LimitRule, limitVerdict } from '../security/login-limiter.js';
import {
  accountName,
  type MqttIdentity,
  mayPublish,
  maySubscribe,
  type PolicyOptions,
} from '../security/mqtt-policy.js';
import { type Bucket, type FloodRule, takeToken } from './flood-limit.js';

export interface EmbeddedBrokerOptions {
  port: number;
  host: string;
  fallback: boolean;
  /** Certificate and private key (PEM) for the rooms' listener; null serves plain MQTT. */
  tls: { cert: Buffer; key: Buffer } | null;
  /** Serve plain MQTT on an address other than loopback (a closed lab network; never on a government WAN). */
  allowPlain: boolean;
}

export interface BrokerGuard {
  /** The identity these credentials prove, or null. */
  authenticate(username: string, password: string): Promise<MqttIdentity | null>;
  policy: PolicyOptions;
  maxPayloadBytes: number;
  /** Per-client publish rate of room accounts (the hub's own account is not limited). */
  flood: FloodRule;
  /**
   * Failed logins allowed per remote address in a window; beyond, the address is refused without
   * checking the password, so guessing (and the hashing it costs the hub) stops there.
   */
  loginFailures?: LimitRule;
  nowMs?: () => number;
}

export interface EmbeddedBroker {
  /** Where rooms connect (TLS when configured). */
  port: number;
  tls: boolean;
  /** Plain MQTT on 127.0.0.1, for the hub's own client in this process. */
  localPort: number;
  close(): Promise<void>;
}

/** A broker configuration that would expose plain MQTT; the hub stops at start naming the keys. */
export class BrokerConfigError extends ConfigError {}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function authError(returnCode: 2 | 4 | 5, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode });
}

export async function startEmbeddedBroker(
  options: EmbeddedBrokerOptions,
  guard: BrokerGuard,
  log: Logger,
): Promise<EmbeddedBroker> {
  if (!options.tls && !isLoopback(options.host) && !options.allowPlain) {
    throw new BrokerConfigError(
      `the embedded broker would serve plain MQTT on ${options.host}: set mqtt.tls.certFile and mqtt.tls.keyFile ` +
        '(HNTH_MQTT_TLS_CERT, HNTH_MQTT_TLS_KEY), or mqtt.host to 127.0.0.1, or mqtt.allowPlain (HNTH_MQTT_ALLOW_PLAIN) on a closed network',
    );
  }
  const nowMs = guard.nowMs ?? Date.now;
  const failureRule = guard.loginFailures ?? { maxFailures: 20, windowMs: 15 * 60_000 };
  const failures = new Map<string, number[]>();
  const identities = new WeakMap<Client, MqttIdentity>();
  const buckets = new WeakMap<Client, Bucket>();
  const aedes = await Aedes.createBroker({ drainTimeout: 30_000 });
  aedes.on('clientError', (client, err) =>
    log.debug({ client: client.id, err: err.message }, 'mqtt client error'),
  );
  aedes.on('connectionError', (_client, err) => log.debug({ err: err.message }, 'mqtt connection error'));

  aedes.authenticate = (client, username, password, done) => {
    if (!username || !password) {
      log.warn({ client: client.id }, 'mqtt connection without credentials refused');
      return done(authError(5, 'credentials required'), false);
    }
    const address = (client.conn as { remoteAddress?: string }).remoteAddress ?? 'unknown';
    const now = nowMs();
    const recent = (failures.get(address) ?? []).filter((t) => t > now - failureRule.windowMs);
    if (!limitVerdict(recent, now, failureRule).allowed) {
      log.warn(
        { client: client.id, username, address },
        'mqtt login refused: too many failures from this address',
      );
      return done(authError(5, 'too many failed logins from this address'), false);
    }
    guard.authenticate(username, password.toString()).then(
      (identity) => {
        if (!identity) {
          failures.set(address, [...recent, now]);
          if (failures.size > 10_000) failures.clear(); // many addresses at once: start over rather than grow
          log.warn(
            { client: client.id, username, address },
            'mqtt login refused: wrong username or password',
          );
          return done(authError(4, 'wrong username or password'), false);
        }
        if (identity.kind === 'room' && client.id !== identity.roomId) {
          log.warn(
            { client: client.id, username },
            'mqtt login refused: a room connects as its own client id',
          );
          return done(authError(2, 'a room connects with its room id as client id'), false);
        }
        identities.set(client, identity);
        done(null, true);
      },
      (err: Error) => done(authError(5, err.message), false),
    );
  };

  aedes.authorizePublish = (client, packet, done) => {
    const identity = client ? identities.get(client) : undefined;
    // A will left by a client of an earlier broker run has nobody to vouch for it.
    if (!client || !identity) return done(new Error('publisher not authenticated'));
    const who = { client: client.id, account: accountName(identity), topic: packet.topic };
    const size = Buffer.byteLength(packet.payload as Buffer | string);
    if (size > guard.maxPayloadBytes) {
      log.warn({ ...who, bytes: size }, 'mqtt payload over the limit; client disconnected');
      return done(new Error(`payload of ${size} bytes over the limit of ${guard.maxPayloadBytes}`));
    }
    // The will is the broker telling the hub the room is gone; it must get through even after a flood.
    if (identity.kind === 'room' && packet !== (client as Client & { will?: unknown }).will) {
      const taken = takeToken(buckets.get(client), nowMs(), guard.flood);
      buckets.set(client, taken.bucket);
      if (!taken.allowed) {
        log.warn(who, 'mqtt client flooding; disconnected');
        return done(new Error('publish rate over the limit'));
      }
    }
    const decision = mayPublish(identity, packet.topic, guard.policy);
    if (!decision.allowed) {
      log.warn(who, `mqtt publish refused: ${decision.reason}; client disconnected`);
      return done(new Error(decision.reason));
    }
    done(null);
  };

  aedes.authorizeSubscribe = (client, sub, done) => {
    const identity = identities.get(client);
    const decision = identity
      ? maySubscribe(identity, sub.topic, guard.policy)
      : { allowed: false as const, reason: 'not authenticated' };
    if (!decision.allowed) {
      log.warn({ client: client.id, filter: sub.topic }, `mqtt subscription refused: ${decision.reason}`);
      // Negated (SUBACK 0x80), as Mosquitto does, rather than dropping the connection.
      return done(null, null);
    }
    done(null, sub);
  };

  // Small MQTT packets must not wait for Nagle's algorithm: an event is worth tens of milliseconds.
  const server: Server = options.tls
    ? createTlsServer({ ...options.tls, minVersion: 'TLSv1.2' }, aedes.handle)
    : createServer({ noDelay: true }, aedes.handle);
  if (options.tls) server.on('secureConnection', (socket) => socket.setNoDelay(true));
  const port = await listen(
    server,
    { name: 'MQTT broker', port: options.port, host: options.host, envVar: 'HNTH_MQTT_PORT' },
    options.fallback,
    log,
  );
  const servers = [server];
  let localPort = port;
  if (options.tls) {
    const local = createServer({ noDelay: true }, aedes.handle);
    localPort = await listen(
      local,
      { name: 'MQTT broker (loopback)', port: 0, host: '127.0.0.1', envVar: 'HNTH_MQTT_PORT' },
      false,
      log,
    );
    servers.push(local);
  }
  log.info({ port, tls: options.tls !== null }, 'embedded MQTT broker listening');
  return {
    port,
    tls: options.tls !== null,
    localPort,
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
