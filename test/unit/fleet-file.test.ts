/** The fleet file (`fleet.file`): what it accepts, and every way it can be broken, named. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { hubFleet, loadHubConfig } from '../../hub/config.js';
import { ConfigError } from '../../shared/config-file.js';
import { builtInFleet, rooms } from '../../shared/fleet.js';
import { loadFleet, MAX_FLEET_ROOMS, readFleetFile, writeFleetFile } from '../../shared/fleet-file.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('hnth-fleet-file-');
afterAll(() => dir.remove());

let files = 0;
/** A fleet file holding `content` (JSON-encoded unless already text). */
function fleetFile(content: unknown): string {
  const file = path.join(dir.path, `fleet-${++files}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const bacMe = { no: 29, id: 'ubnd-bac-me', name: 'UBND huyện Bắc Mê', kind: 'district' };
const bacQuang = {
  no: 30,
  id: 'ubnd-bac-quang',
  name: 'UBND huyện Bắc Quang',
  nameEn: "Bac Quang District People's Committee",
  kind: 'district',
};

describe('a fleet file', () => {
  test('lists the rooms in its order, the English name defaulting to the Vietnamese one', () => {
    expect(readFleetFile(fleetFile([bacMe, bacQuang]))).toEqual([
      { ...bacMe, nameEn: 'UBND huyện Bắc Mê' },
      bacQuang,
    ]);
  });

  test('takes each kind of room, a province’s communes and wards among them', () => {
    const kinds = ['party', 'council', 'committee', 'district', 'commune', 'department'];
    const file = fleetFile(kinds.map((kind, i) => ({ no: i + 1, id: `room-${kind}`, name: kind, kind })));
    expect(readFleetFile(file).map((r) => r.kind)).toEqual(kinds);
    const xaMinhNgoc = { no: 40, id: 'ubnd-xa-minh-ngoc', name: 'UBND xã Minh Ngọc', kind: 'commune' };
    expect(readFleetFile(fleetFile([bacMe, xaMinhNgoc]))[1]).toMatchObject({ kind: 'commune' });
  });

  test('written by writeFleetFile, reads back the same rooms (the built-in 28 too)', () => {
    const file = path.join(dir.path, 'written.json');
    writeFleetFile(file, rooms);
    expect(readFleetFile(file)).toEqual(rooms);
  });

  test('empty means the built-in 28 rooms; a file means its rooms only', () => {
    expect(loadFleet('')).toBe(builtInFleet);
    expect(builtInFleet.rooms).toHaveLength(28);
    expect(hubFleet(loadHubConfig({ env: {} })).rooms).toHaveLength(28);
    const fleet = hubFleet(loadHubConfig({ env: { HNTH_FLEET_FILE: fleetFile([bacMe]) } }));
    expect(fleet.rooms.map((r) => r.id)).toEqual(['ubnd-bac-me']);
    expect([fleet.has('ubnd-bac-me'), fleet.has('tinh-uy')]).toEqual([true, false]);
    expect(fleet.find('ubnd-bac-me')?.name).toBe('UBND huyện Bắc Mê');
  });

  const tooMany = Array.from({ length: MAX_FLEET_ROOMS + 1 }, (_, i) => ({
    no: i + 1,
    id: `r-${i}`,
    name: `r-${i}`,
    kind: 'district',
  }));

  test.each<[string, unknown, RegExp]>([
    ['not JSON', '[{"no": 1,', /: not valid JSON: /],
    ['not a list', { rooms: [bacMe] }, /: must be a JSON list of rooms/],
    ['an empty list', [], /: must list at least one room/],
    ['too many rooms', tooMany, /: must list at most 100000 rooms/],
    [
      'an id that is no topic level',
      [bacMe, { ...bacQuang, id: 'Bac Quang/1' }],
      /: entry \[1\] \(id "Bac Quang\/1"\) id: must be 1 to 64 lower-case letters, digits and dashes/,
    ],
    ['a wildcard id', [{ ...bacMe, id: '+' }], /entry \[0\] \(id "\+"\) id: must be/],
    ['an id too long', [{ ...bacMe, id: 'a'.repeat(65) }], /entry \[0\] \(id "a{64}…"\) id: must be/],
    [
      'an id twice',
      [bacMe, bacQuang, { ...bacMe, no: 31 }],
      /entry \[2\] \(id "ubnd-bac-me"\) id: already the id of entry \[0\]/,
    ],
    [
      'a number twice',
      [bacMe, { ...bacQuang, no: 29 }],
      /entry \[1\] \(id "ubnd-bac-quang"\) no: already the no of entry \[0\]/,
    ],
    [
      'two rooms running the network',
      [
        { ...bacMe, operatesNetwork: true },
        { ...bacQuang, operatesNetwork: true },
      ],
      /entry \[1\] \(id "ubnd-bac-quang"\) operatesNetwork: entry \[0\] already runs the network/,
    ],
    ['an unknown kind', [{ ...bacMe, kind: 'village' }], /entry \[0\] \(id "ubnd-bac-me"\) kind: /],
    ['a missing name', [{ ...bacMe, name: undefined }], /entry \[0\] \(id "ubnd-bac-me"\) name: /],
    ['a misspelt field', [{ ...bacMe, nameEN: 'Bac Me' }], /entry \[0\] \(id "ubnd-bac-me"\): .*"nameEN"/],
    ['an entry that is no object', [bacMe, 'ubnd-bac-quang'], /entry \[1\]: /],
  ])('with %s is refused, naming the file and the problem', (_name, content, error) => {
    const file = fleetFile(content);
    const read = () => readFleetFile(file);
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(`invalid fleet file ${file} (fleet.file, HNTH_FLEET_FILE):`);
    expect(read).toThrow(error);
  });

  test('that cannot be read is refused, naming the file', () => {
    const missing = path.join(dir.path, 'missing.json');
    expect(() => readFleetFile(missing)).toThrow(
      `invalid fleet file ${missing} (fleet.file, HNTH_FLEET_FILE): not found`,
    );
    expect(() => readFleetFile(dir.path)).toThrow(/cannot be read: EISDIR/);
  });

  test('lists the first 20 problems of a file with many, and how many more', () => {
    const bad = Array.from({ length: 25 }, (_, i) => ({ ...bacMe, no: i + 1, id: `Room${i}` }));
    const message = (() => {
      try {
        readFleetFile(fleetFile(bad));
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message?.split('\n')).toHaveLength(22);
    expect(message).toMatch(/entry \[19\] \(id "Room19"\)/);
    expect(message).toMatch(/… and 5 more$/);
  });

  test('may not name the hub’s own broker account as a room', () => {
    const file = fleetFile([bacMe, { ...bacQuang, id: 'hnth-hub' }]);
    expect(() => hubFleet(loadHubConfig({ env: { HNTH_FLEET_FILE: file } }))).toThrow(
      /entry \[1\] \(id "hnth-hub"\) id: is reserved for the hubs’ own broker accounts/,
    );
  });

  test('may not name one hub of a group’s broker account as a room', () => {
    const file = fleetFile([{ ...bacMe, id: 'hnth-hub-a' }, bacQuang]);
    expect(() => hubFleet(loadHubConfig({ env: { HNTH_FLEET_FILE: file } }))).toThrow(
      /entry \[0\] \(id "hnth-hub-a"\) id: is reserved for the hubs’ own broker accounts/,
    );
  });
});
