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

describe('hub configuration', () => {
  test('defaults are usable', () => {
    const c = loadHubConfig({ env: {} });
    expect(c).toMatchObject({ mqtt: { port: 1883, url: '' }, http: { port: 8080 }, dataDir: './data' });
    expect(c.thresholds.lossPct).toEqual({ degraded: 1, notReady: 5 });
  });

  test('a bad port is refused with its name', () => {
    expect(() => loadHubConfig({ env: { HNTH_HTTP_PORT: '99999' } })).toThrow(/http\.port/);
  });
});
