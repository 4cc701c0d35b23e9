import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { readPolyStatus } from '../../agent/probes/codec-poly.js';

const polyDir = path.join(import.meta.dirname, '../fixtures/real/poly');
const json = (...parts: string[]) =>
  JSON.parse(readFileSync(path.join(polyDir, ...parts), 'utf8')) as unknown;

interface PolyCase {
  name: string;
  dir: string;
  conferences: string;
  expected: { inCall: boolean; faults: { name: string; states: string[] }[] };
}

describe('Poly answers from real codecs (test/fixtures/real/SOURCES.md)', () => {
  const cases = json('cases.json') as PolyCase[];
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = readPolyStatus(
      json(c.dir, 'system.json'),
      json(c.dir, 'system-status.json'),
      json(c.dir, c.conferences),
    );
    expect(r.ok && { inCall: r.value.inCall, faults: r.value.faults }).toEqual(c.expected);
  });

  test('a Group Series status in its own dialect (state, not stateList) is seen when down', () => {
    const statuses = [{ name: 'system.status.microphones', languageTag: 'MICROPHONES', state: ['down'] }];
    const r = readPolyStatus({ model: 'RealPresence Group 500' }, statuses, []);
    expect(r.ok && r.value.faults).toEqual([{ name: 'system.status.microphones', states: ['down'] }]);
  });
});
