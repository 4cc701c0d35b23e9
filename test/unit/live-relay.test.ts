/**
 * The relay's decisions: which live messages are news for the other hubs of a group, and how a
 * message travels in a notification (whole when it fits PostgreSQL's 8000 bytes, else as a row id).
 */
import { describe, expect, test } from '@jest/globals';
import {
  decodeNotice,
  encodeNotice,
  MAX_NOTIFY_BYTES,
  noRelay,
  relays,
  rowNotice,
  startLiveRelay,
} from '../../hub/api/live-relay.js';
import type { LiveMessage } from '../../hub/api/live-socket.js';
import { createLogger } from '../../shared/logger.js';

const event = {
  type: 'event',
  event: { id: 1, roomId: 'ubnd-tinh', type: 'codec.call', ts: '2026-12-06T05:00:00.000Z', data: {} },
} as unknown as LiveMessage;

describe('which live messages relay', () => {
  test.each([
    ['event'],
    ['meeting'],
    ['rehearsal'],
    ['rehearsal-room'],
    ['meeting-verdict'],
    ['escalation'],
    ['incident'],
    ['speak-session'],
  ])('%s happens on one hub: relayed', (type) => {
    expect(relays({ type } as LiveMessage)).toBe(true);
  });

  test.each([['room'], ['snapshot'], ['mcu'], ['speak-state']])(
    '%s happens on every hub: not relayed',
    (type) => {
      expect(relays({ type } as LiveMessage)).toBe(false);
    },
  );
});

describe('notices', () => {
  test('a message that fits travels whole and reads back with its sender', () => {
    const text = encodeNotice('hub-a', event);
    expect(text).not.toBeNull();
    expect(decodeNotice(text!)).toEqual({ from: 'hub-a', message: event });
  });

  test('a message of more than 7999 bytes (counted in UTF-8, not characters) does not fit', () => {
    // Each "ệ" is 3 bytes: fewer than 8000 characters, more than 8000 bytes.
    const big = {
      ...event,
      event: { ...(event as { event: object }).event, data: { text: 'ệ'.repeat(2700) } },
    };
    expect(JSON.stringify({ from: 'hub-a', message: big }).length).toBeLessThan(MAX_NOTIFY_BYTES);
    expect(encodeNotice('hub-a', big as LiveMessage)).toBeNull();
  });

  test('a row notice reads back as the row', () => {
    expect(decodeNotice(rowNotice('hub-b', 42))).toEqual({ from: 'hub-b', row: 42 });
  });

  test.each([
    ['not json'],
    ['null'],
    ['{"message":{"type":"event"}}'],
    ['{"from":"hub-a"}'],
    ['{"from":"hub-a","row":1.5}'],
  ])('%s is not a notice', (payload) => {
    expect(decodeNotice(payload)).toBeNull();
  });
});

test('on SQLite (no PostgreSQL URL) a hub is alone: the relay is nothing', async () => {
  const relay = await startLiveRelay({
    url: '',
    sql: undefined as never,
    deliver: () => {
      throw new Error('nothing to deliver');
    },
    log: createLogger('hub', 'silent'),
  });
  expect(relay).toBe(noRelay);
});
