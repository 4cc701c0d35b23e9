/**
 * Who is calling, for the routes that decide by person and room (an operator acknowledges an
 * incident; only the host room's technician grants the floor), taken from the session.
 *
 * @pure: the dashboard bundles it, so it imports only shared/ and other @pure modules (types aside).
 */
import type { FastifyRequest } from 'fastify';

export type Actor = { role: 'operator'; name: string } | { role: 'technician'; roomId: string; name: string };

export type ActorOf = (req: FastifyRequest) => Actor | null;

/** The logged-in operator or room technician; a viewer, or no session, acts as nobody. */
export const sessionActor: ActorOf = (req) => {
  const user = req.session?.user;
  if (!user) return null;
  if (user.role === 'operator') return { role: 'operator', name: user.username };
  if (user.role === 'technician' && user.roomId)
    return { role: 'technician', roomId: user.roomId, name: user.username };
  return null;
};

/** How an actor is recorded beside what they did. */
export function actorLabel(actor: Actor): string {
  return actor.role === 'operator' ? `operator ${actor.name}` : `${actor.name} (${actor.roomId})`;
}

/** The actor a stored label names, so a page can say it in words; null for a label of another shape. */
export function parseActorLabel(label: string): Actor | null {
  const operator = /^operator (\S+)$/.exec(label);
  if (operator) return { role: 'operator', name: operator[1]! };
  const technician = /^(\S+) \(([^()\s]+)\)$/.exec(label);
  if (technician) return { role: 'technician', name: technician[1]!, roomId: technician[2]! };
  return null;
}
