/**
 * The operator's approval of codec configurations (art. 5.3), on the API:
 *   GET  /api/rooms/:id/config                 the approved configuration, its delivery and the drift (viewer)
 *   POST /api/rooms/:id/config/approve         {keys?} the room's current values, or {templateId} (operator)
 *   GET  /api/config/templates                 the fleet's templates (viewer)
 *   POST /api/config/templates                 {name, fromRoomId} a room's approved values as a template (operator)
 *   POST /api/config/templates/:id/apply       {roomIds} approve the template for these rooms (operator)
 * A room that does not answer is 504, one that refuses or fails 502, with its reason; each approval
 * is audited with its outcome (config-approval.ts).
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RouteModule } from '../api/http-api.js';
import type { FleetState } from '../fleet-state.js';
import { badRequest } from '../schedule/request-error.js';
import { actorOf } from '../security/access-guard.js';
import { bodyFields } from '../security/audit-trail.js';
import type { ApprovedConfigsRepo } from './approved-configs-repo.js';
import type { Approval, ConfigApproval } from './config-approval.js';

export interface ConfigRoutesDeps {
  approval: ConfigApproval;
  repo: ApprovedConfigsRepo;
  fleet: Pick<FleetState, 'has'>;
  now: () => Date;
}

const approveBody = z.union([
  z.strictObject({ keys: z.array(z.string().min(1).max(128)).min(1).max(64).optional() }),
  z.strictObject({ templateId: z.number().int().min(1) }),
]);
const templateBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  fromRoomId: z.string().min(1).max(64),
});
const applyBody = z.strictObject({ roomIds: z.array(z.string().min(1).max(64)).min(1).max(1000) });

const failureStatus: Record<string, number> = { timeout: 504, 'not-sent': 503, expired: 504 };

function statusOf(a: Approval): number {
  return a.ok ? 200 : (failureStatus[a.code] ?? 502);
}

export function configRoutes(deps: ConfigRoutesDeps): RouteModule {
  return (app) => {
    app.get<{ Params: { id: string } }>(
      '/api/rooms/:id/config',
      { config: { access: 'viewer' } },
      async (req, reply) => {
        const roomId = req.params.id;
        if (!deps.fleet.has(roomId))
          return reply.code(404).send({ error: `no room "${roomId}"`, field: 'id' });
        const [approved, delivery] = await Promise.all([
          deps.repo.approved(roomId),
          deps.repo.delivery(roomId),
        ]);
        return { approved, delivery };
      },
    );

    app.post<{ Params: { id: string } }>(
      '/api/rooms/:id/config/approve',
      // The approval records each room's outcome itself (config-approval.ts).
      { config: { access: 'operator', audit: 'self' } },
      async (req, reply) => {
        const roomId = req.params.id;
        if (!deps.fleet.has(roomId))
          return reply.code(404).send({ error: `no room "${roomId}"`, field: 'id' });
        const parsed = approveBody.safeParse(req.body ?? {});
        if (!parsed.success) return reply.code(400).send(badRequest(parsed.error));
        if ('templateId' in parsed.data) {
          const template = await deps.repo.template(parsed.data.templateId);
          if (!template)
            return reply
              .code(404)
              .send({ error: `no template ${parsed.data.templateId}`, field: 'templateId' });
          const outcome = (await deps.approval.approveTemplate(template, [roomId], actorOf(req)))[roomId]!;
          return reply.code(statusOf(outcome)).send(outcome);
        }
        const outcome = await deps.approval.approveCurrent(roomId, actorOf(req), parsed.data.keys);
        return reply.code(statusOf(outcome)).send(outcome);
      },
    );

    app.get('/api/config/templates', { config: { access: 'viewer' } }, async () => deps.repo.templates());

    const templateAudit = {
      action: 'config.template',
      details: (req: FastifyRequest) => bodyFields(req, ['name', 'fromRoomId']),
    };
    app.post(
      '/api/config/templates',
      { config: { access: 'operator', audit: templateAudit } },
      async (req, reply) => {
        const parsed = templateBody.safeParse(req.body ?? {});
        if (!parsed.success) return reply.code(400).send(badRequest(parsed.error));
        const source = await deps.repo.approved(parsed.data.fromRoomId);
        if (!source)
          return reply.code(404).send({
            error: `room "${parsed.data.fromRoomId}" has no approved configuration to make a template of`,
            field: 'fromRoomId',
          });
        const actor = actorOf(req);
        const created = await deps.repo.addTemplate({
          name: parsed.data.name,
          kind: source.kind,
          values: source.values,
          createdAt: deps.now().toISOString(),
          createdBy: actor,
        });
        if ('error' in created)
          return reply
            .code(409)
            .send({ error: `a template named "${parsed.data.name}" exists`, field: 'name' });
        return reply.code(201).send(created);
      },
    );

    app.post<{ Params: { id: string } }>(
      '/api/config/templates/:id/apply',
      { config: { access: 'operator', audit: 'self' } },
      async (req, reply) => {
        // Not a template's id (a word, a number past what the store holds): no such template.
        const template = /^\d{1,15}$/.test(req.params.id)
          ? await deps.repo.template(Number(req.params.id))
          : null;
        if (!template) return reply.code(404).send({ error: `no template ${req.params.id}`, field: 'id' });
        const parsed = applyBody.safeParse(req.body ?? {});
        if (!parsed.success) return reply.code(400).send(badRequest(parsed.error));
        const unknown = parsed.data.roomIds.find((id) => !deps.fleet.has(id));
        if (unknown !== undefined)
          return reply.code(400).send({ error: `no room "${unknown}"`, field: 'roomIds' });
        return deps.approval.approveTemplate(template, [...new Set(parsed.data.roomIds)], actorOf(req));
      },
    );
  };
}
