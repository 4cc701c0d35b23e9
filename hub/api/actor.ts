/**
 * Who is calling, for the routes that decide by person and room (an operator acknowledges an
 * incident; only the host room's technician grants the floor). The security layer supplies the real
 * `ActorOf` from the session; until it lands, `headerActor` reads the `x-hnth-actor` header
 * (`operator:Name`, `technician:{room}:Name`), which the tests' request helper sets in one place.
 */
import type { FastifyRequest } from 'fastify';
import { isRoomId } from '../../shared/fleet.js';

export type Actor = { role: 'operator'; name: string } | { role: 'technician'; roomId: string; name: string };

export type ActorOf = (req: FastifyRequest) => Actor | null;

export const headerActor: ActorOf = (req) => {
  const raw = req.headers['x-hnth-actor'];
  if (typeof raw !== 'string') return null;
  const [role, a = '', b = ''] = raw.split(':');
  if (role === 'operator') return { role, name: a || 'operator' };
  if (role === 'technician' && isRoomId(a)) return { role, roomId: a, name: b || `technician of ${a}` };
  return null;
};

/** How an actor is recorded beside what they did. */
export function actorLabel(actor: Actor): string {
  return actor.role === 'operator' ? `operator ${actor.name}` : `${actor.name} (${actor.roomId})`;
}
