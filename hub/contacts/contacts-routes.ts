/**
 * `/api/contacts`: the directory, one contact written or removed at a time, confirmation by the
 * contact, and CSV export and import.
 */
import { type Fleet, partners } from '../../shared/fleet.js';
import type { ActorOf } from '../api/actor.js';
import type { RouteModule } from '../api/http-api.js';
import { bodyFields } from '../security/audit-trail.js';
import type { ContactDirectory } from './contact-directory.js';
import { checkContactInput, type OwnerKind } from './contact-rules.js';
import { contactsToCsv, parseContactsCsv } from './contacts-csv.js';

type Params = { kind: string; id: string };

function owner(
  params: Params,
  fleet: Fleet,
): { kind: OwnerKind; id: string } | { error: string; field: string } {
  if (params.kind === 'rooms') {
    return fleet.has(params.id)
      ? { kind: 'room', id: params.id }
      : { error: `no room "${params.id}"`, field: 'id' };
  }
  if (params.kind === 'partners') {
    return partners.some((p) => p.id === params.id)
      ? { kind: 'partner', id: params.id }
      : { error: `no partner "${params.id}"`, field: 'id' };
  }
  return { error: 'must be rooms or partners', field: 'kind' };
}

export function contactsRoutes(
  contacts: ContactDirectory,
  fleet: Fleet,
  actorOf: ActorOf,
  clock: () => Date,
): RouteModule {
  return (app) => {
    app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));

    app.get('/api/contacts', { config: { access: 'viewer' } }, async () => contacts.directory());

    app.get('/api/contacts/export', { config: { access: 'operator' } }, async (_req, reply) =>
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="hnth-contacts.csv"')
        .send(contactsToCsv(await contacts.repo.all())),
    );

    app.post(
      '/api/contacts/import',
      {
        config: {
          access: 'operator',
          audit: {
            action: 'contact.import',
            details: (req) => ({ bytes: typeof req.body === 'string' ? req.body.length : 0 }),
          },
        },
      },
      async (req, reply) => {
        if (typeof req.body !== 'string') {
          return reply.code(400).send({ error: 'send the CSV as text/csv', field: '(body)' });
        }
        const result = parseContactsCsv(req.body, clock(), fleet);
        if (!result.ok) {
          const first = result.errors[0]!;
          return reply.code(400).send({
            error: `line ${first.line}, ${first.field}: ${first.error}`,
            code: 'csv-rows',
            field: first.field,
            line: first.line,
            errors: result.errors,
          });
        }
        await contacts.repo.putAll(result.contacts);
        return { imported: result.contacts.length };
      },
    );

    app.put<{ Params: Params }>(
      '/api/contacts/:kind/:id',
      {
        config: {
          access: 'operator',
          // The new details, so a changed number (where incidents are sent) is traceable to who set it.
          audit: {
            action: 'contact.set',
            details: (req) => bodyFields(req, ['name', 'unit', 'position', 'phone', 'email', 'bounced']),
          },
        },
      },
      async (req, reply) => {
        const o = owner(req.params, fleet);
        if ('error' in o) return reply.code(o.field === 'kind' ? 400 : 404).send(o);
        const checked = checkContactInput(req.body ?? {});
        if (!checked.ok)
          return reply.code(400).send({
            error: `${checked.field} ${checked.error}`,
            field: checked.field,
            code: `contact-${checked.code}`,
          });
        const now = clock().toISOString();
        const earlier = await contacts.repo.get(o.kind, o.id);
        const v = checked.value;
        const saved = await contacts.repo.put({
          kind: o.kind,
          ownerId: o.id,
          name: v.name,
          unit: v.unit,
          position: v.position,
          phone: v.phone,
          email: v.email,
          updatedAt: now,
          // Writing the details is confirming them; a new address has not bounced yet.
          confirmedAt: v.confirmedAt ?? now,
          bounced: v.bounced ?? (earlier !== null && earlier.email === v.email ? earlier.bounced : false),
        });
        return contacts.view(saved);
      },
    );

    app.delete<{ Params: Params }>(
      '/api/contacts/:kind/:id',
      { config: { access: 'operator', audit: { action: 'contact.delete' } } },
      async (req, reply) => {
        const o = owner(req.params, fleet);
        if ('error' in o) return reply.code(o.field === 'kind' ? 400 : 404).send(o);
        if (!(await contacts.repo.remove(o.kind, o.id)))
          return reply.code(404).send({ error: 'no contact on file', field: 'id' });
        return reply.code(204).send();
      },
    );

    // Art. 4.3: the contact says the details still hold; a room's technician confirms their own.
    app.post<{ Params: Params }>(
      '/api/contacts/:kind/:id/confirm',
      { config: { access: 'technician', audit: { action: 'contact.confirm' } } },
      async (req, reply) => {
        const o = owner(req.params, fleet);
        if ('error' in o) return reply.code(o.field === 'kind' ? 400 : 404).send(o);
        const actor = actorOf(req);
        const allowed =
          actor?.role === 'operator' ||
          (actor?.role === 'technician' && o.kind === 'room' && actor.roomId === o.id);
        if (!allowed)
          return reply.code(403).send({ error: 'only the contact’s own room or an operator may confirm it' });
        const confirmed = await contacts.repo.confirm(o.kind, o.id, clock().toISOString());
        if (!confirmed) return reply.code(404).send({ error: 'no contact on file', field: 'id' });
        return contacts.view(confirmed);
      },
    );
  };
}
