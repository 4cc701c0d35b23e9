/**
 * A calendar people can subscribe to (art. 11.5): each user may have one secret address for their
 * calendar program, which reads it without a session (calendar programs cannot log in). The address
 * only reads; it shows what its owner may see (their room's meetings, titles by art. 13.1c), as the
 * owner's role is now; it can be replaced or revoked, and only its hash is stored, as for sessions.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Fleet } from '../../shared/fleet.js';
import type { RouteModule } from '../api/http-api.js';
import type { UserStore } from '../security/user-store.js';
import type { Sql, SqlMigration } from '../store/sql.js';
import { calendarIcs, type IcsConfig } from './calendar-ics.js';
import type { MeetingsRepo } from './meetings-repo.js';

export const calendarSubscriptionsMigrations: SqlMigration[] = [
  {
    id: 'calendar-subscriptions-1',
    sqlite: `CREATE TABLE calendar_subscriptions (
      username TEXT PRIMARY KEY,
      token_hash TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL
    );`,
    pg: `CREATE TABLE calendar_subscriptions (
      username text COLLATE "C" PRIMARY KEY,
      token_hash text COLLATE "C" NOT NULL UNIQUE,
      created_at text COLLATE "C" NOT NULL
    );`,
  },
];

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export class CalendarSubscriptions {
  constructor(
    private readonly sql: Sql,
    private readonly now: () => Date,
  ) {}

  /** A new secret for the user, replacing any earlier one; returned once, never stored in clear. */
  async issue(username: string): Promise<{ token: string; createdAt: string }> {
    const token = randomBytes(32).toString('base64url');
    const createdAt = this.now().toISOString();
    await this.sql.run(
      `INSERT INTO calendar_subscriptions (username, token_hash, created_at) VALUES (?, ?, ?)
       ON CONFLICT (username) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
      [username, digest(token), createdAt],
    );
    return { token, createdAt };
  }

  async revoke(username: string): Promise<boolean> {
    const { changes } = await this.sql.run('DELETE FROM calendar_subscriptions WHERE username = ?', [
      username,
    ]);
    return changes > 0;
  }

  async ownerOf(token: string): Promise<string | null> {
    const row = await this.sql.one<{ username: string }>(
      'SELECT username FROM calendar_subscriptions WHERE token_hash = ?',
      [digest(token)],
    );
    return row?.username ?? null;
  }

  async statusOf(username: string): Promise<{ createdAt: string } | null> {
    const row = await this.sql.one<{ created_at: string }>(
      'SELECT created_at FROM calendar_subscriptions WHERE username = ?',
      [username],
    );
    return row ? { createdAt: row.created_at } : null;
  }
}

export interface SubscriptionRoutesDeps {
  subscriptions: CalendarSubscriptions;
  users: Pick<UserStore, 'find'>;
  meetings: Pick<MeetingsRepo, 'list'>;
  fleet: Fleet;
  ics: IcsConfig;
  now: () => Date;
}

/** Where a subscription's calendar is read. */
export const FEED_PATH = '/api/calendar/feed';

export function subscriptionRoutes(deps: SubscriptionRoutesDeps): RouteModule {
  return (app) => {
    app.get('/api/calendar/subscription', { config: { access: 'viewer' } }, async (req) => {
      const status = await deps.subscriptions.statusOf(req.session!.user.username);
      return { active: status !== null, createdAt: status?.createdAt ?? null };
    });

    app.post(
      '/api/calendar/subscription',
      { config: { access: 'viewer', audit: { action: 'calendar.subscribe' } } },
      async (req, reply) => {
        const username = req.session!.user.username;
        const { token, createdAt } = await deps.subscriptions.issue(username);
        return reply.code(201).send({ url: `${FEED_PATH}/${token}.ics`, createdAt });
      },
    );

    app.delete(
      '/api/calendar/subscription',
      { config: { access: 'viewer', audit: { action: 'calendar.unsubscribe' } } },
      async (req, reply) => {
        await deps.subscriptions.revoke(req.session!.user.username);
        return reply.code(204).send();
      },
    );

    // Public: the secret in the address is the credential. An unknown or revoked one is 404.
    app.get<{ Params: { file: string } }>(
      `${FEED_PATH}/:file`,
      { config: { access: 'public' } },
      async (req, reply) => {
        const token = /^([A-Za-z0-9_-]{43})\.ics$/.exec(req.params.file)?.[1];
        const username = token ? await deps.subscriptions.ownerOf(token) : null;
        const user = username ? await deps.users.find(username) : null;
        if (!user) return reply.code(404).send({ error: 'no such calendar' });
        const reader = { role: user.role, roomId: user.roomId };
        const meetings = await deps.meetings.list(user.roomId ? { roomId: user.roomId } : {});
        const name = user.roomId
          ? `Lịch họp HNTH: ${deps.fleet.find(user.roomId)?.name ?? user.roomId}`
          : 'Lịch họp HNTH tỉnh Tuyên Quang';
        return reply
          .type('text/calendar; charset=utf-8')
          .send(calendarIcs(name, meetings, deps.ics, deps.fleet, deps.now(), reader));
      },
    );
  };
}
