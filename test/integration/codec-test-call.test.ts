/**
 * The test call against codecs over HTTP that replay real answers (test/fakes, test/fixtures/real):
 * a Cisco answering from the status an SX20 gave in a real call (and, for the inventory and the
 * health reading, an SX80 on CE 8 and a Room Bar on RoomOS 11), a Studio X30 and a Group Series
 * answering their real conference lists, microphones, cameras and touch controller. Each fake is
 * driven through the four ends a rehearsal meets: the call connects, is rejected, never connects,
 * or connects with heavy loss. The waits are the call's own (connect deadline, measurement), short.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { runTestCall, type TestCallOptions } from '../../agent/call/test-call.js';
import { PolyCodec } from '../../agent/probes/codec-poly.js';
import { XapiCodec } from '../../agent/probes/codec-xapi.js';
import { PolyCall } from '../../agent/probes/poly-call.js';
import { PolyPeripherals } from '../../agent/probes/poly-peripherals.js';
import { XapiCall } from '../../agent/probes/xapi-call.js';
import { XapiPeripherals } from '../../agent/probes/xapi-peripherals.js';
import { systemClock } from '../../shared/clock.js';
import { testCallResult } from '../../shared/schemas.js';
import { CAPTURED_TEST_CALL, type FakePolyCodec, startFakePolyCodec } from '../fakes/fake-poly-codec.js';
import { type FakeXapiCodec, startFakeXapiCodec } from '../fakes/fake-xapi-codec.js';

const options: TestCallOptions = {
  number: CAPTURED_TEST_CALL,
  connectTimeoutMs: 600,
  measureMs: 300,
  sampleMs: 100,
};

describe('Cisco xAPI: the test call on a codec replaying the SX20’s real call', () => {
  let fake: FakeXapiCodec;
  let xapi: XapiCodec;
  beforeAll(async () => {
    fake = await startFakeXapiCodec();
    xapi = new XapiCodec({ url: fake.url, username: 'hnth', password: 'secret', timeoutMs: 1000 });
  });
  beforeEach(() => {
    fake.replay('real/cisco/sx20-ce9.1.4-in-call/status.xml');
    fake.state.callScenario = 'connect';
    fake.state.call = null;
    fake.state.commands = [];
  });
  afterAll(() => fake?.close());

  test('it connects: the figures of the real call, its microphones and speaker, then the hang-up', async () => {
    const r = await runTestCall(new XapiCall(xapi), options, systemClock);
    expect(testCallResult.safeParse(r).success).toBe(true);
    expect(r).toMatchObject({
      outcome: 'connected',
      channels: [
        { media: 'audio', direction: 'incoming', codec: 'AACLD', lossPct: 0, jitterMs: 2 },
        { media: 'audio', direction: 'outgoing', codec: 'AACLD', lossPct: 0 },
        { media: 'video', direction: 'incoming', codec: 'H264', widthPx: 1280, heightPx: 720, frameRate: 30 },
        { media: 'video', direction: 'outgoing', codec: 'H264' },
      ],
      microphones: [
        { name: 'Microphone 1', connected: false, muted: true },
        { name: 'Microphone 2', connected: false, muted: true },
      ],
      speaker: { muted: false, volumePct: 50 },
    });
    expect(r.connectSec).not.toBeNull();
    expect(r.measuredSec).toBeGreaterThanOrEqual(0.3);
    expect(fake.state.commands.at(-1)).toBe(
      '<Command><Call><Disconnect><CallId>26</CallId></Disconnect></Call></Command>',
    );
    expect(fake.state.call).toBeNull();
  });

  test.each([
    ['reject', 'rejected', 'RemoteRejected (Decline 603)'],
    ['busy', 'busy', 'RemoteBusy (Busy Here 486)'],
  ] as const)('the MCU answers %s: the cause from the call history', async (scenario, outcome, detail) => {
    fake.state.callScenario = scenario;
    const r = await runTestCall(new XapiCall(xapi), options, systemClock);
    expect(r).toMatchObject({ outcome, detail, connectSec: null, channels: [] });
  });

  test('it never connects: a timeout naming the state it was left in, and the call hung up', async () => {
    fake.state.callScenario = 'never';
    const r = await runTestCall(new XapiCall(xapi), options, systemClock);
    expect(r).toMatchObject({ outcome: 'timeout', detail: 'not connected within 0.6 s (still Connecting)' });
    expect(fake.state.commands.at(-1)).toMatch(/<Call><Disconnect><CallId>26<\/CallId>/);
  });

  test('it connects with heavy loss on both incoming channels', async () => {
    fake.replay('codec/xapi/sx20-in-call-high-loss.xml');
    const r = await runTestCall(new XapiCall(xapi), options, systemClock);
    expect(r.outcome).toBe('connected');
    expect(r.channels.map((c) => c.lossPct)).toEqual([9.05, 0, 9.08, 0]);
  });

  test('the codec refuses to dial (already in a call): busy, with its reason', async () => {
    fake.state.call = { id: '26', polls: 0 };
    const r = await runTestCall(new XapiCall(xapi), options, systemClock);
    expect(r).toMatchObject({
      outcome: 'busy',
      detail: 'codec refused the command: Max active calls reached',
    });
  });

  test('the inventories of the SX20 and the Room Bar, from their real status', async () => {
    const inventory = new XapiPeripherals(xapi);
    expect(await inventory.peripherals()).toMatchObject({
      ok: true,
      value: {
        devices: [
          { kind: 'camera', name: 'PrecisionHD 1080p 2.5X' },
          { kind: 'display' },
          { kind: 'display' },
        ],
      },
    });
    fake.replay('real/cisco/room-bar-roomos11.19/status.xml');
    const bar = await inventory.peripherals();
    expect(bar.ok && bar.value.devices.map((d) => `${d.kind} ${d.name} ${d.connected}`)).toEqual([
      'touch-panel Cisco Room Navigator true',
      'camera Integrated Camera true',
      'microphone Microphone 1 true',
      'display DELL P2417H true',
      'display Output 2 false',
    ]);
  });

  test('the SX80 on CE 8, over HTTP: healthy and registered; its microphones not reported', async () => {
    fake.replay('real/cisco/sx80-ce8.0.1-in-call/status.xml');
    expect(await xapi.read()).toEqual({
      state: 'up',
      // The fake answers a capture's call only while the room's own test call runs.
      inCall: false,
      registered: true,
      detail: 'ce8.0.1.1e47efe, standby Off',
    });
    const inventory = await new XapiPeripherals(xapi).peripherals();
    expect(inventory.ok && inventory.value.reported).toEqual(['camera', 'touch-panel', 'display']);
    expect(inventory.ok && inventory.value.devices.map((d) => `${d.kind} ${d.name} ${d.connected}`)).toEqual([
      'touch-panel Cisco TelePresence Touch true',
      'camera Precision 60 Camera true',
      'camera Precision 60 Camera true',
      'display SHARP HDMI true',
      'display SHARP HDMI true',
      'display Output 3 false',
    ]);
  });

  test('registration: the SX20 registered; the Room Bar, registered to Webex, neither', async () => {
    expect((await xapi.read()).registered).toBe(true);
    fake.replay('real/cisco/room-bar-roomos11.19/status.xml');
    expect(await xapi.read()).not.toHaveProperty('registered');
  });

  test('a restart is the reference’s SystemUnit Boot', async () => {
    expect(await xapi.restart()).toEqual({ ok: true, value: null });
    expect(fake.state.commands).toEqual([
      '<Command><SystemUnit><Boot><Action>Restart</Action></Boot></SystemUnit></Command>',
    ]);
  });
});

describe.each(['videoos', 'groupseries'] as const)('Poly REST (%s): the test call', (dialect) => {
  let fake: FakePolyCodec;
  let poly: PolyCodec;
  beforeAll(async () => {
    fake = await startFakePolyCodec();
    fake.state.dialect = dialect;
    poly = new PolyCodec({ url: fake.url, username: 'admin', password: 'Polycom12#', timeoutMs: 1000 });
  });
  beforeEach(() => {
    fake.state.callScenario = 'connect';
    fake.state.call = null;
    fake.state.requests = [];
  });
  afterAll(() => fake?.close());

  test('it connects: the conference as the real codec listed it, its statistics, then DELETE', async () => {
    const r = await runTestCall(new PolyCall(poly), options, systemClock);
    expect(testCallResult.safeParse(r).success).toBe(true);
    expect(r).toMatchObject({
      outcome: 'connected',
      channels: [
        { media: 'audio', direction: 'incoming', codec: 'G.722.1C' },
        { media: 'audio', direction: 'outgoing' },
        { media: 'video', direction: 'incoming', heightPx: 720, frameRate: 30, lossPct: 0.1 },
        { media: 'video', direction: 'outgoing' },
      ],
      speaker: { volumePct: 39 },
    });
    expect(r.microphones).toEqual(
      dialect === 'videoos'
        ? [{ name: 'Polycom Kitten Mic', connected: true, muted: true }]
        : [{ name: 'microphones', connected: true, muted: true }],
    );
    expect(fake.state.requests).toContain('DELETE /rest/conferences/0');
  });

  test.each([
    ['reject', 'rejected', 'Q.850 cause 21'],
    ['busy', 'busy', 'Q.850 cause 17'],
  ] as const)('the MCU answers %s: the cause from the call log', async (scenario, outcome, detail) => {
    fake.state.callScenario = scenario;
    const r = await runTestCall(new PolyCall(poly), options, systemClock);
    expect(r).toMatchObject({ outcome, detail: expect.stringContaining(detail) });
  });

  test('it never connects: a timeout, and the call hung up', async () => {
    fake.state.callScenario = 'never';
    const r = await runTestCall(new PolyCall(poly), options, systemClock);
    expect(r).toMatchObject({ outcome: 'timeout', detail: 'not connected within 0.6 s (still CONNECTING)' });
    expect(fake.state.requests).toContain('DELETE /rest/conferences/0');
  });

  test('its peripherals as the real codecs listed them', async () => {
    const inventory = await new PolyPeripherals(poly).peripherals();
    expect(inventory.ok && inventory.value).toEqual(
      dialect === 'videoos'
        ? {
            reported: ['camera', 'microphone', 'touch-panel'],
            devices: [
              { kind: 'camera', name: 'Main', connected: true, integrated: true },
              { kind: 'microphone', name: 'Polycom Kitten Mic', connected: true },
              { kind: 'touch-panel', name: 'Poly TC8', connected: true },
            ],
          }
        : { reported: ['camera'], devices: [] },
    );
  });
});
