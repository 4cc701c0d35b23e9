#!/usr/bin/env node
/**
 * hnth-agent: the room controller's daemon, and its subcommands.
 *   hnth-agent [--config file.json] [--simulate] [--room ID]
 *   hnth-agent probe <target> [--json]
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../shared/config-file.js';
import { createLogger } from '../shared/logger.js';
import { loadAgentConfig } from './config.js';
import { createAgent } from './create-agent.js';
import { probeCommand } from './probe-command.js';

/** Subcommands by name; without one, the agent runs as the daemon. */
const subcommands: Record<string, (argv: string[]) => Promise<number>> = {
  probe: probeCommand,
};

async function main(argv: string[]): Promise<number> {
  const subcommand = subcommands[argv[0] ?? ''];
  return subcommand ? subcommand(argv.slice(1)) : runDaemon(argv);
}

async function runDaemon(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      simulate: { type: 'boolean' },
      room: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(
      `usage: hnth-agent [--config file.json] [--simulate] [--room ID]\n       hnth-agent ${Object.keys(subcommands).join('|')} ...\n`,
    );
    return 0;
  }
  const args = [...(values.simulate ? ['--simulate'] : []), ...(values.room ? ['--room', values.room] : [])];
  const config = loadAgentConfig({ file: values.config, args });
  const log = createLogger(`hnth-agent:${config.roomId}`);
  const agent = createAgent(config, log);
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping');
      void agent.stop().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await agent.start();
  log.info({ bootId: agent.bootId }, 'agent running');
  await stopped;
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    if (err instanceof ConfigError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`hnth-agent: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`hnth-agent: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
