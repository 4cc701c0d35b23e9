/**
 * Speak requests (art. 10.1c, 10.2e): during a meeting a room asks for the floor, and the host
 * room's technician grants, finishes or dismisses the requests in the order they came. Pure: every
 * function takes a session and returns the next one.
 */
import type { SpeakState } from '../../shared/schemas.js';
import type { Actor } from '../api/actor.js';

export type RequestState = 'waiting' | 'granted' | 'finished' | 'dismissed' | 'cancelled';

export interface SpeakRequest {
  id: string;
  roomId: string;
  /** When the room asked (the hub's clock). */
  requestedAt: string;
  /** Increases with every request of the session: the queue's order. */
  order: number;
  state: RequestState;
  /** When the host gave the room the floor; null until then. */
  grantedAt: string | null;
  endedAt: string | null;
}

export interface SpeakSession {
  /** The room chairing the meeting (điểm cầu chính). */
  hostRoomId: string;
  /** Who opened the session (the operator's name); null when not known. */
  openedBy: string | null;
  openedAt: string;
  /**
   * The order given to the session's latest request. Kept apart from the requests so that the
   * order keeps rising when ended requests are no longer held (a restored session has only its queue).
   */
  lastOrder: number;
  requests: SpeakRequest[];
}

export type SpeakAction = 'grant' | 'finish' | 'dismiss';

export type Outcome =
  | { ok: true; session: SpeakSession; request: SpeakRequest }
  | { ok: false; code: 'not-found' | 'bad-state' | 'host-room'; error: string };

const active = (r: SpeakRequest) => r.state === 'waiting' || r.state === 'granted';

export function openSession(hostRoomId: string, at: string, openedBy: string | null = null): SpeakSession {
  return { hostRoomId, openedBy, openedAt: at, lastOrder: 0, requests: [] };
}

/** A room asks for the floor; asking again while waiting or speaking changes nothing. */
export function requestFloor(session: SpeakSession, roomId: string, at: string, id: string): Outcome {
  if (roomId === session.hostRoomId) {
    return {
      ok: false,
      code: 'host-room',
      error: 'the host room chairs the meeting; it does not ask itself for the floor',
    };
  }
  const existing = session.requests.find((r) => r.roomId === roomId && active(r));
  if (existing) return { ok: true, session, request: existing };
  const order = session.lastOrder + 1;
  const request: SpeakRequest = {
    id,
    roomId,
    requestedAt: at,
    order,
    state: 'waiting',
    grantedAt: null,
    endedAt: null,
  };
  return {
    ok: true,
    session: { ...session, lastOrder: order, requests: [...session.requests, request] },
    request,
  };
}

function replace(session: SpeakSession, next: SpeakRequest): SpeakSession {
  return { ...session, requests: session.requests.map((r) => (r.id === next.id ? next : r)) };
}

/** The room withdraws its request (or ends its turn). */
export function cancelFloor(session: SpeakSession, roomId: string, at: string): Outcome {
  const existing = session.requests.find((r) => r.roomId === roomId && active(r));
  if (!existing) return { ok: false, code: 'not-found', error: `${roomId} has no request in this meeting` };
  const next: SpeakRequest = {
    ...existing,
    state: existing.state === 'granted' ? 'finished' : 'cancelled',
    endedAt: at,
  };
  return { ok: true, session: replace(session, next), request: next };
}

/**
 * The host's decision on one request. Granting a room ends the turn of the room that was speaking:
 * one room has the floor at a time.
 */
export function act(session: SpeakSession, requestId: string, action: SpeakAction, at: string): Outcome {
  const request = session.requests.find((r) => r.id === requestId);
  if (!request) return { ok: false, code: 'not-found', error: `no request ${requestId} in this meeting` };
  const allowedFrom: Record<SpeakAction, RequestState[]> = {
    grant: ['waiting'],
    finish: ['granted'],
    dismiss: ['waiting', 'granted'],
  };
  if (!allowedFrom[action].includes(request.state)) {
    return {
      ok: false,
      code: 'bad-state',
      error: `request ${requestId} is ${request.state}; cannot ${action} it`,
    };
  }
  let next = session;
  if (action === 'grant') {
    for (const r of session.requests.filter((x) => x.state === 'granted')) {
      next = replace(next, { ...r, state: 'finished', endedAt: at });
    }
  }
  const state: RequestState = action === 'grant' ? 'granted' : action === 'finish' ? 'finished' : 'dismissed';
  const updated: SpeakRequest =
    state === 'granted'
      ? { ...request, state, grantedAt: at, endedAt: null }
      : { ...request, state, endedAt: at };
  return { ok: true, session: replace(next, updated), request: updated };
}

/** The requests still to be dealt with: the one speaking first, then the waiting ones in order. */
export function queue(session: SpeakSession): SpeakRequest[] {
  return session.requests
    .filter(active)
    .sort((a, b) => (a.state === b.state ? a.order - b.order : a.state === 'granted' ? -1 : 1));
}

/**
 * How long after it was opened a session is still brought back by a hub restart. Sessions are not
 * tied to a meeting of the calendar (the operator opens and closes them), so whether "its" meeting
 * ended is not known; but a meeting lasts hours, so a session older than a day is one the operator
 * forgot to close, and resurrecting it would put rooms back in a queue nobody chairs.
 */
export const RESTORE_WITHIN_MS = 24 * 3600_000;

/** Whether a restarted hub should close this session rather than bring it back. */
export function outlived(session: SpeakSession, now: Date): boolean {
  return now.getTime() - Date.parse(session.openedAt) > RESTORE_WITHIN_MS;
}

export interface RoomSpeakState {
  state: SpeakState;
  position?: number;
  hostRoomId?: string;
}

/** Where one room stands in a session. */
export function roomState(session: SpeakSession, roomId: string): RoomSpeakState {
  const mine = session.requests.find((r) => r.roomId === roomId && active(r));
  if (!mine) return { state: 'idle' };
  if (mine.state === 'granted') return { state: 'granted', hostRoomId: session.hostRoomId };
  const waiting = session.requests.filter((r) => r.state === 'waiting').sort((a, b) => a.order - b.order);
  return { state: 'waiting', position: waiting.indexOf(mine) + 1, hostRoomId: session.hostRoomId };
}

/**
 * Who may decide on a request: an operator, or the host room's technician, but never the room that
 * asked (a room cannot grant itself the floor).
 */
export function mayAct(actor: Actor | null, hostRoomId: string, requestRoomId: string): boolean {
  if (!actor) return false;
  if (actor.role === 'operator') return true;
  return actor.roomId === hostRoomId && actor.roomId !== requestRoomId;
}
