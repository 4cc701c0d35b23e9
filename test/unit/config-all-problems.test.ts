import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { type AgentConfig, loadAgentConfig } from '../../agent/config.js';
import { type HubConfig, loadHubConfig } from '../../hub/config.js';
import { defaultThresholds } from '../../hub/readiness.js';
import { ConfigError } from '../../shared/config-file.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
afterAll(() => dir.remove());
let n = 0;

function file(content: object): string {
  const p = path.join(dir.path, `config-${n++}.json`);
  writeFileSync(p, JSON.stringify(content));
  return p;
}

/** The lines of the ConfigError that loading throws, after its first line naming the source. */
function problems(load: () => unknown): string[] {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const [head, ...lines] = (err as Error).message.split('\n');
    expect(head).toMatch(/^invalid configuration \(/);
    return lines.map((l) => l.trim());
  }
  throw new Error('the configuration loaded');
}

describe('the hub’s thresholds have a real schema', () => {
  test('a file sets one limit deep inside; every other keeps its default', () => {
    const c = loadHubConfig({
      file: file({ thresholds: { tempC: { degraded: { max: 30 } }, lossPct: { notReady: 8 } } }),
      env: {},
    });
    expect(c.thresholds).toEqual({
      ...defaultThresholds,
      tempC: { ...defaultThresholds.tempC, degraded: { min: 16, max: 30 } },
      lossPct: { degraded: 1, notReady: 8 },
    });
  });

  test.each([
    [
      { lossPct: { degraded: 'banana' } },
      /^thresholds\.lossPct\.degraded: must be a number from 0 to 100: value was "banana"$/,
    ],
    [
      { lossPct: { degradd: 2 } },
      /^configuration param 'thresholds\.lossPct\.degradd' not declared in the schema; did you mean thresholds\.lossPct\.degraded\?$/,
    ],
    [
      { staleAfterSecs: 30 },
      /^configuration param 'thresholds\.staleAfterSecs' not declared.*did you mean thresholds\.staleAfterSec\?$/,
    ],
    [{ lossPct: 3 }, /^thresholds\.lossPct: must be an object of settings: value was 3$/],
    [{ upsCriticalPct: 130 }, /^thresholds\.upsCriticalPct: must be a number from 0 to 100: value was 130$/],
    [
      { jitterMs: { degraded: 120 } },
      /^thresholds\.jitterMs: degraded \(120\) must not be above notReady \(100\)$/,
    ],
    [
      { humidityPct: { notReady: { min: 40 } } },
      /^thresholds\.humidityPct: the notReady band \(40 to 85\) must hold the degraded band \(30 to 75\)$/,
    ],
    [
      { tempC: { degraded: { min: 33 } } },
      /^thresholds\.tempC\.degraded: min \(33\) must be below max \(32\)$/,
    ],
  ])('%j is refused, naming the key', (thresholds, message) => {
    const lines = problems(() => loadHubConfig({ file: file({ thresholds }), env: {} }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  test('the test call’s limits too: checked, deep-merged, a misspelt one refused', () => {
    const c = loadHubConfig({ file: file({ testCall: { limits: { rttMs: { fail: 900 } } } }), env: {} });
    expect(c.testCall.limits.rttMs).toEqual({ marginal: 300, fail: 900 });
    expect(c.testCall.limits.frameRate).toEqual({ marginal: 25, fail: 15 });
    expect(
      problems(() =>
        loadHubConfig({
          file: file({ testCall: { limits: { frameRates: 10, heightPx: { fail: 800 } } } }),
          env: {},
        }),
      ),
    ).toEqual([
      "configuration param 'testCall.limits.frameRates' not declared in the schema; did you mean testCall.limits.frameRate?",
      'testCall.limits.heightPx: fail (800) must be below marginal (720)',
    ]);
  });
});

test('a room’s own peripherals and test conference load from a file (a map is one value, not a group)', () => {
  const c = loadHubConfig({
    file: file({
      peripherals: { rooms: { 'tinh-uy': { cameras: 2 } } },
      testCall: { roomDialStrings: { 'tinh-uy': '1001@mcu.tuyenquang.gov.vn' } },
    }),
    env: {},
  });
  expect(c.peripherals.rooms).toEqual({ 'tinh-uy': { cameras: 2 } });
  expect(c.testCall.roomDialStrings).toEqual({ 'tinh-uy': '1001@mcu.tuyenquang.gov.vn' });
  expect(
    problems(() =>
      loadHubConfig({ file: file({ peripherals: { rooms: { 'no-such-room': { cameras: 2 } } } }), env: {} }),
    ),
  ).toEqual(['peripherals.rooms: no room "no-such-room" in the fleet']);
});

describe('every problem of a configuration in one error', () => {
  test('the hub: an unknown key, bad values, a misspelt threshold, "banana" as a limit, broken rules', () => {
    const lines = problems(() =>
      loadHubConfig({
        file: file({
          colour: 'red',
          http: { port: 99999 },
          schedule: { recheckMin: 0 },
          thresholds: {
            lossPct: { notReady: 'banana' },
            latncyMs: { degraded: 100 },
            jitterMs: { degraded: 200 },
          },
          notify: {
            operatorEmails: ['noc@stttt.gov.vn', 'not an address', 'nor this'],
            webhooks: [
              { url: 'ftp://x', minSeverity: 'warning' },
              { url: 'https://y', minSeverity: 'loud' },
            ],
          },
          peripherals: { rooms: { 'tinh-uy': { cameras: 20, speakers: 2 } } },
          mqtt: { tls: { certFile: '/etc/hnth/server.crt' } },
        }),
        env: {},
      }),
    );
    const expected = [
      /^http\.port: /,
      /^schedule\.recheckMin: must be a number greater than 0: value was 0$/,
      /^thresholds\.lossPct\.notReady: must be a number from 0 to 100: value was "banana"$/,
      /^notify\.operatorEmails: "not an address" is not an email address; "nor this" is not an email address/,
      /^notify\.webhooks: \[0\]\.url must be an http\(s\) URL; \[1\]\.minSeverity must be one of info, warning, critical$/,
      /^peripherals\.rooms: "tinh-uy"\.cameras: 20 is not a whole number from 0 to 16; "tinh-uy"\.speakers: not one of cameras/,
      /^configuration param 'colour' not declared in the schema$/,
      /^configuration param 'thresholds\.latncyMs\.degraded' not declared in the schema; did you mean thresholds\.latencyMs\?$/,
      /^mqtt\.tls\.certFile and mqtt\.tls\.keyFile go together/,
      /^thresholds\.jitterMs: degraded \(200\) must not be above notReady \(100\)$/,
    ];
    expect(lines).toHaveLength(expected.length);
    expect(lines).toEqual(expect.arrayContaining(expected.map((pattern) => expect.stringMatching(pattern))));
  });

  test('a rule across keys does not run on a value its format refused, so nothing is reported twice', () => {
    const lines = problems(() =>
      loadHubConfig({
        file: file({ thresholds: { lossPct: { degraded: 'banana', notReady: 3 } } }),
        env: {},
      }),
    );
    expect(lines).toEqual([
      'thresholds.lossPct.degraded: must be a number from 0 to 100: value was "banana"',
    ]);
  });

  test('secrets are named, never shown', () => {
    const text = problems(() =>
      loadHubConfig({
        file: file({
          mqtt: { password: 12345678 },
          store: { url: 'mysql://hnth:hunter2@db:3306/hnth' },
          metrics: { token: 'short secret' },
          notify: {
            smtp: { password: 987654321 },
            webhooks: [{ url: 'https://hooks.example/T0K3N', minSeverity: 'x' }],
          },
        }),
        env: {},
      }),
    ).join('\n');
    for (const key of [
      'mqtt.password',
      'store.url',
      'metrics.token',
      'notify.smtp.password',
      'notify.webhooks',
    ])
      expect(text).toContain(`${key}: `);
    for (const secret of ['12345678', 'hunter2', 'short secret', '987654321', 'T0K3N'])
      expect(text).not.toContain(secret);
  });

  test('the agent: bad outputs, sequences naming no output, sensors upside down, an unknown key, all at once', () => {
    const relay = { name: 'display', kind: 'relay', line: 'GPIO17', activeLow: true, ratedW: 180 };
    const lines = problems(() =>
      loadAgentConfig({
        file: file({
          roomId: 'tinh-uy',
          telemetryIntervalSec: 'often',
          power: {
            outputs: [
              relay,
              { ...relay, name: 'amp', line: 'GPIO40', ratedW: -1 },
              { name: 'Fan', kind: 'plug', ratedW: 5 },
            ],
            onSequence: [{ output: 'display' }, { sleep: 3 }],
          },
          sensors: { thresholds: { tempC: { min: 30, max: 20 }, samples: 4, window: 3 }, fan: true },
          mqtt: { url: 'hub:1883' },
        }),
        env: {},
      }),
    );
    const expected = [
      /^telemetryIntervalSec: must be a number greater than 0: value was "often"$/,
      /^power\.outputs: \[1\]\.ratedW: must be a number from 0 to 10000 \(watts\); \[1\]\.line: must be a BCM line from GPIO0 to GPIO27; \[2\]\.name: must be a short lower-case name such as "display"; \[2\]\.kind: must be "relay" or "codec-standby"/,
      /^power\.onSequence: \[1\]: must be \{output\} or \{waitSec\}/,
      /^mqtt\.url: must be a broker URL/,
      /^configuration param 'sensors\.fan' not declared in the schema$/,
      /^sensors\.thresholds\.tempC: min \(30\) must be below max \(20\)$/,
      /^sensors\.thresholds\.samples: 4 of 3 cannot happen/,
    ];
    expect(lines).toHaveLength(expected.length);
    expect(lines).toEqual(expect.arrayContaining(expected.map((pattern) => expect.stringMatching(pattern))));
  });

  test('the agent’s rules across outputs report every name used twice and every step naming no output', () => {
    const relay = { name: 'display', kind: 'relay', line: 'GPIO17', activeLow: true, ratedW: 180 };
    const codec = { name: 'codec', kind: 'codec-standby', ratedW: 45 };
    const lines = problems(() =>
      loadAgentConfig({
        file: file({
          roomId: 'tinh-uy',
          power: {
            outputs: [relay, { ...codec, name: 'display' }, { ...relay, name: 'amp' }],
            onSequence: [{ output: 'dispaly' }, { waitSec: 2 }, { output: 'projector' }],
            offSequence: [{ output: 'amp' }, { output: 'codec' }],
          },
        }),
        env: {},
      }),
    );
    expect(lines).toEqual([
      'power.outputs[1].name: "display" is used twice',
      'power.outputs[2].line: GPIO17 drives two relays',
      'power.onSequence[0].output: no output named "dispaly" in power.outputs',
      'power.onSequence[2].output: no output named "projector" in power.outputs',
      'power.offSequence[1].output: no output named "codec" in power.outputs',
    ]);
  });
});

/** True when A and B are the same type; the assignments below fail to compile otherwise. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

test('the settings’ types are derived from the schemas, exactly: choices as unions, groups nested', () => {
  const exact: true[] = [
    true as Same<HubConfig['mqtt']['protocolVersion'], 4 | 5>,
    true as Same<HubConfig['notify']['minSeverity'], 'info' | 'warning' | 'critical'>,
    true as Same<HubConfig['thresholds']['tempC']['notReady'], { min: number; max: number }>,
    true as Same<HubConfig['testCall']['limits']['heightPx'], { marginal: number; fail: number }>,
    true as Same<HubConfig['schedule']['rehearsalOffsetsH'], number[]>,
    true as Same<HubConfig['notify']['smtp']['secure'], boolean>,
    true as Same<AgentConfig['probes']['codec']['kind'], 'none' | 'xapi' | 'poly' | 'sip' | 'tcp' | 'http'>,
    true as Same<AgentConfig['sensors']['ups']['gpio']['backend'], 'auto' | 'sysfs' | 'gpiod'>,
    true as Same<AgentConfig['power']['outputs'][number]['kind'], 'relay' | 'codec-standby'>,
    true as Same<AgentConfig['roomId'], string>,
  ];
  expect(exact).not.toContain(false);
});
