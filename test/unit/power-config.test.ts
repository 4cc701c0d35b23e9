import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { loadAgentConfig } from '../../agent/config.js';
import { composePower } from '../../agent/power/compose-power.js';
import { POLY_NO_STANDBY } from '../../agent/probes/codec-poly.js';
import { systemClock } from '../../shared/clock.js';
import { ConfigError } from '../../shared/config-file.js';
import { createLogger } from '../../shared/logger.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
afterAll(() => dir.remove());
let n = 0;

function load(power: object, env: NodeJS.ProcessEnv = {}) {
  const file = path.join(dir.path, `power-${n++}.json`);
  writeFileSync(file, JSON.stringify({ roomId: 'tinh-uy', power }));
  return loadAgentConfig({ file, env });
}

const relay = { name: 'display', kind: 'relay', line: 'GPIO17', activeLow: true, ratedW: 180 };
const codec = { name: 'codec', kind: 'codec-standby', ratedW: 45 };

describe('power configuration', () => {
  test('outputs and sequences as a technician writes them', () => {
    const c = load(
      {
        outputs: [relay, codec],
        onSequence: [{ output: 'display' }, { waitSec: 5 }, { output: 'codec' }],
        quietMin: 45,
      },
      { HNTH_POWER_WARMUP_MIN: '60' },
    );
    expect(c.power).toMatchObject({
      outputs: [relay, codec],
      onSequence: [{ output: 'display' }, { waitSec: 5 }, { output: 'codec' }],
      offSequence: [],
      quietMin: 45,
      warmUpMin: 60,
      upsShutdownPct: 20,
      shutdownCommand: 'systemctl poweroff',
    });
  });

  test.each([
    [
      'an unknown kind of output',
      { outputs: [{ ...relay, kind: 'smart-plug' }] },
      /power\.outputs: \[0\]\.kind/,
    ],
    [
      'a line off the header',
      { outputs: [{ ...relay, line: 'GPIO40' }] },
      /power\.outputs: \[0\]\.line: must be a BCM line/,
    ],
    [
      'a relay without its polarity',
      { outputs: [{ ...relay, activeLow: undefined }] },
      /power\.outputs: \[0\]\.activeLow/,
    ],
    ['a negative rating', { outputs: [codec, { ...relay, ratedW: -5 }] }, /power\.outputs: \[1\]\.ratedW/],
    [
      'a sequence step that is neither',
      { outputs: [relay], onSequence: [{ sleep: 3 }] },
      /power\.onSequence: \[0\]/,
    ],
    [
      'a sequence naming no output',
      { outputs: [relay], offSequence: [{ output: 'dispaly' }] },
      /power\.offSequence\[0\]\.output: no output named "dispaly"/,
    ],
    [
      'two outputs with one name',
      { outputs: [relay, { ...codec, name: 'display' }] },
      /power\.outputs\[1\]\.name: "display" is used twice/,
    ],
    [
      'two relays on one line',
      { outputs: [relay, { ...relay, name: 'amp' }] },
      /power\.outputs\[1\]\.line: GPIO17 drives two relays/,
    ],
    ['a quiet time of zero', { quietMin: 0 }, /power\.quietMin: must be a number greater than 0/],
    [
      'a shutdown charge over 100',
      { upsShutdownPct: 120 },
      /power\.upsShutdownPct: must be a number from 0 to 100/,
    ],
  ])('%s is refused with a message naming the key', (_name, power, message) => {
    expect(() => load(power)).toThrow(ConfigError);
    expect(() => load(power)).toThrow(message);
  });

  test('a relay on a controller without a GPIO backend stops the agent at start, naming the output', () => {
    const c = load({ outputs: [relay] });
    expect(() =>
      composePower(c, { log: createLogger('t', 'silent'), clockSynced: () => true, clock: systemClock }),
    ).toThrow(/power\.outputs\[0\]: relay "display" needs a GPIO backend/);
  });

  test('a codec standby output in a Poly room stops the agent at start, saying Poly has no standby', () => {
    const c = load({ outputs: [codec] });
    expect(() =>
      composePower(c, {
        log: createLogger('t', 'silent'),
        clockSynced: () => true,
        clock: systemClock,
        noStandby: POLY_NO_STANDBY,
      }),
    ).toThrow(
      /power\.outputs\[0\]: "codec" needs a codec adapter with standby \(this room’s Poly codec takes no standby/,
    );
  });

  test('a real room with no outputs has no power control but still its UPS guard; a simulated one gets a typical room', () => {
    const ports = { log: createLogger('t', 'silent'), clockSynced: () => true, clock: systemClock };
    const real = composePower(load({}), ports);
    expect(real.control).toBeNull();
    expect(real.parts.map((p) => p.name)).toEqual(['ups-guard']);
    const sim = loadAgentConfig({ env: {}, args: ['--room', 'tinh-uy', '--simulate'] });
    const simulated = composePower(sim, ports);
    expect(simulated.control?.state).toBe('on');
    expect(simulated.parts.map((p) => p.name)).toEqual(['ups-guard', 'power']);
  });
});
