import { describe, expect, test } from '@jest/globals';
import { anyHubOnline, HubPresence } from '../../agent/link/hub-presence.js';

const hubs = (entries: [string, boolean][]) => new Map(entries);

describe('whether some hub listens, from the hubs’ statuses', () => {
  test.each([
    ['nothing seen yet', null, [], false],
    ['an earlier hub online on the single topic', true, [], true],
    ['an earlier hub offline on the single topic', false, [], false],
    ['one hub online', null, [['a', true]], true],
    [
      'one of two hubs online',
      null,
      [
        ['a', false],
        ['b', true],
      ],
      true,
    ],
    [
      'both hubs offline',
      null,
      [
        ['a', false],
        ['b', false],
      ],
      false,
    ],
    // The single topic stays `online` when the last hub of this version dies: it no longer decides.
    [
      'both hubs offline, the single topic still online',
      true,
      [
        ['a', false],
        ['b', false],
      ],
      false,
    ],
    ['a hub online, the single topic offline (a hub stopping)', false, [['b', true]], true],
  ] as [string, boolean | null, [string, boolean][], boolean][])('%s: %s', (_what, legacy, seen, online) => {
    expect(anyHubOnline({ legacy, hubs: hubs(seen) })).toBe(online);
  });

  test('a hub that stops or dies leaves the group up while another runs, and down after the last', () => {
    const presence = new HubPresence();
    presence.seen(null, true);
    presence.seen('a', true);
    presence.seen('b', true);
    presence.seen('a', false);
    expect(presence.online).toBe(true);
    presence.seen('b', false);
    expect(presence.online).toBe(false);
    presence.seen('a', true);
    expect(presence.online).toBe(true);
  });

  test('a broker met again is judged afresh: nothing seen on the last one counts', () => {
    const presence = new HubPresence();
    presence.seen('a', true);
    presence.reset();
    expect(presence.online).toBe(false);
    presence.seen(null, true);
    expect(presence.online).toBe(true);
  });
});
