/** `/api/health`, `/api/rooms`, `/api/rooms/:id`, `/api/rooms/:id/events`. */
import type { FloodStatus } from '../broker/flood-guard.js';
import type { FleetState } from '../fleet-state.js';
import type { IngestCounters } from '../ingest/ingest.js';
import type { OnceOnlyState } from '../once-only-work.js';
import type { AuditVerification } from '../security/audit-anchor.js';
import { type HubStore, oldestWaitMs, type StoreBacklog } from '../store/store.js';
import type { RouteModule } from './http-api.js';

export interface HealthFacts {
  broker: { mode: 'embedded' | 'external'; port?: number; url?: string };
  mqttConnected: boolean;
  ingest: IngestCounters;
  wsClients: number;
  /** The audit log's last verification; null before the first. */
  audit?: AuditVerification | null;
  /** Rooms cut off or disconnected for flooding, and the messages dropped. */
  flood?: FloodStatus;
  /** Whether this hub does the work done once in its group (the proxy and the operator see which). */
  onceOnlyWork?: OnceOnlyState;
}

const startedAt = Date.now();
const STORE_WAITING_SEC = 5;

/** A broker URL fit for the public health answer: any user and password written into it removed. */
export function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** `waiting` once the oldest write has waited longer than a commit ever should (a held lock, a dying disk). */
function storeHealth(backlog: StoreBacklog) {
  const oldestPendingSec = oldestWaitMs(backlog) / 1000;
  return {
    state: oldestPendingSec > STORE_WAITING_SEC ? 'waiting' : 'ok',
    pendingWrites: backlog.pending,
    oldestPendingSec,
  };
}

export function roomsRoutes(
  fleet: FleetState,
  store: Pick<HubStore, 'backlog' | 'listEvents'>,
  health: () => HealthFacts,
): RouteModule {
  return (app) => {
    app.get('/api/health', { config: { access: 'public' } }, async () => {
      const rooms = fleet.views();
      return {
        status: 'ok',
        uptimeSec: Math.round((Date.now() - startedAt) / 1000),
        rooms: { total: rooms.length, online: rooms.filter((r) => r.online).length },
        store: storeHealth(store.backlog()),
        ...health(),
      };
    });

    app.get('/api/rooms', { config: { access: 'viewer' } }, async () => fleet.views());

    app.get<{ Params: { id: string } }>(
      '/api/rooms/:id',
      { config: { access: 'viewer' } },
      async (req, reply) => {
        const view = fleet.view(req.params.id);
        if (!view) return reply.code(404).send({ error: `no room "${req.params.id}"`, field: 'id' });
        return view;
      },
    );

    app.get<{ Params: { id: string }; Querystring: { limit?: string } }>(
      '/api/rooms/:id/events',
      { config: { access: 'viewer' } },
      async (req, reply) => {
        if (!fleet.has(req.params.id))
          return reply.code(404).send({ error: `no room "${req.params.id}"`, field: 'id' });
        const raw = req.query.limit ?? '50';
        const limit = Number(raw);
        if (!/^\d+$/.test(raw) || limit < 1 || limit > 1000) {
          return reply
            .code(400)
            .send({ error: 'limit must be a whole number from 1 to 1000', field: 'limit' });
        }
        return store.listEvents(req.params.id, limit);
      },
    );
  };
}
