/**
 * Who may read a meeting's title (art. 13.1c: a meeting's information stays with those it concerns):
 * the department's operators, and the users of the rooms that take part. Everyone else sees that
 * there is a meeting, when, and in which rooms, without its title (null in the API; "Cuộc họp" in
 * calendars and notices, the glossary's word). Pure: the routes, the live socket, the calendar
 * export and the notices all ask here.
 */
import type { Role } from '../security/user-store.js';
import type { Meeting } from './meeting-rules.js';

/** A meeting as the API gives it to a reader: its title null where they may not read it. */
export type SeenMeeting = Omit<Meeting, 'title'> & { title: string | null };

/** The person reading: their role and, for a room's technician or viewer, their room. */
export interface Reader {
  role: Role;
  roomId: string | null;
}

/** What a reader who may not see the title reads instead, where text is needed (calendars, notices). */
export const UNTITLED = 'Cuộc họp';

export function maySeeTitle(meeting: { roomIds: readonly string[] }, reader: Reader | null): boolean {
  if (!reader) return false;
  if (reader.role === 'operator') return true;
  return reader.roomId !== null && meeting.roomIds.includes(reader.roomId);
}

/** The meeting as this reader may see it: the title null where they may not read it. */
export function asSeenBy<M extends { title: string; roomIds: readonly string[] }>(
  meeting: M,
  reader: Reader | null,
): Omit<M, 'title'> & { title: string | null } {
  return maySeeTitle(meeting, reader) ? meeting : { ...meeting, title: null };
}
