import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { loadAgentConfig } from '../../agent/config.js';
import { loadHubConfig } from '../../hub/config.js';
import { ConfigError } from '../../shared/config-file.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
afterAll(() => dir.remove());

function file(name: string, text: string): string {
  const p = path.join(dir.path, name);
  writeFileSync(p, text);
  return p;
}

describe('agent configuration', () => {
  test('defaults, then file, then environment, then flags', () => {
    const f = file(
      'ok.json',
      JSON.stringify({ roomId: 'tinh-uy', telemetryIntervalSec: 10, mqtt: { url: 'mqtt://hub:1883' } }),
    );
    const c = loadAgentConfig({ file: f, env: { HNTH_TELEMETRY_INTERVAL: '2' }, args: ['--simulate'] });
    expect(c).toMatchObject({
      roomId: 'tinh-uy',
      telemetryIntervalSec: 2,
      simulate: true,
      mqtt: { url: 'mqtt://hub:1883', keepaliveSec: 5 },
    });
  });

  test.each([
    ['unknown key', JSON.stringify({ roomId: 'tinh-uy', colour: 'red' }), /'colour' not declared/],
    [
      'wrong type',
      JSON.stringify({ roomId: 'tinh-uy', telemetryIntervalSec: 'often' }),
      /telemetryIntervalSec: must be a number greater than 0/,
    ],
    ['bad room id', JSON.stringify({ roomId: 'Tinh Uy' }), /roomId: must be a room id/],
    [
      'bad broker URL',
      JSON.stringify({ roomId: 'tinh-uy', mqtt: { url: 'hub:1883' } }),
      /mqtt\.url: must be a broker URL/,
    ],
    [
      'bad protocol',
      JSON.stringify({ roomId: 'tinh-uy', mqtt: { protocolVersion: 3 } }),
      /mqtt\.protocolVersion/,
    ],
    ['missing room id', JSON.stringify({}), /roomId: missing/],
    ['broken JSON', '{"roomId": ', /is not valid JSON/],
    ['not an object', '[1,2]', /must hold a JSON object/],
  ])('%s is refused with a message naming it', (_name, text, message) => {
    const f = file(`${_name.replace(/\W/g, '-')}.json`, text);
    expect(() => loadAgentConfig({ file: f, env: {} })).toThrow(ConfigError);
    expect(() => loadAgentConfig({ file: f, env: {} })).toThrow(message);
  });

  test('a missing file is named', () => {
    expect(() => loadAgentConfig({ file: path.join(dir.path, 'nope.json'), env: {} })).toThrow(
      /config file not found: .*nope\.json/,
    );
  });

  test('a bad environment value is refused too', () => {
    expect(() => loadAgentConfig({ env: { HNTH_ROOM_ID: 'tinh-uy', HNTH_MQTT_KEEPALIVE: 'soon' } })).toThrow(
      /mqtt\.keepaliveSec/,
    );
  });
});

