/**
 * The test call's and the inventory's readers fed the real codecs' answers (test/fixtures/real,
 * SOURCES.md): an SX80 on CE 8.0.1 in a SIP call to an MCU, an SX20 on CE 9.1.4 in a SIP call to a
 * Pexip room, a Room Bar on RoomOS 11.19, Studio X30s on VideoOS 3.10 and 3.12, a Group Series 500
 * on 6.2.2.8. Where no capture exists (a
 * failing call's history, Poly's media statistics) the answers are the references' (fixtures/codec).
 */
import { describe, expect, test } from '@jest/globals';
import { XMLParser } from 'fast-xml-parser';
import { channelLossPct, summariseMedia } from '../../agent/call/media-summary.js';
import { type Node, readXapiStatus, xapiProblems } from '../../agent/probes/codec-xapi.js';
import {
  findPolyCall,
  groupSeriesMicrophones,
  polyEndCause,
  readPolyAudio,
  readPolyMedia,
} from '../../agent/probes/poly-call.js';
import {
  readPolyCameras,
  readPolyMicrophones,
  readPolyTouchControls,
} from '../../agent/probes/poly-peripherals.js';
import {
  readXapiAudio,
  readXapiCallState,
  readXapiDisconnect,
  readXapiMedia,
} from '../../agent/probes/xapi-call.js';
import { readXapiPeripherals, xapiReportedKinds } from '../../agent/probes/xapi-peripherals.js';
import { fixture } from '../fakes/fake-xapi-codec.js';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  isArray: (name) =>
    [
      'Call',
      'ConnectedDevice',
      'Connector',
      'Camera',
      'Channel',
      'Microphone',
      'Entry',
      'Registration',
    ].includes(name),
});
const xml = (path: string) => parser.parse(fixture(path)) as Node;
const json = (path: string) => JSON.parse(fixture(path)) as unknown;
const SX80 = 'real/cisco/sx80-ce8.0.1-in-call/status.xml';
const SX20 = 'real/cisco/sx20-ce9.1.4-in-call/status.xml';
const ROOM_BAR = 'real/cisco/room-bar-roomos11.19/status.xml';
/** The health reading from one whole status document (each subtree is a part of it). */
const health = (doc: Node) =>
  readXapiStatus({
    systemUnit: doc,
    call: doc,
    peripherals: doc,
    video: doc,
    standby: doc,
    cameras: doc,
    sip: doc,
  });

describe('Cisco: the SX20’s real call', () => {
  test('its call is connected under its own id, and gone under another', () => {
    expect(readXapiCallState(xml(SX20), '26')).toBe('Connected');
    expect(readXapiCallState(xml(SX20), '3')).toBeNull();
  });

  test('its audio and main video channels, without the idle presentation and data channels', () => {
    const media = readXapiMedia(xml(SX20), '26');
    expect(
      media.map((c) => [c.media, c.direction, c.codec, c.jitterMs, c.lost, c.received, c.rateKbps]),
    ).toEqual([
      ['audio', 'incoming', 'AACLD', 2, 0, 211, 62],
      ['audio', 'outgoing', 'AACLD', 0, 0, 212, 64],
      ['video', 'incoming', 'H264', 4, 0, 971, 2486],
      ['video', 'outgoing', 'H264', 5, 0, 705, 1653],
    ]);
    expect(media[2]).toMatchObject({ widthPx: 1280, heightPx: 720, frameRate: 30 });
  });

  test('summarised over three readings: no loss, the worst jitter, the negotiated picture', () => {
    const reading = readXapiMedia(xml(SX20), '26');
    expect(summariseMedia([reading, reading, reading])).toEqual([
      { media: 'audio', direction: 'incoming', lossPct: 0, jitterMs: 2, codec: 'AACLD', rateKbps: 62 },
      { media: 'audio', direction: 'outgoing', lossPct: 0, jitterMs: 0, codec: 'AACLD', rateKbps: 64 },
      expect.objectContaining({
        media: 'video',
        direction: 'incoming',
        lossPct: 0,
        widthPx: 1280,
        heightPx: 720,
        frameRate: 30,
      }),
      expect.objectContaining({ media: 'video', direction: 'outgoing', jitterMs: 5 }),
    ]);
  });

  test('the high-loss copy (two last-interval counts raised, fixtures/codec/xapi) reads 9 % lost', () => {
    const media = summariseMedia([readXapiMedia(xml('codec/xapi/sx20-in-call-high-loss.xml'), '26')]);
    expect(media.map((c) => c.lossPct)).toEqual([9.05, 0, 9.08, 0]);
  });

  test('its microphone inputs are empty and muted, its speaker at 50', () => {
    expect(readXapiAudio(xml(SX20))).toEqual({
      microphones: [
        { name: 'Microphone 1', connected: false, muted: true },
        { name: 'Microphone 2', connected: false, muted: true },
      ],
      speaker: { muted: false, volumePct: 50 },
    });
  });
});

