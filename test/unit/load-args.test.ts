/** The load generator's command line: defaults, and every bad option named with its rule. */
import { describe, expect, test } from '@jest/globals';
import { LoadArgsError, parseLoadArgs } from '../../bench/load-args.js';

describe('parseLoadArgs', () => {
  test('reads the options, with the URL from HNTH_MQTT_URL when not given', () => {
    expect(
      parseLoadArgs(['--rooms', '10000', '--interval', '5'], { HNTH_MQTT_URL: 'mqtt://broker:1883' }),
    ).toEqual({
      url: 'mqtt://broker:1883',
      rooms: 10000,
      intervalSec: 5,
      durationSec: 60,
      perConnection: 1,
      faultRate: 0.001,
      protocolVersion: 5,
    });
  });

  test.each([
    [['--rooms', '0'], /--rooms 0: must be a whole number from 1 to 100000/],
    [['--rooms', '2.5'], /--rooms 2.5: must be a whole number/],
    [[], /--rooms \(missing\)/],
    [['--rooms', '5', '--interval', 'fast'], /--interval fast: must be seconds/],
    [['--rooms', '5', '--duration', '0'], /--duration 0: must be seconds above 0/],
    [['--rooms', '5', '--faults', '2'], /--faults 2: must be a probability/],
    [['--rooms', '5', '--protocol', '3'], /--protocol 3: must be 4 or 5/],
    [['--rooms', '5', '--per-connection', '0'], /--per-connection 0/],
    [['--rooms', '5', '--url', 'http://x'], /--url http:\/\/x: must be mqtt:\/\/host:port/],
  ])('%j is refused naming the option', (args, error) => {
    const url = args.includes('--url') ? [] : ['--url', 'mqtt://b:1883'];
    expect(() => parseLoadArgs([...args, ...url])).toThrow(LoadArgsError);
    expect(() => parseLoadArgs([...args, ...url])).toThrow(error);
  });

  test('--write-fleet needs only the rooms: no broker to reach', () => {
    expect(parseLoadArgs(['--rooms', '5000', '--write-fleet', 'fleet.json'])).toEqual({
      rooms: 5000,
      writeFleet: 'fleet.json',
    });
    expect(() => parseLoadArgs(['--rooms', '5', '--write-fleet', ''])).toThrow(
      /--write-fleet: must name a file/,
    );
    expect(() => parseLoadArgs(['--write-fleet', 'fleet.json'])).toThrow(/--rooms \(missing\)/);
  });

  test('an unknown option is refused by name', () => {
    expect(() => parseLoadArgs(['--rooms', '5', '--url', 'mqtt://b:1', '--rate', '9'])).toThrow(/--rate/);
  });
});
