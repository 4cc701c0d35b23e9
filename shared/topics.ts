/**
 * Topic strings of the wire contract (DESIGN.md, "Wire contract"). Every topic is built and parsed
 * here and nowhere else, so a typo cannot create a topic nobody listens to.
 */

export const TOPIC_ROOT = 'hnth/v1';

/** What a room's agent publishes. */
export const roomChannels = ['status', 'telemetry', 'events'] as const;
export type RoomChannel = (typeof roomChannels)[number];

/** A room id as it may appear in a topic level: lower-case slug, no wildcards or separators. */
const ROOM_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function isValidRoomIdSyntax(id: string): boolean {
  return ROOM_ID.test(id);
}

function checkRoomId(roomId: string): string {
  if (!ROOM_ID.test(roomId)) throw new TypeError(`invalid room id for a topic: ${JSON.stringify(roomId)}`);
  return roomId;
}

export function roomTopic(roomId: string, channel: RoomChannel): string {
  return `${TOPIC_ROOT}/rooms/${checkRoomId(roomId)}/${channel}`;
}

/** Subscription filter for one channel of every room (`hnth/v1/rooms/+/telemetry`). */
export function allRoomsFilter(channel: RoomChannel): string {
  return `${TOPIC_ROOT}/rooms/+/${channel}`;
}

export function injectTopic(roomId: string): string {
  return `${TOPIC_ROOT}/sim/rooms/${checkRoomId(roomId)}/inject`;
}

export type ParsedTopic =
  | { kind: 'room'; roomId: string; channel: RoomChannel }
  | { kind: 'inject'; roomId: string }
  | { kind: 'unknown'; reason: string };

/** Parses a topic of the contract; anything else is `unknown` with the reason, never an exception. */
export function parseTopic(topic: string): ParsedTopic {
  const parts = topic.split('/');
  if (parts.length < 2 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) {
    return { kind: 'unknown', reason: `topic outside ${TOPIC_ROOT}/` };
  }
  const [, , a, b, c, d, ...rest] = parts;
  if (a === 'rooms' && b !== undefined && c !== undefined && d === undefined) {
    if (!ROOM_ID.test(b)) return { kind: 'unknown', reason: `invalid room id "${b}"` };
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
