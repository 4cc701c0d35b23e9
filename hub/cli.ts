#!/usr/bin/env node
/**
 * hnth-hub: the central service.
 *   hnth-hub [--config file.json]
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../shared/config-file.js';
import { createLogger } from '../shared/logger.js';
import { loadHubConfig } from './config.js';
import { startHub } from './hub.js';

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write('usage: hnth-hub [--config file.json]\n');
    return 0;
  }
  const config = loadHubConfig({ file: values.config });
  const log = createLogger('hnth-hub');
  const hub = await startHub(config, log);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping');
      void hub.stop().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    const known = err instanceof ConfigError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`hnth-hub: ${known ? err.message : (err.stack ?? err.message)}\n`);
    process.exit(known ? 2 : 1);
  },
);
