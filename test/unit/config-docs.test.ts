import { readFileSync } from 'node:fs';
import { expect, test } from '@jest/globals';
import { configurationMarkdown } from '../../scripts/config-docs.js';

test('docs/configuration.md matches the schemas the programs validate with (npm run docs:config)', () => {
  const written = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  expect(written).toBe(configurationMarkdown());
});
