import { describe, expect, test } from '@jest/globals';
import {
  allRoomsFilter,
  commandFilter,
  commandTopic,
  hubIdOfStatusTopic,
  hubStatusTopic,
  injectTopic,
  parseTopic,
  roomTopic,
  scheduleTopic,
} from '../../shared/topics.js';

describe('topics', () => {
  test('builders follow the contract', () => {
    expect(roomTopic('tinh-uy', 'status')).toBe('hnth/v1/rooms/tinh-uy/status');
    expect(allRoomsFilter('events')).toBe('hnth/v1/rooms/+/events');
    expect(injectTopic('so-tttt')).toBe('hnth/v1/sim/rooms/so-tttt/inject');
    expect(commandTopic('so-tttt', 'power.on')).toBe('hnth/v1/rooms/so-tttt/cmd/power.on');
    expect(commandFilter('so-tttt')).toBe('hnth/v1/rooms/so-tttt/cmd/+');
    expect(scheduleTopic('so-tttt')).toBe('hnth/v1/rooms/so-tttt/schedule');
  });

  test('each hub’s status topic carries its client id, and is read back from the topic', () => {
    expect(hubStatusTopic('hnth-hub-a')).toBe('hnth/v1/hub/hnth-hub-a/status');
    expect(hubIdOfStatusTopic('hnth/v1/hub/hnth-hub-a/status')).toBe('hnth-hub-a');
    for (const other of [
      'hnth/v1/hub/status',
      'hnth/v1/hub/a/b/status',
      'hnth/v1/hub/a/other',
      'x/v1/hub/a/status',
    ]) {
      expect(hubIdOfStatusTopic(other)).toBeUndefined();
    }
    for (const bad of ['', 'a/b', '+', '#', 'x'.repeat(65)]) {
      expect(() => hubStatusTopic(bad)).toThrow(/invalid hub id \(mqtt.clientId\)/);
    }
  });

  test('a command name that would change the topic is refused', () => {
    for (const bad of ['', 'a/b', '+', '#', 'Power', 'x'.repeat(33)]) {
      expect(() => commandTopic('so-tttt', bad)).toThrow(/invalid command name/);
    }
  });

  test('a builder refuses a room id that would change the topic', () => {
    for (const bad of ['', 'a/b', '+', '#', 'Tinh-Uy', 'x'.repeat(65)]) {
      expect(() => roomTopic(bad, 'status')).toThrow(/invalid room id/);
      expect(() => scheduleTopic(bad)).toThrow(/invalid room id/);
    }
  });

  test.each([
    ['hnth/v1/rooms/tinh-uy/telemetry', { kind: 'room', roomId: 'tinh-uy', channel: 'telemetry' }],
    ['hnth/v1/sim/rooms/tinh-uy/inject', { kind: 'inject', roomId: 'tinh-uy' }],
    ['hnth/v1/rooms/tinh-uy/replies', { kind: 'room', roomId: 'tinh-uy', channel: 'replies' }],
    ['hnth/v1/rooms/tinh-uy/cmd/power.off', { kind: 'command', roomId: 'tinh-uy', name: 'power.off' }],
    ['hnth/v1/rooms/tinh-uy/cmd/Power', { kind: 'unknown', reason: 'invalid command name "Power"' }],
    ['hnth/v1/rooms/tinh-uy/schedule', { kind: 'schedule', roomId: 'tinh-uy' }],
    ['hnth/v1/rooms/tinh-uy/secrets', { kind: 'unknown', reason: 'unknown channel "secrets"' }],
    ['hnth/v1/rooms/TINH/status', { kind: 'unknown', reason: 'invalid room id "TINH"' }],
    ['hnth/v1/rooms/tinh-uy/status/extra', { kind: 'unknown', reason: 'topic not in the contract' }],
    ['other/v1/rooms/tinh-uy/status', { kind: 'unknown', reason: 'topic outside hnth/v1/' }],
    ['', { kind: 'unknown', reason: 'topic outside hnth/v1/' }],
  ])('parses %s', (topic, expected) => {
    expect(parseTopic(topic)).toEqual(expected);
  });
});
