/**
 * The calendar subscriptions on both stores: a secret reads back as its owner's until it is replaced
 * or revoked, only its hash is stored, and two hubs issuing for the same user at once leave one secret.
 */
import { expect, test } from '@jest/globals';
import {
  CalendarSubscriptions,
  calendarSubscriptionsMigrations,
} from '../../hub/schedule/calendar-subscriptions.js';
import { onEachStore } from '../helpers/sql-stores.js';

const now = () => new Date('2026-12-06T03:00:00.000Z');

onEachStore('calendar subscriptions', calendarSubscriptionsMigrations, (store) => {
  test('a secret names its owner until replaced, and nothing after it is revoked', async () => {
    const subs = new CalendarSubscriptions(store.sql, now);
    expect(await subs.statusOf('lan')).toBeNull();
    const first = await subs.issue('lan');
    expect(first.createdAt).toBe('2026-12-06T03:00:00.000Z');
    expect(await subs.ownerOf(first.token)).toBe('lan');
    expect(await subs.statusOf('lan')).toEqual({ createdAt: first.createdAt });
    const stored = await store.sql.all<{ token_hash: string }>(
      'SELECT token_hash FROM calendar_subscriptions',
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).not.toBe(first.token);

    const second = await subs.issue('lan');
    expect(await subs.ownerOf(first.token)).toBeNull();
    expect(await subs.ownerOf(second.token)).toBe('lan');

    expect(await subs.revoke('lan')).toBe(true);
    expect(await subs.revoke('lan')).toBe(false);
    expect(await subs.ownerOf(second.token)).toBeNull();
    expect(await subs.statusOf('lan')).toBeNull();
  });

  test('two hubs issuing for the same user at once leave exactly one working secret', async () => {
    const here = new CalendarSubscriptions(store.sql, now);
    const there = new CalendarSubscriptions(await store.another(), now);
    const [a, b] = await Promise.all([here.issue('lan'), there.issue('lan')]);
    const owners = [await here.ownerOf(a.token), await here.ownerOf(b.token)];
    expect(owners.filter((o) => o === 'lan')).toHaveLength(1);
    expect(await store.sql.all('SELECT username FROM calendar_subscriptions')).toEqual([{ username: 'lan' }]);
  });
});
