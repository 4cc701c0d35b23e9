/**
 * The real UPS dumps of test/fixtures/real/nut (NUT devices dumps library, `upsc` format) and
 * their expected readings. A dump is read the way dummy-ups reads it: `name: value` lines, `#`
 * starting a comment (the library's `#BAD:` and `#COMMENT:` notes), surrounding blanks dropped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Readings } from '../../shared/schemas.js';

export const REAL_NUT_DIR = path.join(import.meta.dirname, '../fixtures/real/nut');
export const REAL_NUT_SEQ_DIR = path.join(import.meta.dirname, '../fixtures/real/nut-seq');

export type UpsExpected = Omit<Readings['power'], 'state'>;

export function readDump(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([a-z0-9_.]+):(.*)$/i.exec(line.split('#')[0]!.trim());
    if (m) vars.set(m[1]!, m[2]!.trim());
  }
  return vars;
}

/** Every dump with its expected reading, sorted by file name. */
export function realDumps(): { file: string; path: string; expected: UpsExpected }[] {
  const expected = JSON.parse(readFileSync(path.join(REAL_NUT_DIR, 'expected.json'), 'utf8')) as Record<
    string,
    UpsExpected
  >;
  const files = readdirSync(REAL_NUT_DIR).filter((f) => f.endsWith('.dev'));
  const unexpected = files.filter((f) => !(f in expected));
  if (unexpected.length > 0) throw new Error(`no expected reading for ${unexpected.join(', ')}`);
  return files
    .sort()
    .map((file) => ({ file, path: path.join(REAL_NUT_DIR, file), expected: expected[file]! }));
}
