/**
 * The ONE place the API's state-changing requests reach the audit log, with their outcome: an
 * `onSend` hook reads what each route declares in `config.audit` and what it answered.
 *
 * - `{ action, details? }`: recorded under that action, with the route's parameters and `details`;
 * - `'self'`: the handler records itself (login, whose actor is not yet a session; a part that
 *   records richer details with `audit.record(actor, action, details, outcome)`);
 * - nothing, on a POST, PUT, PATCH or DELETE: recorded all the same as `http.<method>` with the
 *   route and its parameters, so a route that forgot is still audited (fail safe) and the onReady
 *   check names it.
 *
 * The outcome comes from the answer: below 400 done (`ok`), 4xx refused, 5xx failed, with the
 * answer's `code` (or `rule`, or the status) as the reason. A request without a session is not
 * recorded: refused at the door, it did nothing, and recording it would let anyone fill the log.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { changesState } from './access-decision.js';
import { actorOf } from './access-guard.js';
import type { AuditLog, AuditOutcome } from './audit-log.js';

export type AuditDeclaration =
  | { action: string; details?(req: FastifyRequest): Record<string, unknown> }
  | 'self';

declare module 'fastify' {
  interface FastifyContextConfig {
    audit?: AuditDeclaration;
  }
}

/** Fields of a JSON body worth keeping beside the action: short values only, each text cut at 200 characters. */
export function bodyFields(req: FastifyRequest, names: readonly string[]): Record<string, unknown> {
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  for (const name of names) {
    const value = body[name];
    if (typeof value === 'string') kept[name] = value.length > 200 ? `${value.slice(0, 200)}…` : value;
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null) kept[name] = value;
  }
  return kept;
}

/** What an answer says about the request's outcome. */
export function outcomeOf(status: number, body: unknown): AuditOutcome {
  if (status < 400) return { result: 'ok' };
  const b = (typeof body === 'object' && body !== null ? body : {}) as { code?: unknown; rule?: unknown };
  const code = typeof b.code === 'string' ? b.code : typeof b.rule === 'string' ? b.rule : `http-${status}`;
  return { result: status >= 500 ? 'failed' : 'refused', code };
}

/**
 * For a route that records itself (`'self'`): the row for its answer, with the outcome read from it,
 * resolved once the row is stored, so the route answers after its row is there. A database that
 * refuses the row is logged and counted by the audit log, never turned into a 500 for an order that
 * was carried out.
 */
export async function recordAnswer(
  audit: Pick<AuditLog, 'record'>,
  req: FastifyRequest,
  action: string,
  details: Record<string, unknown>,
  status: number,
  body: unknown,
): Promise<void> {
  await audit.record(actorOf(req), action, details, outcomeOf(status, body)).catch(() => {});
}

function parsed(payload: unknown): unknown {
  if (typeof payload !== 'string') return null;
  try {
    return JSON.parse(payload);
  } catch {
    return null;
  }
}

export function installAuditTrail(app: FastifyInstance, audit: Pick<AuditLog, 'record'>): void {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const declared = (route.config as { audit?: AuditDeclaration } | undefined)?.audit;
    if (declared === undefined && methods.some(changesState))
      app.log.warn(
        { methods, url: route.url },
        'state-changing route declares no config.audit; recorded as http.<method>',
      );
  });
  app.addHook('onSend', async (req, reply, payload) => {
    if (!changesState(req.method) || !req.session || req.is404) return payload;
    const declared = req.routeOptions.config.audit;
    if (declared === 'self') return payload;
    const params = (req.params ?? {}) as Record<string, unknown>;
    const action = declared?.action ?? `http.${req.method.toLowerCase()}`;
    const details = declared
      ? { ...params, ...declared.details?.(req) }
      : { route: req.routeOptions.url, ...params };
    const outcome = outcomeOf(reply.statusCode, reply.statusCode >= 400 ? parsed(payload) : null);
    // Sent once the row is stored. The answer is already decided: a database that refuses the row
    // must not turn it into a 500 (the audit log logs and counts it).
    await audit.record(actorOf(req), action, details, outcome).catch(() => {});
    return payload;
  });
}
