/**
 * Topic strings of the wire contract (DESIGN.md, "Wire contract"). Every topic is built and parsed
 * here and nowhere else, so a typo cannot create a topic nobody listens to.
 */

export const TOPIC_ROOT = 'hnth/v1';

/** What a room's agent publishes, each under `hnth/v1/rooms/{room}/`. */
export const roomChannels = ['status', 'telemetry', 'events', 'replies', 'speak'] as const;
export type RoomChannel = (typeof roomChannels)[number];

/** A room id as it may appear in a topic level: lower-case slug, no wildcards or separators. */
const ROOM_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** A command name: `power.on`, `rehearse`. */
const COMMAND_NAME = /^[a-z][a-z0-9.-]{0,31}$/;

export function isValidRoomIdSyntax(id: string): boolean {
  return ROOM_ID.test(id);
}

function checkLevel(pattern: RegExp, what: string, value: string): string {
  if (!pattern.test(value)) throw new TypeError(`invalid ${what} for a topic: ${JSON.stringify(value)}`);
  return value;
}

export function roomTopic(roomId: string, channel: RoomChannel): string {
  return `${TOPIC_ROOT}/rooms/${checkLevel(ROOM_ID, 'room id', roomId)}/${channel}`;
}

/** Subscription filter for one channel of every room (`hnth/v1/rooms/+/telemetry`). */
export function allRoomsFilter(channel: RoomChannel): string {
  return `${TOPIC_ROOT}/rooms/+/${channel}`;
}

/** A shared group's name: one topic level, no wildcards (MQTT 5, 4.8.2). */
const SHARE_GROUP = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * An MQTT 5 shared subscription (`$share/{group}/{filter}`): the broker hands each message to one
 * subscriber of the group, so several hub instances split the rooms' traffic.
 */
export function sharedFilter(group: string, filter: string): string {
  return `$share/${checkLevel(SHARE_GROUP, 'shared subscription group', group)}/${filter}`;
}

export function isValidShareGroup(group: string): boolean {
  return SHARE_GROUP.test(group);
}

/** A command from the hub to one room: `hnth/v1/rooms/{room}/cmd/{name}`. */
export function commandTopic(roomId: string, name: string): string {
  return `${TOPIC_ROOT}/rooms/${checkLevel(ROOM_ID, 'room id', roomId)}/cmd/${checkLevel(COMMAND_NAME, 'command name', name)}`;
}

/** What a room's agent subscribes to for its commands. */
export function commandFilter(roomId: string): string {
  return `${TOPIC_ROOT}/rooms/${checkLevel(ROOM_ID, 'room id', roomId)}/cmd/+`;
}

/** The hub's acknowledgements of the room's events, once stored: the room's outbox forgets them then. */
export function ackTopic(roomId: string): string {
  return `${TOPIC_ROOT}/rooms/${checkLevel(ROOM_ID, 'room id', roomId)}/acks`;
}

/** The room's coming meetings, rehearsals and inspections, retained, published by the hub. */
export function scheduleTopic(roomId: string): string {
  return `${TOPIC_ROOT}/rooms/${checkLevel(ROOM_ID, 'room id', roomId)}/schedule`;
}

/**
 * The single status topic of hubs before per-hub presence, retained. Agents of that version wait for
 * `online` here before they send their outboxes, so hubs keep it up (hub/broker/hub-link.ts says how,
 * and why it carries no last will any more); agents of this version read it only when no hub
 * publishes its own status (a hub of the earlier version).
 */
export const HUB_STATUS_TOPIC = `${TOPIC_ROOT}/hub/status`;

/** A hub's id in a topic level: its MQTT client id, without separators or wildcards. */
const HUB_ID = /^[A-Za-z0-9_.-]{1,64}$/;

export function isValidHubIdSyntax(id: string): boolean {
  return HUB_ID.test(id);
}

/**
 * One hub's own status, retained, with a last will of `offline`: `hnth/v1/hub/{clientId}/status`. It
 * is published once that hub's subscriptions are in place, so an agent that sees any hub `online`
 * knows its replay will be heard by the group.
 */
export function hubStatusTopic(hubId: string): string {
  return `${TOPIC_ROOT}/hub/${checkLevel(HUB_ID, 'hub id (mqtt.clientId)', hubId)}/status`;
}

/** Every hub's own status, for agents tracking which hubs are up. */
export const ALL_HUB_STATUSES_FILTER = `${TOPIC_ROOT}/hub/+/status`;

/** The hub id of a per-hub status topic; undefined for any other topic. */
export function hubIdOfStatusTopic(topic: string): string | undefined {
  const parts = topic.split('/');
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) return undefined;
  const [, , hub, id, status] = parts;
  return hub === 'hub' && status === 'status' && HUB_ID.test(id!) ? id : undefined;
}

/** Art. 10.1c: the room's place in the speak queue, retained, published by the hub. */
export function speakStateTopic(roomId: string): string {
  return `${TOPIC_ROOT}/rooms/${checkLevel(ROOM_ID, 'room id', roomId)}/speak-state`;
}

export function injectTopic(roomId: string): string {
  return `${TOPIC_ROOT}/sim/rooms/${checkLevel(ROOM_ID, 'room id', roomId)}/inject`;
}

export type ParsedTopic =
  | { kind: 'room'; roomId: string; channel: RoomChannel }
  | { kind: 'command'; roomId: string; name: string }
  | { kind: 'schedule'; roomId: string }
  | { kind: 'acks'; roomId: string }
  | { kind: 'speak-state'; roomId: string }
  | { kind: 'inject'; roomId: string }
  | { kind: 'unknown'; reason: string };

/** Parses a topic of the contract; anything else is `unknown` with the reason, never an exception. */
export function parseTopic(topic: string): ParsedTopic {
  const parts = topic.split('/');
  if (parts.length < 2 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) {
    return { kind: 'unknown', reason: `topic outside ${TOPIC_ROOT}/` };
  }
  const [, , a, b, c, d, ...rest] = parts;
  if (a === 'rooms' && b !== undefined && c !== undefined) {
    if (!ROOM_ID.test(b)) return { kind: 'unknown', reason: `invalid room id "${b}"` };
    if (c === 'cmd' && d !== undefined && rest.length === 0) {
      if (!COMMAND_NAME.test(d)) return { kind: 'unknown', reason: `invalid command name "${d}"` };
      return { kind: 'command', roomId: b, name: d };
    }
    if (d !== undefined) return { kind: 'unknown', reason: 'topic not in the contract' };
    if (c === 'schedule') return { kind: 'schedule', roomId: b };
    if (c === 'acks') return { kind: 'acks', roomId: b };
    if (c === 'speak-state') return { kind: 'speak-state', roomId: b };
    if (!(roomChannels as readonly string[]).includes(c)) {
      return { kind: 'unknown', reason: `unknown channel "${c}"` };
    }
    return { kind: 'room', roomId: b, channel: c as RoomChannel };
  }
  if (a === 'sim' && b === 'rooms' && c !== undefined && d === 'inject' && rest.length === 0) {
    if (!ROOM_ID.test(c)) return { kind: 'unknown', reason: `invalid room id "${c}"` };
    return { kind: 'inject', roomId: c };
  }
  return { kind: 'unknown', reason: 'topic not in the contract' };
}

/** Whether `topic` matches the MQTT subscription `filter` (`+` one level, `#` the rest). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}