describe('agent configuration: sensors and host', () => {
  const fixtures = path.join(import.meta.dirname, '../fixtures/sysfs/climate/iio-dht22-good/sys');
  const load = (sensors: object, extra: object = {}) =>
    loadAgentConfig({
      file: file('sensors.json', JSON.stringify({ roomId: 'tinh-uy', sensors, ...extra })),
      env: {},
    });

  test('defaults: no UPS, no climate sensor, host on, thresholds of a meeting room', () => {
    const c = loadAgentConfig({ env: { HNTH_ROOM_ID: 'tinh-uy' } });
    expect(c.sensors.ups.source).toBe('none');
    expect(c.sensors.climate.source).toBe('none');
    expect(c.sensors.thresholds).toMatchObject({
      tempC: { min: 16, max: 32 },
      humidityPct: { min: 30, max: 75 },
      samples: 2,
      window: 3,
    });
    expect(c.host.enabled).toBe(true);
  });

  test('a complete GPIO UPS and IIO climate configuration loads', () => {
    const c = load({
      sysfsRoot: fixtures,
      ups: { source: 'gpio', gpio: { mainsLine: 'GPIO17', mainsActiveLow: true, lowBatteryLine: 'GPIO27' } },
      climate: { source: 'iio', device: 'dht11' },
    });
    expect(c.sensors.ups.gpio).toMatchObject({ mainsLine: 'GPIO17', debounceMs: 50, backend: 'auto' });
  });

  test.each([
    [
      'a pin off the header',
      { ups: { source: 'gpio', gpio: { mainsLine: 'GPIO40' } } },
      /sensors\.ups\.gpio\.mainsLine: must be a header line GPIO0 to GPIO27/,
    ],
    [
      'a pin as a bare number',
      { ups: { source: 'gpio', gpio: { mainsLine: 17 } } },
      /sensors\.ups\.gpio\.mainsLine: must be a header line/,
    ],
    ['GPIO UPS without a mains line', { ups: { source: 'gpio' } }, /sensors\.ups\.gpio\.mainsLine: missing/],
    [
      'the same line twice',
      { ups: { source: 'gpio', gpio: { mainsLine: 'GPIO17', lowBatteryLine: 'GPIO17' } } },
      /sensors\.ups\.gpio\.lowBatteryLine: the same line as mainsLine/,
    ],
    ['an unknown UPS source', { ups: { source: 'apcupsd' } }, /sensors\.ups\.source/],
    ['a NUT port out of range', { ups: { source: 'nut', nut: { port: 70000 } } }, /sensors\.ups\.nut\.port/],
    [
      'a NUT UPS name with a space',
      { ups: { source: 'nut', nut: { ups: 'my ups' } } },
      /sensors\.ups\.nut\.ups: must be the UPS name/,
    ],
    [
      'a climate source without its device',
      { climate: { source: 'hwmon' } },
      /sensors\.climate\.device: missing; name the hwmon device \(e\.g\. "sht3x"\)/,
    ],
    [
      'a sysfs root that does not exist',
      { sysfsRoot: '/nonexistent/sys', climate: { source: 'iio', device: 'dht11' } },
      /sensors\.sysfsRoot: \/nonexistent\/sys does not exist/,
    ],
    [
      'a threshold band upside down',
      { thresholds: { tempC: { min: 30, max: 20 } } },
      /sensors\.thresholds\.tempC: min \(30\) must be below max \(20\)/,
    ],
    [
      'k larger than n',
      { thresholds: { samples: 4, window: 3 } },
      /sensors\.thresholds\.samples: 4 of 3 cannot happen/,
    ],
    [
      'zero samples',
      { thresholds: { samples: 0 } },
      /sensors\.thresholds\.samples: must be a whole number of 1 or more/,
    ],
    ['an unknown sensors key', { fan: true }, /'sensors\.fan' not declared/],
  ])('%s is refused naming the key', (_name, sensors, message) => {
    expect(() => load(sensors)).toThrow(ConfigError);
    expect(() => load(sensors)).toThrow(message);
  });

  test('the example in deploy/ loads as it is', () => {
    const c = loadAgentConfig({
      file: path.join(import.meta.dirname, '../../deploy/agent.example.json'),
      env: {},
    });
    expect(c.sensors.ups.gpio.mainsLine).toBe('GPIO17');
    expect(c.sensors.climate).toMatchObject({ source: 'iio', device: 'dht11' });
  });

  test('a bad host value is refused too', () => {
    expect(() => load({}, { host: { toolsIntervalSec: 0 } })).toThrow(/host\.toolsIntervalSec/);
  });
});

describe('hub configuration', () => {
  test('defaults are usable', () => {
    const c = loadHubConfig({ env: {} });
    expect(c).toMatchObject({ mqtt: { port: 1883, url: '' }, http: { port: 8080 }, dataDir: './data' });
    expect(c.thresholds.lossPct).toEqual({ degraded: 1, notReady: 5 });
  });

  test('a bad port is refused with its name', () => {
    expect(() => loadHubConfig({ env: { HNTH_HTTP_PORT: '99999' } })).toThrow(/http\.port/);
  });

  test('the broker link pings every 10 s unless told otherwise, within 2 to 600 s', () => {
    expect(loadHubConfig({ env: {} }).mqtt.keepaliveSec).toBe(10);
    expect(loadHubConfig({ env: { HNTH_MQTT_KEEPALIVE_SEC: '30' } }).mqtt.keepaliveSec).toBe(30);
    expect(() => loadHubConfig({ env: { HNTH_MQTT_KEEPALIVE_SEC: '0' } })).toThrow(
      /mqtt\.keepaliveSec must be from 2 to 600/,
    );
  });

  test('a client id that could not be a topic level is refused: it names the hub’s status topic', () => {
    expect(() => loadHubConfig({ env: { HNTH_MQTT_CLIENT_ID: 'hub/a' } })).toThrow(/mqtt\.clientId/);
    expect(loadHubConfig({ env: { HNTH_MQTT_CLIENT_ID: 'hnth-hub-b' } }).mqtt.clientId).toBe('hnth-hub-b');
  });
});
