/**
 * Who may call a route. Every route declares it in its config (`{ config: { access: 'operator' } }`):
 * `public` (login, health), `viewer` (read only), `technician` (own room, speak requests),
 * `operator` (everything). The security layer (hub/security/access-guard.ts) enforces it on the
 * server for every route, and refuses a route that declares none. A technician route's room is
 * its `:roomId` parameter (or `:id` under `/api/rooms/`); a route that takes the room from its
 * body checks `mayActOnRoom(req.session!.user, roomId)` itself. State-changing methods need the
 * session's `x-csrf-token`. `actorOf(req)` names the caller for `security.audit.record`.
 */
export const accessLevels = ['public', 'viewer', 'technician', 'operator'] as const;
export type Access = (typeof accessLevels)[number];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}
