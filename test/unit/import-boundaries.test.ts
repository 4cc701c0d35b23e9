/**
 * The parts' boundaries (issue 17): agent/ and hub/ never import each other, shared/ imports
 * neither, and the dashboard takes from hub/ only modules marked @pure (and types). The checker is
 * first shown to catch each kind of crossing on a small fake tree, then run on the real one.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from '@jest/globals';
import {
  boundaryViolations,
  describeViolations,
  importsOf,
  isMarkedPure,
  readSources,
  type SourceFile,
} from '../helpers/import-boundaries.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PURE = '/**\n * Words.\n *\n * @pure: the dashboard bundles it.\n */\n';

/** A tree that crosses every boundary once, and stays inside them everywhere else. */
const fakeTree: Record<string, string> = {
  'agent/agent.ts':
    "import { startHub } from '../hub/hub.js';\nimport { fleet } from '../shared/fleet.js';\n",
  'agent/types.ts': "import type { RoomView } from '../hub/fleet-state.js';\n",
  'agent/lazy.ts': "export async function later() {\n  return import('../hub/hub.js');\n}\n",
  'hub/hub.ts':
    "import {\n  createAgent,\n  type Agent,\n} from '../agent/create-agent.js';\nimport { fleet } from '../shared/fleet.js';\n",
  'hub/re-export.ts': "export { Agent } from '../agent/agent.js';\n",
  'hub/fleet-state.ts': "import { fleet } from '../shared/fleet.js';\nexport type RoomView = {};\n",
  'hub/glossary.ts': `${PURE}import type { RoomView } from './fleet-state.js';\nimport { ZONE } from '../shared/zone.js';\n`,
  'hub/readiness.ts': `${PURE}import { RoomView } from './fleet-state.js';\n`,
  'shared/fleet.ts': "import { loadHubConfig } from '../hub/config.js';\n",
  'shared/zone.ts': 'export const ZONE = 1;\n',
  'hub/web/src/main.ts': [
    "import { glossary } from '../../glossary.js';",
    "import type { RoomView } from '../../fleet-state.js';",
    "import { type Level, type Cause } from '../../readiness.js';",
    "import { ZONE } from '../../../shared/zone.js';",
    "import { h } from './dom.js';",
    "import uPlot from 'uplot';",
    "import { FleetState } from '../../fleet-state.js';",
    "import { readFileSync } from 'node:fs';",
  ].join('\n'),
  'hub/web/src/dom.ts': 'export const h = 1;\n',
  'scripts/bundle.ts':
    "import { startHub } from '../hub/hub.js';\nimport { createAgent } from '../agent/create-agent.js';\n",
};

const fakeFiles: SourceFile[] = Object.entries(fakeTree).map(([p, text]) => ({ path: p, text }));

describe('the import checker, on a fake tree', () => {
  const found = boundaryViolations(fakeFiles).map((v) => `${v.file}:${v.line} ${v.specifier}`);

  test('names each crossing by file, line and import, and nothing else', () => {
    expect(found.sort()).toEqual(
      [
        'agent/agent.ts:1 ../hub/hub.js',
        // A type is still a dependency of one program on the other.
        'agent/types.ts:1 ../hub/fleet-state.js',
        'agent/lazy.ts:2 ../hub/hub.js',
        'hub/hub.ts:1 ../agent/create-agent.js',
        'hub/re-export.ts:1 ../agent/agent.js',
        'shared/fleet.ts:1 ../hub/config.js',
        // A pure module's value import of a module that is not pure.
        'hub/readiness.ts:6 ./fleet-state.js',
        // The dashboard's value import of an unmarked hub module, and of a Node module.
        'hub/web/src/main.ts:7 ../../fleet-state.js',
        'hub/web/src/main.ts:8 node:fs',
      ].sort(),
    );
  });

  test('says which rule an import breaks', () => {
    const text = describeViolations(boundaryViolations(fakeFiles));
    expect(text).toContain(
      "agent/agent.ts:1 imports '../hub/hub.js': agent/ must not import hub/: the two programs share code only through shared/",
    );
    expect(text).toContain(
      "shared/fleet.ts:1 imports '../hub/config.js': shared/ must not import hub/ or agent/",
    );
    expect(text).toContain(
      "hub/web/src/main.ts:7 imports '../../fleet-state.js': the dashboard (hub/web/src) may import only",
    );
  });

  test('the mark is a @pure tag in the opening comment, not anywhere in the file', () => {
    expect(isMarkedPure(PURE)).toBe(true);
    expect(isMarkedPure('/** Words. */\nconst note = "@pure";\n')).toBe(false);
    expect(isMarkedPure('/** See the @purely wrong tag. */\n')).toBe(false);
    expect(isMarkedPure('/**\n * Only other @pure modules may import it.\n */\n')).toBe(false);
    expect(isMarkedPure("import x from './x.js';\n/** @pure */\n")).toBe(false);
  });

  test('reads static, re-exported, dynamic and type imports, knowing which are erased', () => {
    const refs = importsOf(
      'x.ts',
      [
        "import type { A } from './a.js';",
        "import { type B, type C } from './b.js';",
        "import { type D, e } from './d.js';",
        "import './effects.js';",
        "export type { F } from './f.js';",
        "export * from './g.js';",
        "const h = await import('./h.js');",
        "let i: import('./i.js').I;",
      ].join('\n'),
    );
    expect(refs.map((r) => [r.specifier, r.typeOnly])).toEqual([
      ['./a.js', true],
      ['./b.js', true],
      ['./d.js', false],
      ['./effects.js', false],
      ['./f.js', true],
      ['./g.js', false],
      ['./h.js', false],
      ['./i.js', true],
    ]);
  });

  const dir = tempDir('one-name-imports-');
  afterAll(() => dir.remove());

  test('walks a tree on disk the same way', () => {
    for (const [file, text] of Object.entries(fakeTree)) {
      mkdirSync(path.join(dir.path, path.dirname(file)), { recursive: true });
      writeFileSync(path.join(dir.path, file), text);
    }
    writeFileSync(
      path.join(dir.path, 'hub/web/src/types.d.ts'),
      "import { a } from '../../../agent/agent.js';\n",
    );
    const onDisk = boundaryViolations(readSources(dir.path)).map((v) => `${v.file}:${v.line} ${v.specifier}`);
    expect(onDisk.sort()).toEqual(found.sort());
  });
});

describe('the real tree', () => {
  const sources = readSources(root);

  test('keeps every boundary', () => {
    expect(describeViolations(boundaryViolations(sources))).toBe('');
  });

  test('is read whole: the three parts, and the dashboard taking words from a pure module', () => {
    for (const part of ['agent/', 'hub/', 'shared/', 'hub/web/src/']) {
      expect(sources.filter((f) => f.path.startsWith(part)).length).toBeGreaterThan(10);
    }
    const vi = sources.find((f) => f.path === 'hub/web/src/i18n/vi.ts');
    expect(importsOf(vi!.path, vi!.text).map((r) => r.specifier)).toContain('../../../glossary.js');
    expect(isMarkedPure(sources.find((f) => f.path === 'hub/glossary.ts')!.text)).toBe(true);
  });
});
