/**
 * The embedded broker (aedes) that `npm start` and small deployments use, so the hub runs with no
 * other service. aedes speaks MQTT 3.1.1, which is why the contract keeps request/response data in
 * its payloads rather than in MQTT 5 properties. At scale an external Mosquitto or EMQX replaces it.
 *
 * Every client is treated as possibly hostile: it must log in with its issued credentials (a room
 * also under its own room id as client id, so it cannot take over another room's session), it
 * publishes and subscribes only as `hub/security/mqtt-policy.ts` allows, its payloads are bounded,
 * and a client that floods is disconnected and logged. The flood limit is kept per account, not per
 * connection, so logging in again does not refill it. Password guessing is throttled per (address,
 * account) and slowed per address (hub/security/login-limiter.ts). Rooms connect over TLS; plain TCP
 * is served only on loopback or when explicitly allowed.
 */
import { createServer, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { type Clock, systemClock } from '../../shared/clock.js';
import { ConfigError } from '../../shared/config-file.js';
import type { Logger } from '../../shared/logger.js';
import { type Bucket, type RateRule, takeToken } from '../../shared/token-bucket.js';
import { listen } from '../listen.js';
import {
  defaultLoginRules,
  LoginLimiter,
  type LoginRules,
  MAX_USERNAME_CHARS,
} from '../security/login-limiter.js';
import {
  accountName,
  type MqttIdentity,
  mayPublish,
  maySubscribe,
  type PolicyOptions,
} from '../security/mqtt-policy.js';

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
  /** Publish rate of each room account, over all its connections (the hub's own account is not limited). */
  flood: RateRule;
  /** Told each time a room's account goes over its rate and its connection is closed. */
  onFlood?(roomId: string): void;
  /** How failed logins are throttled (per address and account) and slowed (per address). */
  logins?: LoginRules;
  /** The hub's clock: the flood buckets' refill and the waits of slowed logins. */
  clock?: Clock;
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

/** A loopback host or address (an IPv4 one as Node gives it on a dual-stack socket, too). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(host);
}

function authError(returnCode: 2 | 3 | 4 | 5, message: string): AuthenticateError {
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
  const clock = guard.clock ?? systemClock;
  const logins = new LoginLimiter(guard.logins ?? defaultLoginRules, clock);
  const identities = new WeakMap<Client, MqttIdentity>();
  // Per account, across its connections: a room cut off for flooding that logs in again finds its
  // bucket as empty as it left it. Bounded by the accounts that can log in (the fleet).
  const buckets = new Map<string, Bucket>();
  const aedes = await Aedes.createBroker({ drainTimeout: 30_000 });
  aedes.on('clientError', (client, err) =>
    log.debug({ client: client.id, err: err.message }, 'mqtt client error'),
  );
  aedes.on('connectionError', (_client, err) => log.debug({ err: err.message }, 'mqtt connection error'));

  const login = async (client: Client, username: string, password: string): Promise<MqttIdentity> => {
    const address = (client.conn as { remoteAddress?: string }).remoteAddress ?? 'unknown';
    const verdict = await logins.admit(address, username);
    if (!verdict.allowed) {
      log.warn(
        { username, address, retryAfterSec: Math.ceil(verdict.retryAfterMs / 1000) },
        verdict.reason === 'account-throttled'
          ? 'mqtt login refused: too many failures for this account from this address'
          : 'mqtt login refused: too many logins waiting from this address',
      );
      // 3 (server unavailable) asks the client to come back; 5 says this account may not, for now.
      throw verdict.reason === 'address-busy'
        ? authError(3, 'too many logins waiting from this address')
        : authError(5, 'too many failed logins for this account from this address');
    }
    const identity = await guard.authenticate(username, password);
    if (!identity) {
      logins.fail(address, username);
      log.warn({ username, address }, 'mqtt login refused: wrong username or password');
      throw authError(4, 'wrong username or password');
    }
    logins.succeed(address, username);
    // As on the shipped Mosquitto: the hub's account works from the hub's own machine only.
    if (identity.kind === 'hub' && !isLoopback(address)) {
      log.warn({ address }, 'mqtt login refused: the hub’s account from another machine');
      throw authError(5, 'the hub’s account logs in from the hub’s machine only');
    }
    if (identity.kind === 'room' && client.id !== identity.roomId) {
      log.warn({ username, address }, 'mqtt login refused: a room connects as its own client id');
      throw authError(2, 'a room connects with its room id as client id');
    }
    return identity;
  };

  aedes.authenticate = (client, username, password, done) => {
    if (!username || !password) {
      log.warn('mqtt connection without credentials refused');
      return done(authError(5, 'credentials required'), false);
    }
    // Refused before it is hashed, used as a key or written to the log: no account has such a name.
    if (username.length > MAX_USERNAME_CHARS) {
      log.warn(
        { usernameChars: username.length },
        `mqtt login refused: username over ${MAX_USERNAME_CHARS} characters`,
      );
      return done(authError(4, 'wrong username or password'), false);
    }
    login(client, username, password.toString()).then(
      (identity) => {
        identities.set(client, identity);
        done(null, true);
      },
      (err: AuthenticateError) => done(err.returnCode ? err : authError(5, err.message), false),
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
      const taken = takeToken(buckets.get(identity.roomId), clock.now().getTime(), guard.flood);
      buckets.set(identity.roomId, taken.bucket);
      if (!taken.allowed) {
        log.warn(who, 'mqtt client flooding; disconnected');
        guard.onFlood?.(identity.roomId);
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