describe('Cisco: the SX80’s real call on CE 8.0, a software generation older', () => {
  test('its health: version, uptime, in a call, displays on, awake, registered; nothing wrong', () => {
    const status = health(xml(SX80));
    expect(status).toEqual({
      softwareVersion: 'ce8.0.1.1e47efe',
      uptimeSec: 1390596,
      inCall: true,
      peripherals: [
        { name: 'Cisco TelePresence Touch', type: 'TouchPanel', connected: true },
        { name: 'Precision 60 Camera', type: 'Camera', connected: true },
        { name: 'Precision 60 Camera', type: 'Camera', connected: true },
        { name: 'SpeakerTrack 60', type: 'SpeakerTracker', connected: true },
      ],
      displays: [
        { id: '1', connected: true },
        { id: '2', connected: true },
        { id: '3', connected: false },
      ],
      standby: 'Off',
      registered: true,
    });
    expect(xapiProblems(status, ['Camera', 'TouchPanel'])).toEqual([]);
  });

  test('its call is connected under its own id; the document holds no media channels', () => {
    expect(readXapiCallState(xml(SX80), '62')).toBe('Connected');
    expect(readXapiMedia(xml(SX80), '62')).toEqual([]);
  });

  test('its eight microphone inputs carry no connection status: unknown, not disconnected', () => {
    const audio = readXapiAudio(xml(SX80));
    expect(audio.microphones).toHaveLength(8);
    expect(audio.microphones[0]).toEqual({ name: 'Microphone 1', connected: null, muted: false });
    expect(audio.microphones.every((m) => m.connected === null)).toBe(true);
    expect(audio.speaker).toEqual({ muted: false, volumePct: 70 });
  });

  test('its inventory: panel, two cameras on their own, two displays; microphones not reported', () => {
    expect(readXapiPeripherals(xml(SX80))).toEqual([
      { kind: 'touch-panel', name: 'Cisco TelePresence Touch', connected: true },
      { kind: 'camera', name: 'Precision 60 Camera', connected: true },
      { kind: 'camera', name: 'Precision 60 Camera', connected: true },
      { kind: 'display', name: 'SHARP HDMI', connected: true },
      { kind: 'display', name: 'SHARP HDMI', connected: true },
      { kind: 'display', name: 'Output 3', connected: false },
    ]);
    expect(xapiReportedKinds(xml(SX80))).toEqual(['camera', 'touch-panel', 'display']);
    // CE 9 and RoomOS 11 say whether each input has a microphone.
    expect(xapiReportedKinds(xml(SX20))).toContain('microphone');
    expect(xapiReportedKinds(xml(ROOM_BAR))).toContain('microphone');
  });
});

describe('Cisco: the inventories of two real rooms', () => {
  test('SX20: its camera on the camera input counts as the room’s; two outputs, one display on', () => {
    expect(readXapiPeripherals(xml(SX20))).toEqual([
      { kind: 'camera', name: 'PrecisionHD 1080p 2.5X', connected: true, integrated: true },
      { kind: 'display', name: 'VA2251 SERIES', connected: true },
      { kind: 'display', name: 'Output 2', connected: false },
    ]);
  });

  test('Room Bar: its navigator, its built-in camera, one microphone, its display', () => {
    expect(readXapiPeripherals(xml(ROOM_BAR))).toEqual([
      { kind: 'touch-panel', name: 'Cisco Room Navigator', connected: true },
      { kind: 'camera', name: 'Integrated Camera', connected: true, integrated: true },
      { kind: 'microphone', name: 'Microphone 1', connected: true },
      { kind: 'display', name: 'DELL P2417H', connected: true },
      { kind: 'display', name: 'Output 2', connected: false },
    ]);
  });
});

describe('Cisco: why a call ended, from the call history (the reference’s form)', () => {
  test.each([
    ['codec/xapi/callhistory-rejected.xml', 'rejected', 'RemoteRejected (Decline 603)'],
    ['codec/xapi/callhistory-busy.xml', 'busy', 'RemoteBusy (Busy Here 486)'],
  ])('%s', (file, cause, detail) => {
    const result = (xml(file).Command as Node).CallHistoryGetResult as Node;
    expect(readXapiDisconnect(result)).toEqual({ cause, detail });
  });

  test('no entry: the codec’s own failure', () => {
    expect(readXapiDisconnect({})).toMatchObject({ cause: 'codec-error' });
  });
});

