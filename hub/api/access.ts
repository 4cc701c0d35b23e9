/**
 * Who may call a route. Every route declares it in its config (`{ config: { access: 'operator' } }`):
 * `public` (login, health), `viewer` (read only), `technician` (own room, speak requests),
 * `operator` (everything). The security layer enforces it on the server for every route.
 */
export const accessLevels = ['public', 'viewer', 'technician', 'operator'] as const;
export type Access = (typeof accessLevels)[number];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}
