/**
 * The hub's administrative subcommands, run against its data folder:
 *   hnth-hub credentials issue <room id | hnth-hub>
 *   hnth-hub credentials issue --all [--out FILE] [--rotate]
 *   hnth-hub users set <username> --role operator|technician|viewer [--room <room id>]
 *   hnth-hub export mosquitto <dir>
 *   hnth-hub audit verify [--checkpoint JSON]
 * Each prints what the operator needs (a new password is shown once, never stored) and returns
 * the exit code.
 */
import { parseArgs } from 'node:util';
import type { HubConfig } from '../config.js';
import { compareWithCheckpoint, latestCheckpoint, parseCheckpoint } from './audit-checkpoints.js';
import { CredentialsFileError } from './credentials-csv.js';
import { runIssueAll } from './issue-all-command.js';
import { exportMosquitto } from './mosquitto-export.js';
import { CredentialError } from './mqtt-credentials.js';
import type { Security } from './security.js';
import { type Role, UserError } from './user-store.js';

export const adminCommands = ['credentials', 'users', 'export', 'audit'] as const;

export const adminUsage = `usage:
  hnth-hub [--config file.json]                          run the hub
  hnth-hub credentials issue <room-id|hnth-hub>          new broker password (the old one stops working)
  hnth-hub credentials issue --all [--out FILE] [--rotate]
                                                         one for every room without one (every room with
                                                         --rotate), as CSV into FILE (mode 0600; - for stdout)
  hnth-hub users set <username> --role <role> [--room <room-id>]
                                                         create a dashboard user or reset their password
  hnth-hub export mosquitto <dir>                        Mosquitto password and ACL files
  hnth-hub audit verify [--checkpoint JSON]              check the audit log's HMAC chain, and that it still
                                                         holds its latest signed checkpoint (or the one given,
                                                         a line copied from the journal)
`;

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

const ACTOR = 'cli';

/** `audit verify`: the chain on its own, then against a signed checkpoint; 1 when tampered. */
async function verifyAudit(
  security: Security,
  config: HubConfig,
  given: string | undefined,
  io: CliOutput,
): Promise<number> {
  const verdict = await security.audit.verify();
  if (!verdict.ok) {
    io.err(
      `audit log TAMPERED at row ${verdict.badId}: ${verdict.reason} (${verdict.rows} rows before it are intact)\n`,
    );
    return 1;
  }
  let checkpoint = null;
  if (given !== undefined) {
    checkpoint = parseCheckpoint(security.auditKey, given);
    if (!checkpoint) {
      io.err("audit verify: the checkpoint given is not one signed with this hub's audit key\n");
      return 1;
    }
  } else {
    const latest = latestCheckpoint(config.audit.dir, security.auditKey);
    if (latest.badLines > 0)
      io.err(
        `audit verify: ${latest.badLines} line(s) at the end of the checkpoints file are not signed with the audit key (written without it, or torn)\n`,
      );
    checkpoint = latest.checkpoint;
  }
  const chain = `${verdict.rows} rows, HMAC chain verified${verdict.unkeyedRows ? ` (the first ${verdict.unkeyedRows} from before the key, by their SHA-256)` : ''}`;
  if (!checkpoint) {
    io.out(
      `audit log intact: ${chain}\nno checkpoint yet to hold it against (the hub writes one every audit.checkpointEveryMin)\nhead: ${verdict.head}\n`,
    );
    return 0;
  }
  const held = await compareWithCheckpoint(verdict, checkpoint, security.audit);
  if (!held.ok) {
    io.err(`audit log TAMPERED: ${held.reason}\n`);
    return 1;
  }
  io.out(
    `audit log intact: ${chain}, and it holds the checkpoint of ${checkpoint.at} (${checkpoint.rows} rows)\nhead: ${verdict.head}\n`,
  );
  return 0;
}

export async function runAdminCommand(
  argv: string[],
  security: Security,
  config: HubConfig,
  io: CliOutput,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      role: { type: 'string' },
      room: { type: 'string' },
      all: { type: 'boolean' },
      out: { type: 'string' },
      rotate: { type: 'boolean' },
      checkpoint: { type: 'string' },
    },
    allowPositionals: true,
  });
  const [command, verb, arg] = positionals;
  try {
    if (
      command === 'credentials' &&
      verb === 'issue' &&
      (values.all || values.rotate || values.out !== undefined)
    ) {
      if (!values.all) {
        io.err(
          'hnth-hub credentials issue: --rotate and --out go with --all (one room: credentials issue <room-id>)\n',
        );
        return 2;
      }
      if (arg) {
        io.err(`hnth-hub credentials issue: give one room id or --all, not both (got "${arg}" and --all)\n`);
        return 2;
      }
      return await runIssueAll(
        { out: values.out, rotate: values.rotate ?? false, actor: ACTOR },
        security.credentials,
        io,
      );
    }
    if (command === 'credentials' && verb === 'issue' && arg) {
      const password = security.credentials.issue(arg, ACTOR);
      io.out(
        `New broker password for ${arg} (shown once; the previous one no longer works):\n\n  ${password}\n\n` +
          `Put it in the room's configuration as mqtt.password (HNTH_MQTT_PASSWORD) with mqtt.username = ${arg};\n` +
          'with an external Mosquitto, run `hnth-hub export mosquitto <dir>` again and reload it.\n',
      );
      return 0;
    }
    if (command === 'users' && verb === 'set' && arg) {
      if (!values.role) {
        io.err('hnth-hub users set: --role is required (operator, technician or viewer)\n');
        return 2;
      }
      const password = await security.users.set(
        { username: arg, role: values.role as Role, roomId: values.room ?? null },
        ACTOR,
      );
      io.out(`Dashboard password for ${arg} (${values.role}; shown once):\n\n  ${password}\n`);
      return 0;
    }
    if (command === 'export' && verb === 'mosquitto' && arg) {
      const written = exportMosquitto(arg, security.credentials, { simInject: config.mqtt.simInject });
      await security.audit.record(ACTOR, 'mosquitto.export', { dir: arg, rooms: written.rooms });
      io.out(
        `Wrote ${written.passwordFile} (${written.rooms} rooms), ${written.hubPasswordFile} (the hub's account) and ${written.aclFile}.\n` +
          'deploy/mosquitto/mosquitto.conf reads them from /etc/mosquitto/hnth; reload Mosquitto (systemctl reload mosquitto).\n',
      );
      return 0;
    }
    if (command === 'audit' && verb === 'verify') return verifyAudit(security, config, values.checkpoint, io);
  } catch (err) {
    if (err instanceof CredentialError || err instanceof UserError || err instanceof CredentialsFileError) {
      // A refused change is audited too: who tried what, and why it was not done.
      const what =
        command === 'users' ? 'user.set' : values.all ? 'credentials.issue-all' : 'credentials.issue';
      const target = arg && arg.length > 64 ? `${arg.slice(0, 64)}…` : arg;
      await security.audit.record(ACTOR, what, target ? { account: target } : {}, {
        result: 'refused',
        code: err.code,
      });
      io.err(`hnth-hub ${command}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  io.err(adminUsage);
  return 2;
}
