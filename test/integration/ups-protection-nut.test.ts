/**
 * UPS protection against a real upsd and dummy-ups, fed with real UPSes' dumps as captured (the NUT
 * devices dumps library, test/fixtures/real/SOURCES.md): each shutdown trigger fires from what a real
 * device reports, including UPSes that report no charge or no runtime, and none fires from a device
 * on mains or from a firmware's nonsense value. Two sequences walk a mains loss: the Eaton one made
 * from a real dump (test/fixtures/real/nut-seq/), and one made here from a real Megatec/blazer dump
 * that reports neither charge nor runtime, changing only its `ups.status` (said in the file).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { nominal } from '../../agent/edges.js';
import { UpsGuard } from '../../agent/power/ups-guard.js';
import { UpsTracker } from '../../agent/power/ups-protection.js';
import { UpsNutSensor } from '../../agent/sensors/ups-nut.js';
import { createLogger } from '../../shared/logger.js';
import { fakeAgentContext } from '../fakes/fake-agent-context.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { NUT_USER, type RunningNutDumps, startNutDumps } from '../helpers/nut.js';
import { REAL_NUT_DIR, REAL_NUT_SEQ_DIR } from '../helpers/nut-dump.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const log = createLogger('test', 'silent');
const dump = (name: string) => path.join(REAL_NUT_DIR, `${name}.dev`);
const NO_CHARGE = dump('PowerWalker__Line-Interactive_VI_2000_LCD__blazer_usb__2.4.3__01');
const EATON_SEQ = path.join(REAL_NUT_SEQ_DIR, 'Eaton__Ellipse_PRO_650__usbhid-ups__2.7.2__01.seq');

const cases: [string, string, 'ok' | 'battery' | 'critical', string | null][] = [
  [
    'Novex NUPS-650 (blazer) reporting ALARM OL FSD',
    dump('Novex__NUPS-650__blazer_usb__2.6.5__01'),
    'critical',
    'forced-shutdown',
  ],
  [
    'CyberPower Value 2200E-GP reporting FSD OL',
    dump('Cyber_Power_Systems__Value_2200E-GP__usbhid-ups__2.4.3__01'),
    'critical',
    'forced-shutdown',
  ],
  [
    'APC Smart-UPS 2200 on battery at 89 %, 5 h 53 min',
    dump('APC__Smart-UPS_2200__apcsmart__2.2.0__01'),
    'battery',
    null,
  ],
  [
    'Plexus 500VA (megatec) on battery, no runtime',
    dump('Plexus__500VA__megatec_usb__2.2.1__01'),
    'battery',
    null,
  ],
  ['PowerWalker VI 2000 (blazer) on battery, neither charge nor runtime', NO_CHARGE, 'battery', null],
  [
    'APC Back-UPS ES 750: LB on mains is no shutdown',
    dump('APC__Back-UPS_ES_750__usbhid-ups__2.6.4__01'),
    'ok',
    null,
  ],
  [
    'Riello IPG 600 on mains with a runtime of 0xFFFF × 60 s',
    dump('Riello__IPG_600__riello_usb__2.7.4__01'),
    'ok',
    null,
  ],
];

describe('UPS protection on real UPSes through upsd and dummy-ups', () => {
  const dir = tempDir('hnth-ups-seq-');
  const madeHere = path.join(dir.path, 'PowerWalker-OB-LB.seq');
  let nut: RunningNutDumps;
  const sensors: UpsNutSensor[] = [];

  beforeAll(async () => {
    writeFileSync(
      madeHere,
      [
        '# Made for hnth from the real dump ../nut/PowerWalker__Line-Interactive_VI_2000_LCD__blazer_usb__2.4.3__01.dev',
        '# (NUT devices dumps library, see SOURCES.md): the dump as captured (OB), then back on mains,',
        '# on battery again, and its low-battery flag. Only ups.status changes; the steps are invented.',
        readFileSync(NO_CHARGE, 'utf8'),
        'TIMER 1',
        'ups.status: OL',
        'TIMER 2',
        'ups.status: OB',
        'TIMER 2',
        'ups.status: OB LB',
        'TIMER 2',
        '',
      ].join('\n'),
    );
    nut = await startNutDumps([...cases.map(([, file]) => file), EATON_SEQ, madeHere]);
  });
  afterAll(async () => {
    await Promise.all(sensors.map((s) => s.close()));
    await nut?.stop();
    dir.remove();
  });

  function world(file: string, maxOnBatterySec = 0) {
    const sensor = new UpsNutSensor({
      host: '127.0.0.1',
      port: nut.port,
      timeoutMs: 2000,
      ups: nut.upsOf(file),
      ...NUT_USER,
    });
    sensors.push(sensor);
    const clock = new FakeClock('2027-01-07T02:00:00Z');
    const tracker = new UpsTracker({ shutdownPct: 20, shutdownRuntimeSec: 180, maxOnBatterySec }, clock.now);
    const ran: string[] = [];
    const guard = new UpsGuard({
      tracker,
      switchOff: async () => {
        ran.push('equipment off');
      },
      shutdownArgv: ['systemctl', 'poweroff'],
      runner: async (program, args) => {
        ran.push([program, ...args].join(' '));
        return { code: 0, stdout: '', stderr: '' };
      },
      log,
    });
    const { context, events } = fakeAgentContext(log, clock.now, 'ubnd-ham-yen');
    /** One real reading of the UPS, handed to the guard as the agent would. */
    const sample = async () => {
      const power = await sensor.read();
      guard.observe({ ...nominal, power: { ...power, state: 'on' } });
      return power;
    };
    return { clock, tracker, guard, ran, events, context, sample, read: () => sensor.read() };
  }

  test.each(cases)('%s', async (_name, file, level, trigger) => {
    const w = world(file);
    await w.guard.start(w.context);
    const reading = await w.sample();
    expect(reading.fault).toBeUndefined();
    await w.guard.stop();
    expect(w.tracker.verdict()).toMatchObject({ level, ...(trigger ? { trigger } : {}) });
    expect(w.ran).toEqual(level === 'critical' ? ['equipment off', 'systemctl poweroff'] : []);
    expect(w.events.map((e) => e.type)).toEqual(level === 'critical' ? ['ups.shutdown'] : []);
  });

  test('a UPS reporting neither charge nor runtime still shuts the controller down at the time limit', async () => {
    const w = world(NO_CHARGE, 1800);
    await w.guard.start(w.context);
    await w.sample();
    w.clock.advance(29 * 60_000);
    await w.sample();
    expect(w.ran).toEqual([]);
    w.clock.advance(60_000);
    await w.sample();
    await w.guard.stop();
    expect(w.events[0]).toMatchObject({
      type: 'ups.shutdown',
      data: { trigger: 'time-on-battery', onBatterySec: 1800 },
    });
    expect(w.ran).toEqual(['equipment off', 'systemctl poweroff']);
  });

  test.each([
    ['the Eaton Ellipse PRO 650 sequence: on battery at 71 %, then LB at 9 %', EATON_SEQ],
    ['the PowerWalker sequence (no charge, no runtime): on battery, then LB', madeHere],
  ])('%s: the guard waits on battery and shuts down at the low-battery flag', async (_name, file) => {
    const w = world(file);
    await w.guard.start(w.context);
    // From the mains, so each step after is seen in its order. Not shown to the guard: where the
    // sequence wraps round, dummy-ups changes one variable at a time, and a read in between sees the
    // last step's OB LB for a moment, which is a shutdown.
    await waitFor('on mains', async () => (await w.read()).mains === true, 20_000);
    await waitFor(
      'on battery without the flag',
      async () => {
        const r = await w.sample();
        return r.mains === false && r.upsLowBattery === false;
      },
      20_000,
    );
    expect(w.ran).toEqual([]);
    await waitFor('the low-battery flag', async () => (await w.sample()).upsLowBattery === true, 20_000);
    await w.guard.stop();
    expect(w.events).toHaveLength(1);
    expect(w.events[0]).toMatchObject({ type: 'ups.shutdown', data: { trigger: 'low-battery' } });
    expect(w.ran).toEqual(['equipment off', 'systemctl poweroff']);
  });
});