describe('Poly: real answers', () => {
  test('the X30’s call to its test conference is found by the address dialled', () => {
    const inCall = json('real/poly/studio-x30-3.10.0/conferences-in-call.json');
    expect(findPolyCall(inCall, 'testcall@video.mividas.com')).toEqual({
      conferenceId: '0',
      state: 'CONNECTED',
    });
    expect(findPolyCall(inCall, 'someone@else')).toBeNull();
  });

  test('a call ringing in is not the one the room placed', () => {
    const ringing = json('real/poly/studio-x30-3.10.0/conferences-incoming-ringing.json');
    expect(findPolyCall(ringing, 'hdx9000@video.mividas.com')).toBeNull();
  });

  test('the Group Series’ idle list (a pending conference) holds no call', () => {
    expect(
      findPolyCall(
        json('real/poly/group-series-500-6.2.2.8/conferences-idle.json'),
        'testcall@video.mividas.com',
      ),
    ).toBeNull();
  });

  test.each([
    [{ causeCode: 17 }, 'busy'],
    [{ causeCode: 21 }, 'rejected'],
    [{ causeCode: 19 }, 'timeout'],
    [{ causeCode: 1 }, 'rejected'],
    [{}, 'codec-error'],
  ])('call log %j: %s', (entry, cause) => {
    expect(polyEndCause(entry).cause).toBe(cause);
  });

  test('the real call log’s missed calls end with cause 16, normal clearing', () => {
    const log = json('real/poly/group-series-500-6.2.2.8/calllog-entries.json') as unknown[];
    expect(polyEndCause(log[3])).toEqual({
      cause: 'ended',
      detail: 'Q.850 cause 16 calling hdx9000@video.mividas.com',
    });
  });

  test('media statistics in the reference’s form: sound and picture, loss as the codec computed it', () => {
    const media = summariseMedia([readPolyMedia(json('codec/poly/mediastats-in-call.json'))]);
    expect(media).toEqual([
      { media: 'audio', direction: 'incoming', lossPct: 0, jitterMs: 3, codec: 'G.722.1C', rateKbps: 48 },
      { media: 'audio', direction: 'outgoing', lossPct: 0, jitterMs: 1, codec: 'G.722.1C', rateKbps: 48 },
      {
        media: 'video',
        direction: 'incoming',
        lossPct: 0.1,
        jitterMs: 6,
        codec: 'H.264',
        rateKbps: 1800,
        widthPx: 1280,
        heightPx: 720,
        frameRate: 30,
      },
      {
        media: 'video',
        direction: 'outgoing',
        lossPct: 0,
        jitterMs: 4,
        codec: 'H.264',
        rateKbps: 1850,
        widthPx: 1280,
        heightPx: 720,
        frameRate: 30,
      },
    ]);
  });

  test('the X30 3.12’s microphone and audio state: one microphone, the room muted, volume 39', () => {
    const audio = readPolyAudio(
      json('real/poly/studio-x30-3.12.0/audio.json'),
      json('real/poly/studio-x30-3.12.0/audio-microphones.json'),
    );
    expect(audio).toEqual({
      microphones: [{ name: 'Polycom Kitten Mic', connected: true, muted: true }],
      speaker: { muted: null, volumePct: 39 },
    });
  });

  test('the Group Series’ microphones are one status, up', () => {
    expect(
      groupSeriesMicrophones(json('real/poly/group-series-500-6.2.2.8/system-status.json'), false),
    ).toEqual([{ name: 'microphones', connected: true, muted: false }]);
  });

  test('cameras: the X30’s built-in one connected; the Group Series’ main camera not connected', () => {
    expect(readPolyCameras(json('real/poly/studio-x30-3.10.0/cameras-near-all.json'))).toEqual([
      { kind: 'camera', name: 'Main', connected: true, integrated: true },
    ]);
    expect(readPolyCameras(json('real/poly/group-series-500-6.2.2.8/cameras-near-all.json'))).toEqual([]);
  });

  test('the touch controllers of two X30s, and the 3.12 one’s microphone', () => {
    expect(readPolyTouchControls(json('real/poly/studio-x30-3.10.0/devicemanagement-devices.json'))).toEqual([
      { kind: 'touch-panel', name: 'Poly TC8', connected: true },
    ]);
    expect(readPolyTouchControls(json('real/poly/studio-x30-3.12.0/devicemanagement-devices.json'))).toEqual([
      { kind: 'touch-panel', name: 'Poly TC8', connected: true },
    ]);
    expect(readPolyMicrophones(json('real/poly/studio-x30-3.12.0/audio-microphones.json'))).toEqual([
      { kind: 'microphone', name: 'Polycom Kitten Mic', connected: true },
    ]);
  });
});

describe('loss over a measurement', () => {
  test.each([
    [
      'counted intervals',
      [
        { lost: 1, received: 99 },
        { lost: 3, received: 97 },
      ],
      2,
    ],
    ['shares the codec computed', [{ lossPct: 1 }, { lossPct: 3 }], 2],
    ['counts of nothing received', [{ lost: 0, received: 0 }], 0],
    ['nothing reported', [{}], null],
  ])('%s', (_name, readings, loss) => {
    const samples = readings.map((r) => ({
      id: 'a',
      media: 'audio' as const,
      direction: 'incoming' as const,
      codec: null,
      jitterMs: null,
      rateKbps: null,
      ...r,
    }));
    expect(channelLossPct(samples)).toBe(loss);
  });
});
