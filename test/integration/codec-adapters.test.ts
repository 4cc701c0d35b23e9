/** Both vendor adapters against fake codecs that answer as the vendors' API documentation says. */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { loadAgentConfig } from '../../agent/config.js';
import type { EdgeEvent } from '../../agent/edges.js';
import { PolyCodec } from '../../agent/probes/codec-poly.js';
import { XapiCodec } from '../../agent/probes/codec-xapi.js';
import { roomProbes } from '../../agent/probes/room-probes.js';
import { spawnRunner } from '../../shared/probes/process-runner.js';
import { type FakePolyCodec, startFakePolyCodec } from '../fakes/fake-poly-codec.js';
import { type FakeXapiCodec, startFakeXapiCodec } from '../fakes/fake-xapi-codec.js';

describe('Cisco xAPI adapter', () => {
  let fake: FakeXapiCodec;
  let initial: string;
  const codec = (overrides: Partial<ConstructorParameters<typeof XapiCodec>[0]> = {}) =>
    new XapiCodec({ url: fake.url, username: 'hnth', password: 'secret', timeoutMs: 500, ...overrides });

  beforeAll(async () => {
    fake = await startFakeXapiCodec();
    initial = JSON.stringify(fake.state);
  });
  afterEach(() => Object.assign(fake.state, JSON.parse(initial)));
  afterAll(() => fake?.close());

  test('healthy: up, not in a call, registered, with the software version and standby state', async () => {
    expect(await codec().read()).toEqual({
      state: 'up',
      inCall: false,
      registered: true,
      detail: 'ce11.14.1.5.47f3d6, standby Off',
    });
    const status = await codec().status();
    expect(status).toMatchObject({
      ok: true,
      value: {
        uptimeSec: 86400,
        displays: [
          { id: '1', connected: true },
          { id: '2', connected: false },
        ],
        peripherals: [
          { type: 'TouchPanel', name: 'Cisco Room Navigator', connected: true },
          { type: 'Camera', name: 'Cisco Quad Camera', connected: true },
        ],
      },
    });
  });

  test('peripheral lost: down, naming the camera', async () => {
    fake.state.cameraConnected = false;
    expect(await codec().read()).toEqual({
      state: 'down',
      inCall: false,
      detail: 'Camera Cisco Quad Camera lost',
    });
  });

  test('display disconnected and an expected peripheral missing are named too', async () => {
    fake.state.displayConnected = false;
    const r = await codec({ expectPeripherals: ['Camera', 'AudioMicrophone'] }).read();
    expect(r).toEqual({
      state: 'down',
      inCall: false,
      detail: 'no AudioMicrophone connected, display disconnected',
    });
  });

  test('a Room Kit’s built-in camera counts for expectPeripherals Camera; lost, it is named', async () => {
    fake.state.integratedCamera = true;
    const roomKit = codec({ expectPeripherals: ['Camera'] });
    await expect(roomKit.read()).resolves.toMatchObject({ state: 'up' });
    fake.state.cameraConnected = false;
    await expect(roomKit.read()).resolves.toMatchObject({ state: 'down', detail: 'no Camera connected' });
  });

  test('in call: inCall true, still up', async () => {
    fake.state.inCall = true;
    expect(await codec().read()).toMatchObject({ state: 'up', inCall: true });
  });

  test('auth refused: unreachable, telling which settings to check', async () => {
    const r = await codec({ password: 'wrong' }).read();
    expect(r.state).toBe('unreachable');
    expect(r.detail).toMatch(/credentials refused \(HTTP 401\): check probes\.codec\.username and password/);
  });

  test('slow beyond the timeout: unreachable with the timeout', async () => {
    fake.state.delayMs = 1500;
    const r = await codec({ timeoutMs: 200 }).read();
    expect(r).toMatchObject({ state: 'unreachable', inCall: false });
    expect(r.detail).toMatch(/no complete answer within 200 ms/);
  });

  test('malformed body: unreachable, saying it is not xAPI XML', async () => {
    fake.state.malformed = true;
    const r = await codec().read();
    expect(r.state).toBe('unreachable');
    expect(r.detail).toMatch(/not xAPI XML on \/getxml/);
  });

  test('nothing listening: unreachable with the connection error', async () => {
    const r = await new XapiCodec({
      url: 'http://127.0.0.1:1',
      username: 'a',
      password: 'b',
      timeoutMs: 500,
    }).read();
    expect(r).toMatchObject({ state: 'unreachable' });
    expect(r.detail).toMatch(/ECONNREFUSED/);
  });

  test('Standby Activate and Deactivate change the standby state', async () => {
    expect(await codec().standby(true)).toEqual({ ok: true, value: null });
    expect(fake.state.standby).toBe('Standby');
    expect((await codec().read()).detail).toMatch(/standby Standby$/);
    expect(await codec().standby(false)).toEqual({ ok: true, value: null });
    expect(fake.state.standby).toBe('Off');
    expect(fake.state.commands).toEqual([
      '<Command><Standby><Activate/></Standby></Command>',
      '<Command><Standby><Deactivate/></Standby></Command>',
    ]);
  });

  test('a test Dial places a call; a refused one comes back with the codec’s reason', async () => {
    expect(await codec().dial('mcu@hnth.example')).toEqual({ ok: true, value: { callId: '3' } });
    expect((await codec().read()).inCall).toBe(true);
    expect(await codec().dial('mcu@hnth.example')).toEqual({
      ok: false,
      reason: 'refused',
      detail: 'codec refused the command: Max active calls reached',
    });
  });

  test('a Dial number that could inject XML is refused before anything is sent', async () => {
    const r = await codec().dial('</Number><Standby><Activate/>');
    expect(r).toMatchObject({ ok: false, reason: 'refused' });
    expect(fake.state.commands).toEqual([]);
  });

  test('drift through the configured probes: nothing on an unchanged codec, then the change named once', async () => {
    const config = loadAgentConfig({
      env: { HNTH_ROOM_ID: 'ubnd-yen-son', HNTH_CODEC_KIND: 'xapi', HNTH_CODEC_URL: fake.url },
    });
    Object.assign(config.probes.codec, {
      username: 'hnth',
      password: 'secret',
      intervalSec: 0,
      driftIntervalSec: 0, // every read probes: no cached result between the reads below
      baseline: { 'Audio/DefaultVolume': '50', 'SIP/DisplayName': 'UBND huyen Yen Son' },
    });
    const events: EdgeEvent[] = [];
    const { codec: probe } = roomProbes(config.probes, (e) => events.push(e), spawnRunner);
    expect(await probe!.read()).toMatchObject({ state: 'up' });
    await probe!.read();
    expect(events).toEqual([]);
    fake.state.configuration.defaultVolume = '70';
    await probe!.read();
    await probe!.read();
    expect(events).toEqual([
      {
        type: 'config.drift',
        severity: 'warning',
        data: expect.objectContaining({
          changed: 1,
          keys: 'Audio/DefaultVolume',
          key: 'Audio/DefaultVolume',
          approved: '50',
          found: '70',
        }),
      },
    ]);
  });

  test('configuration values are read by path, indexed items included', async () => {
    const r = await codec().readConfig([
      'Audio/DefaultVolume',
      'Video/Output/Connector[2]/Resolution',
      'No/Such',
    ]);
    expect(r).toEqual({
      ok: true,
      values: {
        'Audio/DefaultVolume': '50',
        'Video/Output/Connector[2]/Resolution': '1920_1080_60',
        'No/Such': null,
      },
    });
  });
});

