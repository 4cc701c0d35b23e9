#!/usr/bin/env node
/**
 * hnth-agent: the room controller's daemon, and the field tools beside it.
 *   hnth-agent [--config file.json] [--simulate] [--room ID]     run the agent
 *   hnth-agent probe <target> [--json]                           run one probe
 *   hnth-agent doctor [--config F] [--simulate] [--json]         check a new controller
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../shared/config-file.js';
import { createLogger } from '../shared/logger.js';
import { systemdLifecycle } from '../shared/sd-notify.js';
import { loadAgentConfig } from './config.js';
import { createAgent } from './create-agent.js';
import { doctorCommand } from './doctor.js';
import { probeCommand } from './probe-command.js';

const usage = `usage: hnth-agent [--config file.json] [--simulate] [--room ID]
       hnth-agent probe <target> [--json] [--timeout ms]
       hnth-agent doctor [--config file.json] [--simulate] [--json]
`;

/** How long a stop may take before the process leaves anyway (the link alone gives up within 3 s). */
const STOP_DEADLINE_MS = 4500;

type Subcommand = (argv: string[]) => Promise<number>;

/** Each field tool is one entry; the daemon runs when no subcommand is named. */
const subcommands: Record<string, Subcommand> = {
  probe: probeCommand,
  doctor: (argv) => doctorCommand(argv, (text) => process.stdout.write(text)),
};

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
    process.stdout.write(usage);
    return 0;
  }
  const args = [...(values.simulate ? ['--simulate'] : []), ...(values.room ? ['--room', values.room] : [])];
  const config = loadAgentConfig({ file: values.config, args });
  const log = createLogger(`hnth-agent:${config.roomId}`);
  const agent = createAgent(config, log);
  const systemd = systemdLifecycle(log);
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping');
      // Whatever the broker or an adapter does, the agent is gone in time (systemd and a technician
      // expect it within 5 s). Nothing is lost by leaving: each outbox record is on disk (fsync)
      // before it is sent, and is sent again by the next start.
      setTimeout(() => {
        log.error({ afterMs: STOP_DEADLINE_MS }, 'stop did not finish in time; leaving now');
        resolve();
      }, STOP_DEADLINE_MS).unref();
      void systemd.stopping().then(() => agent.stop().then(resolve));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await agent.start();
  log.info({ bootId: agent.bootId }, 'agent running');
  await systemd.ready();
  await stopped;
  return 0;
}

function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  const subcommand = first === undefined ? undefined : subcommands[first];
  return subcommand ? subcommand(rest) : runDaemon(argv);
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
