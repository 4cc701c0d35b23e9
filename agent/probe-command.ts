/**
 * `hnth-agent probe <target> [--json] [--timeout ms]`: runs one probe and prints `{ok, rttMs, detail}`,
 * so a technician can check the codec or the MCU from the room's controller. Exit status: 0 ok,
 * 1 not ok, 2 a target or option that cannot be used.
 */
import { parseArgs } from 'node:util';
import { spawnRunner } from '../shared/probes/process-runner.js';
import { ProbeTargetError, probeTarget } from './probes/probe-target.js';

export const probeUsage =
  'usage: hnth-agent probe <target> [--json] [--timeout ms]\n' +
  '  targets: sip:host:port;transport=udp|tcp  xapi+http://user:pass@host:port  poly+http://user:pass@host:port\n' +
  '           icmp:host  tcp:host:port  http://host:port  line:sip:number@host:port (the line test)\n';

export async function probeCommand(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    out.write(probeUsage);
    return 0;
  }
  const timeoutMs = values.timeout === undefined ? 3000 : Number(values.timeout);
  if (positionals.length !== 1 || !Number.isInteger(timeoutMs) || timeoutMs < 1) {
    process.stderr.write(
      positionals.length !== 1
        ? `hnth-agent probe: name exactly one target\n${probeUsage}`
        : 'hnth-agent probe: --timeout must be a whole number of milliseconds\n',
    );
    return 2;
  }
  let run: ReturnType<typeof probeTarget>;
  try {
    run = probeTarget(positionals[0]!, { timeoutMs, run: spawnRunner });
  } catch (err) {
    if (!(err instanceof ProbeTargetError)) throw err;
    process.stderr.write(`hnth-agent probe: ${err.message}\n`);
    return 2;
  }
  const { ok, rttMs, detail } = await run();
  out.write(
    values.json
      ? `${JSON.stringify({ ok, rttMs, detail })}\n`
      : `${ok ? 'ok' : 'NOT OK'}  ${rttMs === null ? '-' : `${rttMs} ms`}  ${detail}\n`,
  );
  return ok ? 0 : 1;
}
