/**
 * The regulation's lists the forms offer, copied from shared/schemas.ts and shared/fleet-file.ts so the browser bundle does
 * not carry zod; the types below fail to compile if a list here and its schema ever differ.
 */
import type { RoomKind } from '../../../shared/fleet-file.js';
import type { EmergencyReason, MeetingKind, RehearsalCheckName } from '../../../shared/schemas.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const meetingKinds = [
  'party',
  'council',
  'committee',
  'training',
  'conference',
  'inter-agency',
] as const;
/** In the order the dashboard groups rooms (shared/fleet-file.ts). */
export const roomKinds = ['party', 'council', 'committee', 'district', 'commune', 'department'] as const;
export const emergencyReasons = ['flood', 'storm', 'disaster', 'fire', 'other'] as const;
/** In the rehearsal matrix's order: the room, its equipment, the test call (sound, picture), the line. */
export const rehearsalCheckNames = [
  'power',
  'climate',
  'codec',
  'peripherals',
  'sip',
  'sound',
  'picture',
  'line',
  'link',
] as const;

export const listsMatchSchemas: [
  Same<(typeof meetingKinds)[number], MeetingKind>,
  Same<(typeof roomKinds)[number], RoomKind>,
  Same<(typeof emergencyReasons)[number], EmergencyReason>,
  Same<(typeof rehearsalCheckNames)[number], RehearsalCheckName>,
] = [true, true, true, true];