describe('Cisco xAPI adapter over HTTPS, with the self-signed certificate codecs ship', () => {
  let fake: FakeXapiCodec;
  beforeAll(async () => {
    fake = await startFakeXapiCodec({ tls: true });
  });
  afterAll(() => fake?.close());
  const codec = (insecureTls: boolean) =>
    new XapiCodec({ url: fake.url, username: 'hnth', password: 'secret', timeoutMs: 1000, insecureTls });

  test('refused by default, naming the certificate problem', async () => {
    const r = await codec(false).read();
    expect(r.state).toBe('unreachable');
    expect(r.detail).toMatch(/self[- ]signed certificate/i);
  });

  test('accepted with insecureTls', async () => {
    expect(await codec(true).read()).toMatchObject({ state: 'up' });
  });
});

describe('Poly VideoOS REST adapter', () => {
  let fake: FakePolyCodec;
  let initial: string;
  const codec = (overrides: Partial<ConstructorParameters<typeof PolyCodec>[0]> = {}) =>
    new PolyCodec({ url: fake.url, username: 'admin', password: 'Polycom12#', timeoutMs: 500, ...overrides });

  beforeAll(async () => {
    fake = await startFakePolyCodec();
    initial = JSON.stringify(fake.state);
  });
  afterEach(() => Object.assign(fake.state, JSON.parse(initial)));
  afterAll(() => fake?.close());

  test('healthy: up, not in a call, with model and version', async () => {
    expect(await codec().read()).toEqual({ state: 'up', inCall: false, detail: 'G7500 3.12.0' });
  });

  test('peripheral lost: down, naming the camera status', async () => {
    fake.state.cameraState = 'some_down';
    expect(await codec().read()).toEqual({ state: 'down', inCall: false, detail: 'mr.camera some_down' });
  });

  test('in call: inCall true', async () => {
    fake.state.inCall = true;
    expect(await codec().read()).toMatchObject({ state: 'up', inCall: true });
  });

  test('auth refused: unreachable, telling which settings to check', async () => {
    const r = await codec({ password: 'wrong' }).read();
    expect(r.state).toBe('unreachable');
    expect(r.detail).toMatch(/credentials refused \(HTTP 401\): check probes\.codec\.username and password/);
  });

  test('slow beyond the timeout: unreachable with the timeout', async () => {
    fake.state.delayMs = 1500;
    const r = await codec({ timeoutMs: 200 }).read();
    expect(r).toMatchObject({ state: 'unreachable', inCall: false });
    expect(r.detail).toMatch(/no complete answer within 200 ms/);
  });

  test('malformed body: unreachable, saying it is not JSON', async () => {
    fake.state.malformed = true;
    const r = await codec().read();
    expect(r).toEqual({
      state: 'unreachable',
      inCall: false,
      detail: '/rest/system answered what is not JSON',
    });
  });

  test('a Group Series login is tried when the Studio X one is refused, then kept', async () => {
    fake.state.dialect = 'groupseries';
    try {
      const codec = new PolyCodec({
        url: fake.url,
        username: 'admin',
        password: 'Polycom12#',
        timeoutMs: 2000,
      });
      await expect(codec.read()).resolves.toMatchObject({ state: 'up' });
      fake.expireSessions();
      await expect(codec.read()).resolves.toMatchObject({ state: 'up' });
    } finally {
      fake.state.dialect = 'videoos';
    }
  });

  test('one session serves many probes; an expired one is opened again', async () => {
    const c = codec();
    await c.read();
    await c.read();
    expect(fake.state.logins).toBe(1);
    fake.expireSessions();
    expect((await c.read()).state).toBe('up');
    expect(fake.state.logins).toBe(2);
  });

  test('configuration values are read by name; an unknown name is null', async () => {
    const r = await codec().readConfig(['comm.nics.sipnic.sipusername', 'no.such.key']);
    expect(r).toEqual({
      ok: true,
      values: { 'comm.nics.sipnic.sipusername': 'ubnd-yen-son@hnth.example', 'no.such.key': null },
    });
  });
});
