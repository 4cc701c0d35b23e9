/**
 * Who may publish and subscribe to what on the broker: ONE policy, used by the embedded broker's
 * hooks and written out as Mosquitto's ACL file, so both brokers enforce the same thing.
 *
 * Every room controller is treated as possibly compromised (art. 10.2d: no room acts on another
 * without the host; art. 13.1c: confidentiality): a room publishes only under its own
 * `hnth/v1/rooms/{room}/` and reads only its own commands, schedule and speak state (and whether the
 * hubs are online); only the hub's account publishes commands, schedules, speak states and the
 * hubs' statuses (the earlier single one, and each hub its own: a hub of a group, under its own
 * account, only its own); the simulator's inject topic exists only in demo mode.
 *
 * @pure: the dashboard bundles it, so it imports only shared/ and other @pure modules (types aside).
 */
import type { Fleet } from '../../shared/fleet.js';
import {
  ALL_HUB_STATUSES_FILTER,
  HUB_STATUS_TOPIC,
  hubStatusTopic,
  roomChannels,
  TOPIC_ROOT,
  topicMatches,
} from '../../shared/topics.js';

/** The hub's own account on the broker. */
export const HUB_ACCOUNT = 'hnth-hub';

/**
 * The account of one hub of a group (deploy/ha/): the hub's account, a dash and the hub's name,
 * `hnth-hub-a`. Its client id is its username (the broker ties them), so it is also the hub's id in
 * its status topic. A fleet reserves these names (hub/config.ts), so no room takes one.
 */
const GROUP_HUB_ACCOUNT = new RegExp(`^${HUB_ACCOUNT}-[a-z0-9][a-z0-9-]{0,54}$`);

/** Whether `username` is a hub's account: the hub's own, or one hub of a group's. */
export function isHubAccount(username: string): boolean {
  return username === HUB_ACCOUNT || GROUP_HUB_ACCOUNT.test(username);
}

/** A hub (with `account` when it is one hub of a group's own), or a room. */
export type MqttIdentity = { kind: 'hub'; account?: string } | { kind: 'room'; roomId: string };

export interface PolicyOptions {
  /** Demo and tests: the simulator's fault-injection topic is open (hub writes, each room reads its own). */
  simInject: boolean;
}

export interface TopicRule {
  access: 'read' | 'write';
  /** An MQTT topic filter (`+`, `#`), as in Mosquitto's `topic read|write` lines. */
  pattern: string;
}

/** What a room's agent publishes: the contract's room channels and the technician's speak requests. */
const roomWriteChannels = [...new Set<string>([...roomChannels, 'speak'])];

/** The identity a broker username stands for; null for an account the policy does not know. */
export function identityOf(username: string, fleet: Fleet): MqttIdentity | null {
  if (username === HUB_ACCOUNT) return { kind: 'hub' };
  if (GROUP_HUB_ACCOUNT.test(username)) return { kind: 'hub', account: username };
  if (fleet.has(username)) return { kind: 'room', roomId: username };
  return null;
}

/**
 * Every account of the broker: the hub's, then the group's hubs' named in `groupHubs` (those issued
 * a password), then one per room of the fleet.
 */
export function accountsOf(fleet: Fleet, groupHubs: readonly string[] = []): MqttIdentity[] {
  return [
    { kind: 'hub' },
    ...groupHubs
      .filter((u) => GROUP_HUB_ACCOUNT.test(u))
      .map((account) => ({ kind: 'hub' as const, account })),
    ...fleet.rooms.map((r) => ({ kind: 'room' as const, roomId: r.id })),
  ];
}

export function accountName(identity: MqttIdentity): string {
  return identity.kind === 'hub' ? (identity.account ?? HUB_ACCOUNT) : identity.roomId;
}

/** Every topic rule of one identity. */
export function mqttRules(identity: MqttIdentity, options: PolicyOptions): TopicRule[] {
  if (identity.kind === 'hub') {
    return [
      { access: 'read', pattern: `${TOPIC_ROOT}/#` },
      { access: 'write', pattern: `${TOPIC_ROOT}/rooms/+/cmd/+` },
      { access: 'write', pattern: `${TOPIC_ROOT}/rooms/+/schedule` },
      { access: 'write', pattern: `${TOPIC_ROOT}/rooms/+/speak-state` },
      { access: 'write', pattern: `${TOPIC_ROOT}/rooms/+/acks` },
      { access: 'write', pattern: HUB_STATUS_TOPIC },
      // One hub of a group announces itself only: it cannot say another is online or offline.
      {
        access: 'write',
        pattern: identity.account ? hubStatusTopic(identity.account) : ALL_HUB_STATUSES_FILTER,
      },
      ...(options.simInject
        ? [{ access: 'write' as const, pattern: `${TOPIC_ROOT}/sim/rooms/+/inject` }]
        : []),
    ];
  }
  const own = `${TOPIC_ROOT}/rooms/${identity.roomId}`;
  return [
    ...roomWriteChannels.map((ch) => ({ access: 'write' as const, pattern: `${own}/${ch}` })),
    { access: 'read', pattern: `${own}/cmd/+` },
    { access: 'read', pattern: `${own}/schedule` },
    { access: 'read', pattern: `${own}/speak-state` },
    { access: 'read', pattern: `${own}/acks` },
    // Whether a hub is listening: a room replays its outbox only then. The single topic is for
    // agents of the earlier version and for hubs of it.
    { access: 'read', pattern: ALL_HUB_STATUSES_FILTER },
    { access: 'read', pattern: HUB_STATUS_TOPIC },
    ...(options.simInject
      ? [{ access: 'read' as const, pattern: `${TOPIC_ROOT}/sim/rooms/${identity.roomId}/inject` }]
      : []),
  ];
}

export type PolicyDecision = { allowed: true } | { allowed: false; reason: string };

/** May `identity` publish on `topic`? A topic with wildcards is never publishable. */
export function mayPublish(identity: MqttIdentity, topic: string, options: PolicyOptions): PolicyDecision {
  if (/[+#]/.test(topic)) return { allowed: false, reason: 'wildcard in a publish topic' };
  const ok = mqttRules(identity, options).some((r) => r.access === 'write' && topicMatches(r.pattern, topic));
  return ok
    ? { allowed: true }
    : { allowed: false, reason: `${accountName(identity)} may not publish on ${topic}` };
}

/** May `identity` subscribe to `filter`? Only if every topic the filter matches is one it may read. */
export function maySubscribe(identity: MqttIdentity, filter: string, options: PolicyOptions): PolicyDecision {
  const ok = mqttRules(identity, options).some((r) => r.access === 'read' && filterWithin(filter, r.pattern));
  return ok
    ? { allowed: true }
    : { allowed: false, reason: `${accountName(identity)} may not subscribe to ${filter}` };
}

/** True when every topic matched by `filter` is matched by `pattern` (`a/+` is within `a/#`, not the reverse). */
export function filterWithin(filter: string, pattern: string): boolean {
  const f = filter.split('/');
  const p = pattern.split('/');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '#') return true;
    if (i >= f.length || f[i] === '#') return false;
    if (p[i] === '+') continue;
    if (f[i] === '+' || f[i] !== p[i]) return false;
  }
  return f.length === p.length;
}
