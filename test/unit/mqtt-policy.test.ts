import { describe, expect, test } from '@jest/globals';
import { mosquittoAcl } from '../../hub/security/mosquitto-export.js';
import {
  accountsOf,
  filterWithin,
  HUB_ACCOUNT,
  identityOf,
  type MqttIdentity,
  mayPublish,
  maySubscribe,
} from '../../hub/security/mqtt-policy.js';
import { builtInFleet, Fleet } from '../../shared/fleet.js';

const hub: MqttIdentity = { kind: 'hub' };
const a: MqttIdentity = { kind: 'room', roomId: 'tinh-uy' };
const prod = { simInject: false };
const demo = { simInject: true };

describe('the broker policy', () => {
  test.each([
    [a, 'hnth/v1/rooms/tinh-uy/status', prod, true],
    [a, 'hnth/v1/rooms/tinh-uy/telemetry', prod, true],
    [a, 'hnth/v1/rooms/tinh-uy/events', prod, true],
    [a, 'hnth/v1/rooms/tinh-uy/replies', prod, true],
    [a, 'hnth/v1/rooms/tinh-uy/speak', prod, true],
    [a, 'hnth/v1/rooms/hdnd-tinh/events', prod, false],
    [a, 'hnth/v1/rooms/tinh-uy/cmd/power.off', prod, false],
    [a, 'hnth/v1/rooms/hdnd-tinh/cmd/power.off', prod, false],
    [a, 'hnth/v1/rooms/tinh-uy/schedule', prod, false],
    [a, 'hnth/v1/rooms/tinh-uy/status/extra', prod, false],
    [a, 'hnth/v1/sim/rooms/tinh-uy/inject', demo, false],
    [a, 'hnth/v1/rooms/+/events', prod, false],
    [a, '$SYS/broker/x', prod, false],
    [a, 'hnth/v1/hub/status', prod, false],
    [a, 'hnth/v1/hub/hnth-hub-a/status', prod, false],
    [hub, 'hnth/v1/rooms/tinh-uy/cmd/power.off', prod, true],
    [hub, 'hnth/v1/rooms/tinh-uy/schedule', prod, true],
    [hub, 'hnth/v1/rooms/tinh-uy/events', prod, false],
    [hub, 'hnth/v1/rooms/tinh-uy/status', prod, false],
    [hub, 'hnth/v1/sim/rooms/tinh-uy/inject', prod, false],
    [hub, 'hnth/v1/sim/rooms/tinh-uy/inject', demo, true],
    [hub, 'hnth/v1/rooms/+/cmd/x', prod, false],
    [hub, 'hnth/v1/hub/status', prod, true],
    [hub, 'hnth/v1/hub/hnth-hub-a/status', prod, true],
    [hub, 'hnth/v1/hub/hnth-hub-a/other', prod, false],
  ])('%o publishing on %s (%o): %s', (who, topic, options, allowed) => {
    expect(mayPublish(who, topic, options).allowed).toBe(allowed);
  });

  test.each([
    [a, 'hnth/v1/rooms/tinh-uy/cmd/+', prod, true],
    [a, 'hnth/v1/rooms/tinh-uy/cmd/ping', prod, true],
    [a, 'hnth/v1/rooms/tinh-uy/schedule', prod, true],
    [a, 'hnth/v1/rooms/tinh-uy/cmd/#', prod, false],
    [a, 'hnth/v1/rooms/hdnd-tinh/cmd/+', prod, false],
    [a, 'hnth/v1/rooms/+/cmd/+', prod, false],
    [a, 'hnth/v1/rooms/+/schedule', prod, false],
    [a, 'hnth/v1/#', prod, false],
    [a, '#', prod, false],
    [a, 'hnth/v1/rooms/hdnd-tinh/events', prod, false],
    [a, 'hnth/v1/sim/rooms/tinh-uy/inject', prod, false],
    [a, 'hnth/v1/sim/rooms/tinh-uy/inject', demo, true],
    [a, 'hnth/v1/sim/rooms/hdnd-tinh/inject', demo, false],
    [a, 'hnth/v1/hub/+/status', prod, true],
    [a, 'hnth/v1/hub/status', prod, true],
    [a, 'hnth/v1/hub/#', prod, false],
    [hub, 'hnth/v1/rooms/+/events', prod, true],
    [hub, 'hnth/v1/#', prod, true],
    [hub, '#', prod, false],
    [hub, '$SYS/#', prod, false],
  ])('%o subscribing to %s (%o): %s', (who, filter, options, allowed) => {
    expect(maySubscribe(who, filter, options).allowed).toBe(allowed);
  });

  test.each([
    ['a/b', 'a/b', true],
    ['a/+', 'a/#', true],
    ['a/#', 'a/#', true],
    ['a', 'a/#', true],
    ['a/#', 'a/+', false],
    ['a/+', 'a/b', false],
    ['a/b/c', 'a/+', false],
    ['a/b', 'a/+/c', false],
    ['+/b', 'a/b', false],
  ])('filter %s within %s: %s', (filter, pattern, within) => {
    expect(filterWithin(filter, pattern)).toBe(within);
  });

  test('usernames: the hub’s account, a fleet room, nobody else', () => {
    expect(identityOf(HUB_ACCOUNT, builtInFleet)).toEqual({ kind: 'hub' });
    expect(identityOf('tinh-uy', builtInFleet)).toEqual({ kind: 'room', roomId: 'tinh-uy' });
    expect(identityOf('not-a-room', builtInFleet)).toBeNull();
    expect(identityOf('', builtInFleet)).toBeNull();
  });

  test('the accounts are the fleet served: a fleet file’s rooms have them, rooms not in it do not', () => {
    const fleet = new Fleet([
      { no: 29, id: 'ubnd-bac-me', name: 'UBND huyện Bắc Mê', nameEn: 'Bac Me District', kind: 'district' },
    ]);
    expect(identityOf('ubnd-bac-me', fleet)).toEqual({ kind: 'room', roomId: 'ubnd-bac-me' });
    expect(identityOf('tinh-uy', fleet)).toBeNull();
    expect(identityOf(HUB_ACCOUNT, fleet)).toEqual({ kind: 'hub' });
    expect(accountsOf(fleet)).toEqual([{ kind: 'hub' }, { kind: 'room', roomId: 'ubnd-bac-me' }]);
    expect(mosquittoAcl(accountsOf(fleet), prod).match(/^user .*/gm)).toEqual([
      'user hnth-hub',
      'user ubnd-bac-me',
    ]);
  });

  test('each hub of a group has its own account, with the hub’s rights and only its own status', () => {
    const hubA: MqttIdentity = { kind: 'hub', account: 'hnth-hub-a' };
    expect(identityOf('hnth-hub-a', builtInFleet)).toEqual(hubA);
    expect(identityOf('hnth-hub-', builtInFleet)).toBeNull();
    expect(identityOf('hnth-hub-A', builtInFleet)).toBeNull();
    const may = (topic: string) => mayPublish(hubA, topic, prod).allowed;
    expect(may('hnth/v1/rooms/tinh-uy/cmd/power.off')).toBe(true);
    expect(may('hnth/v1/hub/hnth-hub-a/status')).toBe(true);
    expect(may('hnth/v1/hub/status')).toBe(true);
    expect(may('hnth/v1/hub/hnth-hub-b/status')).toBe(false);
    expect(maySubscribe(hubA, 'hnth/v1/rooms/+/events', prod)).toEqual({ allowed: true });
    // The group's hubs issued a password each have a block; the hub's own is not written twice.
    const accounts = accountsOf(builtInFleet, ['hnth-hub', 'hnth-hub-a', 'hnth-hub-b', 'tinh-uy']);
    const acl = mosquittoAcl(accounts, prod);
    expect(acl.match(/^user .*/gm)!.slice(0, 4)).toEqual([
      'user hnth-hub',
      'user hnth-hub-a',
      'user hnth-hub-b',
      'user tinh-uy',
    ]);
    const block = acl.split('\n\n').find((b) => b.startsWith('user hnth-hub-b\n'))!;
    expect(block).toContain('topic write hnth/v1/hub/hnth-hub-b/status');
    expect(block).not.toContain('hnth/v1/hub/+/status');
  });

  test('the Mosquitto ACL is written from the same rules, with nothing for anonymous clients', () => {
    const acl = mosquittoAcl(accountsOf(builtInFleet), prod);
    const lines = acl.split('\n');
    const firstUser = lines.findIndex((l) => l.startsWith('user '));
    expect(lines.slice(0, firstUser).filter((l) => l.startsWith('topic'))).toEqual([]);
    const block = acl.split('\n\n').find((b) => b.startsWith('user tinh-uy\n'))!;
    expect(block.split('\n')).toEqual([
      'user tinh-uy',
      'topic write hnth/v1/rooms/tinh-uy/status',
      'topic write hnth/v1/rooms/tinh-uy/telemetry',
      'topic write hnth/v1/rooms/tinh-uy/events',
      'topic write hnth/v1/rooms/tinh-uy/replies',
      'topic write hnth/v1/rooms/tinh-uy/speak',
      'topic read hnth/v1/rooms/tinh-uy/cmd/+',
      'topic read hnth/v1/rooms/tinh-uy/schedule',
      'topic read hnth/v1/rooms/tinh-uy/speak-state',
      'topic read hnth/v1/rooms/tinh-uy/acks',
      'topic read hnth/v1/hub/+/status',
      'topic read hnth/v1/hub/status',
    ]);
    expect(acl).not.toContain('inject');
    expect(mosquittoAcl(accountsOf(builtInFleet), demo)).toContain('topic write hnth/v1/sim/rooms/+/inject');
    expect(acl.match(/^user /gm)).toHaveLength(29);
  });
});
