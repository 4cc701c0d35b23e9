/**
 * `GET /metrics` for Prometheus. A scraper cannot log in with a session, so the route is public at
 * the session layer and asks for its own bearer token (`metrics.token`, sent as
 * `Authorization: Bearer …`, the way Prometheus' `authorization` scrape setting sends it). Without
 * a configured token the route answers 404: room names, readings and counters are not for anyone
 * who can reach the port. A loopback-only rule was not chosen because behind a reverse proxy on
 * the same machine every caller is loopback.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RouteModule } from './http-api.js';
import type { HubMetrics } from './hub-metrics.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether an `Authorization` header carries this token (compared in constant time). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const sent = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  return sent !== undefined && timingSafeEqual(digest(sent), digest(token));
}

export function metricsRoutes(metrics: HubMetrics, token: string): RouteModule {
  return (app) => {
    app.get('/metrics', { config: { access: 'public' } }, async (req, reply) => {
      if (!token) {
        return reply.code(404).send({ error: 'metrics are off: set metrics.token (HNTH_METRICS_TOKEN)' });
      }
      if (!bearerMatches(req.headers.authorization, token)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="hnth-metrics"')
          .send({ error: 'send the metrics token as Authorization: Bearer <metrics.token>' });
      }
      return reply.type(metrics.contentType).send(await metrics.render());
    });
  };
}
