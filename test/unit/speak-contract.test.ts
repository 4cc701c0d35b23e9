import { describe, expect, test } from '@jest/globals';
import { loadAgentConfig } from '../../agent/config.js';
import { FleetState } from '../../hub/fleet-state.js';
import { Ingest } from '../../hub/ingest/ingest.js';
import { defaultThresholds } from '../../hub/readiness.js';
import { rooms } from '../../shared/fleet.js';
import { createLogger } from '../../shared/logger.js';
import { decodeMessage, type SpeakMessage } from '../../shared/schemas.js';
import { allRoomsFilter, parseTopic, roomTopic, speakStateTopic } from '../../shared/topics.js';

const ts = '2026-11-30T03:00:00.000Z';

describe('speak requests on the wire', () => {
  test('topics: the room publishes on speak, the hub on speak-state', () => {
    expect(roomTopic('so-y-te', 'speak')).toBe('hnth/v1/rooms/so-y-te/speak');
    expect(allRoomsFilter('speak')).toBe('hnth/v1/rooms/+/speak');
    expect(speakStateTopic('so-y-te')).toBe('hnth/v1/rooms/so-y-te/speak-state');
    expect(parseTopic('hnth/v1/rooms/so-y-te/speak')).toEqual({
      kind: 'room',
      roomId: 'so-y-te',
      channel: 'speak',
    });
    expect(parseTopic('hnth/v1/rooms/so-y-te/speak-state')).toEqual({
      kind: 'speak-state',
      roomId: 'so-y-te',
    });
    expect(() => speakStateTopic('a/b')).toThrow(/invalid room id/);
  });

  test.each([
    [{ v: 1, action: 'request', ts }, true, ''],
    [{ v: 1, action: 'cancel', ts }, true, ''],
    [{ v: 1, action: 'shout', ts }, false, 'action'],
    [{ v: 1, action: 'request' }, false, 'ts'],
    [{ v: 1, action: 'request', ts, roomId: 'x' }, false, '(message)'],
  ])('speak message %j', (message, ok, where) => {
    const d = decodeMessage('speak', JSON.stringify(message));
    expect(d.ok).toBe(ok);
    if (!d.ok) expect(d.reason.startsWith(where)).toBe(true);
  });

  test.each([
    [{ v: 1, ts, state: 'waiting', position: 2, hostRoomId: 'ubnd-tinh' }, true],
    [{ v: 1, ts, state: 'idle' }, true],
    [{ v: 1, ts, state: 'waiting', position: 0 }, false],
    [{ v: 1, ts, state: 'speaking' }, false],
  ])('speak-state message %j', (message, ok) => {
    expect(decodeMessage('speak-state', JSON.stringify(message)).ok).toBe(ok);
  });

  test('inject presses the speak button with speak: true only', () => {
    expect(decodeMessage('inject', '{"speak": true}').ok).toBe(true);
    expect(decodeMessage('inject', '{"speak": false}').ok).toBe(false);
  });

  test('ingest routes a valid speak message to its sink and counts a bad one', () => {
    const got: [string, SpeakMessage][] = [];
    const ingest = new Ingest(
      new FleetState(rooms, defaultThresholds),
      {
        event: () => true,
        reply: () => {},
        telemetry: () => {},
        speak: (roomId, m) => got.push([roomId, m]),
      },
      createLogger('test', 'silent'),
    );
    const send = (room: string, body: unknown) =>
      ingest.handle(`hnth/v1/rooms/${room}/speak`, Buffer.from(JSON.stringify(body)));
    expect(send('so-y-te', { v: 1, action: 'request', ts })).toBeNull();
    expect(send('so-y-te', { v: 1, action: 'louder', ts })).toBe('schema');
    expect(send('atlantis', { v: 1, action: 'request', ts })).toBe('unknown-room');
    expect(got).toEqual([['so-y-te', { v: 1, action: 'request', ts }]]);
  });
});

describe('speak button configuration', () => {
  const base = { HNTH_ROOM_ID: 'so-y-te' };
  test('defaults to no button; a line, polarity and debounce can be set', () => {
    expect(loadAgentConfig({ env: base }).speakButton).toEqual({ line: '', activeLow: true, debounceMs: 50 });
    expect(loadAgentConfig({ env: { ...base, HNTH_SPEAK_BUTTON_LINE: 'GPIO27' } }).speakButton.line).toBe(
      'GPIO27',
    );
  });
  test('a line that is not a board line name is refused, naming the key', () => {
    expect(() => loadAgentConfig({ env: { ...base, HNTH_SPEAK_BUTTON_LINE: 'pin 13' } })).toThrow(
      /speakButton\.line: must be a header line GPIO0 to GPIO27/,
    );
  });
});
