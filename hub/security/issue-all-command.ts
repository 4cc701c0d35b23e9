/**
 * `hnth-hub credentials issue --all [--out FILE] [--rotate]`: a broker password for every room of
 * the fleet that has none (every room with --rotate), into a CSV file only its owner can read (see
 * credentials-csv.ts), with progress on stderr for a long run and a summary at the end.
 */
import { performance } from 'node:perf_hooks';
import { systemClock } from '../../shared/clock.js';
import type { CliOutput } from './admin-cli.js';
import { issueRoomPasswords } from './bulk-credentials.js';
import { createCredentialsCsv } from './credentials-csv.js';
import type { MqttCredentials } from './mqtt-credentials.js';

export interface IssueAllArgs {
  /** The CSV file; `-` for standard output; by default a new file named for the time, in the current folder. */
  out: string | undefined;
  rotate: boolean;
  actor: string;
}

/** `hnth-mqtt-passwords-20261130T010000Z.csv`: a name no earlier run took. */
export function defaultCredentialsFile(now: Date): string {
  return `hnth-mqtt-passwords-${now.toISOString().replace(/[-:]|\.\d+/g, '')}.csv`;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

export async function runIssueAll(
  args: IssueAllArgs,
  credentials: MqttCredentials,
  io: CliOutput,
  now: () => Date = systemClock.now,
): Promise<number> {
  const csv = createCredentialsCsv(args.out ?? defaultCredentialsFile(now()), io.out);
  const started = performance.now();
  try {
    const summary = await issueRoomPasswords(credentials, {
      rotate: args.rotate,
      actor: args.actor,
      committed: (batch, done, toIssue) => {
        // Written only once committed: the file never holds a password the hub does not know.
        csv.append(batch);
        // The summary follows the last batch; a run of one batch needs no progress at all.
        if (done === toIssue) return;
        const elapsed = performance.now() - started;
        const left = (elapsed / done) * (toIssue - done);
        io.err(
          `hnth-hub credentials: ${done}/${toIssue} rooms issued (${seconds(elapsed)}, about ${seconds(left)} left)\n`,
        );
      },
    });
    io.err(
      `hnth-hub credentials: issued ${summary.issued}, skipped ${summary.skipped}` +
        `${summary.skipped > 0 && !args.rotate ? ' (they have a password; --rotate replaces them)' : ''}` +
        `, total ${summary.total} rooms; passwords in ${csv.name}.\n` +
        (summary.issued > 0
          ? 'Give each room its password as mqtt.password (HNTH_MQTT_PASSWORD), its room id as mqtt.username;\n' +
            'with an external Mosquitto, run `hnth-hub export mosquitto <dir>` again and reload it.\n'
          : ''),
    );
    return 0;
  } finally {
    csv.close();
  }
}
