/**
 * The hub's live bus: a part's news reaches this hub's sockets, the relay and the parts that react
 * to it; another hub's news the sockets and the parts keeping their view of the group (`fromGroup`),
 * never the others (its parts reacted where it happened); what this hub read back from the store,
 * its sockets only.
 */
import { expect, test } from '@jest/globals';
import { LiveBus } from '../../hub/api/live-bus.js';
import { noRelay } from '../../hub/api/live-relay.js';
import type { LiveMessage } from '../../hub/api/live-socket.js';

const event = {
  type: 'event',
  event: { id: 1, roomId: 'ubnd-tinh', type: 'codec.call', ts: '2026-12-06T05:00:00.000Z', data: {} },
} as unknown as LiveMessage;
const meeting = { type: 'meeting', change: 'booked', meeting: { id: 'm1' } } as unknown as LiveMessage;

function attached() {
  const bus = new LiveBus();
  const shown: LiveMessage[] = [];
  const told: LiveMessage[] = [];
  bus.attach(
    { broadcast: (m) => shown.push(m), clientCount: 3 },
    { ...noRelay, publish: (m) => told.push(m) },
  );
  return { bus, shown, told };
}

test('this hub’s news reaches its sockets, the relay and the parts reacting to that type only', () => {
  const { bus, shown, told } = attached();
  const heard: LiveMessage[] = [];
  bus.on('meeting', (m) => heard.push(m));
  bus.broadcast(event);
  bus.broadcast(meeting);
  expect(shown).toEqual([event, meeting]);
  expect(told).toEqual([event, meeting]);
  expect(heard).toEqual([meeting]);
  expect(bus.clientCount).toBe(3);
});

test('another hub’s news is shown here, neither relayed again nor reacted to', () => {
  const { bus, shown, told } = attached();
  const heard: LiveMessage[] = [];
  bus.on('meeting', (m) => heard.push(m));
  bus.deliver(meeting);
  expect(shown).toEqual([meeting]);
  expect(told).toEqual([]);
  expect(heard).toEqual([]);
});

test('another hub’s news reaches the parts keeping their view of the group, and only them', () => {
  const { bus, shown, told } = attached();
  const own: LiveMessage[] = [];
  const group: LiveMessage[] = [];
  bus.on('event', (m) => own.push(m));
  bus.fromGroup('event', (m) => group.push(m));
  bus.deliver(event);
  bus.deliver(meeting);
  expect(shown).toEqual([event, meeting]);
  expect(told).toEqual([]);
  expect(own).toEqual([]);
  expect(group).toEqual([event]);
  // This hub's own news is not the group's: the part heard it where it happened.
  bus.broadcast(event);
  expect(group).toEqual([event]);
});

test('what this hub found in the store is shown on its sockets only: the group and its parts had it', () => {
  const { bus, shown, told } = attached();
  const heard: LiveMessage[] = [];
  bus.on('meeting', (m) => heard.push(m));
  bus.fromGroup('meeting', (m) => heard.push(m));
  bus.show(meeting);
  expect(shown).toEqual([meeting]);
  expect(told).toEqual([]);
  expect(heard).toEqual([]);
});

test('before the sockets exist, the parts still hear the news and nobody is counted', () => {
  const bus = new LiveBus();
  const heard: LiveMessage[] = [];
  bus.on('event', (m) => heard.push(m));
  bus.broadcast(event);
  expect(heard).toEqual([event]);
  expect(bus.clientCount).toBe(0);
});

test('the parts that must not miss the group’s news hear each time the relay listens again', () => {
  const { bus } = attached();
  let resumed = 0;
  bus.onRelayResumed(() => resumed++);
  bus.relayResumed();
  bus.relayResumed();
  expect(resumed).toBe(2);
});
