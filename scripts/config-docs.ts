/**
 * Writes docs/configuration.md from the convict schemas of both programs, so the documented keys,
 * variables, defaults and meanings are the ones the code validates. `--check` fails when the file
 * is out of date (the test suite runs it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { agentSchema } from '../agent/config.js';
import { hubSchema } from '../hub/config.js';
import { settingLeaves } from '../shared/settings.js';

function rows(schema: object): string[] {
  return settingLeaves(schema).map(([path, node]) => {
    const value = node.sensitive ? '(secret)' : JSON.stringify(node.default);
    const shown = value === '""' ? '(empty)' : `\`${value.replaceAll('|', '\\|')}\``;
    const sources = [node.env && `\`${node.env}\``, node.arg && `\`--${node.arg}\``]
      .filter(Boolean)
      .join(', ');
    const doc = node.doc.replaceAll('|', '\\|').replaceAll('\n', ' ');
    return `| \`${path}\` | ${sources} | ${shown.length > 60 ? 'see source' : shown} | ${doc} |`;
  });
}

function table(schema: object): string {
  return ['| key | variable / flag | default | meaning |', '|---|---|---|---|', ...rows(schema)].join('\n');
}

export function configurationMarkdown(): string {
  return `# Configuration

Generated from the programs' convict schemas by \`npm run docs:config\`; do not edit by hand.

Both programs read defaults, then \`--config file.json\`, then \`HNTH_*\` environment variables (then
flags, for the agent). Unknown keys and bad values stop the program at start with a message naming
each key.

## hnth-hub

${table(hubSchema)}

## hnth-agent

${table(agentSchema)}
`;
}

const file = new URL('../docs/configuration.md', import.meta.url);
if (process.argv.includes('--check')) {
  if (readFileSync(file, 'utf8') !== configurationMarkdown()) {
    process.stderr.write('docs/configuration.md is out of date: run npm run docs:config\n');
    process.exit(1);
  }
} else if (process.argv[1]?.endsWith('config-docs.ts')) {
  writeFileSync(file, configurationMarkdown());
}
