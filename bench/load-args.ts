/** The load generator's command line, checked: a wrong option is named with its rule. */
import { parseArgs } from 'node:util';
import { MAX_FLEET_ROOMS } from '../shared/fleet-file.js';
import type { LoadOptions } from './load-generator.js';

export interface LoadArgs extends LoadOptions {
  durationSec: number;
}

/** `--write-fleet FILE`: write the fleet file of the N rooms (for the hub's `fleet.file`) and stop. */
export interface FleetArgs {
  rooms: number;
  writeFleet: string;
}

export class LoadArgsError extends Error {
  readonly code = 'bad-args';
}

const usage =
  'usage: npm run loadgen -- --rooms N --interval S [--duration S] [--url mqtt://host:port] [--per-connection M] [--faults P] [--protocol 4|5]\n' +
  '       npm run loadgen -- --rooms N --write-fleet FILE    (the fleet file of the N rooms, for the hub’s fleet.file)';

/** The command line, checked; throws LoadArgsError naming the option that is wrong. */
export function parseLoadArgs(argv: string[], env: NodeJS.ProcessEnv = {}): LoadArgs | FleetArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      rooms: { type: 'string' },
      interval: { type: 'string', default: '5' },
      duration: { type: 'string', default: '60' },
      url: { type: 'string' },
      'per-connection': { type: 'string', default: '1' },
      faults: { type: 'string', default: '0.001' },
      protocol: { type: 'string', default: '5' },
      'write-fleet': { type: 'string' },
    },
    allowPositionals: false,
    strict: true,
  });
  const number = (name: string, raw: string | undefined, ok: (n: number) => boolean, rule: string) => {
    const n = Number(raw);
    if (raw === undefined || raw.trim() === '' || !Number.isFinite(n) || !ok(n))
      throw new LoadArgsError(`--${name} ${raw ?? '(missing)'}: must be ${rule}\n${usage}`);
    return n;
  };
  const rooms = number(
    'rooms',
    values.rooms,
    (n) => Number.isInteger(n) && n >= 1 && n <= MAX_FLEET_ROOMS,
    `a whole number from 1 to ${MAX_FLEET_ROOMS}`,
  );
  const writeFleet = values['write-fleet'];
  if (writeFleet !== undefined) {
    if (writeFleet.trim() === '') throw new LoadArgsError(`--write-fleet: must name a file\n${usage}`);
    return { rooms, writeFleet };
  }
  const url = values.url ?? env.HNTH_MQTT_URL ?? '';
  if (!/^mqtts?:\/\/\S+$/.test(url))
    throw new LoadArgsError(
      `--url ${url || '(missing)'}: must be mqtt://host:port (or set HNTH_MQTT_URL)\n${usage}`,
    );
  return {
    url,
    rooms,
    intervalSec: number(
      'interval',
      values.interval,
      (n) => n >= 0.01 && n <= 3600,
      'seconds from 0.01 to 3600',
    ),
    durationSec: number(
      'duration',
      values.duration,
      (n) => n > 0 && n <= 3600,
      'seconds above 0, at most 3600',
    ),
    perConnection: number(
      'per-connection',
      values['per-connection'],
      (n) => Number.isInteger(n) && n >= 1,
      'a whole number of at least 1',
    ),
    faultRate: number('faults', values.faults, (n) => n >= 0 && n <= 1, 'a probability from 0 to 1'),
    protocolVersion: number('protocol', values.protocol, (n) => n === 4 || n === 5, '4 or 5') as 4 | 5,
  };
}
