/**
 * The hub's administrative subcommands, run against its data folder:
 *   hnth-hub credentials issue <room id | hnth-hub>
 *   hnth-hub credentials issue --all [--out FILE] [--rotate]
 *   hnth-hub users set <username> --role operator|technician|viewer [--room <room id>]
 *   hnth-hub export mosquitto <dir>
 *   hnth-hub audit verify
 * Each prints what the operator needs (a new password is shown once, never stored) and returns
 * the exit code.
 */
import { parseArgs } from 'node:util';
import type { HubConfig } from '../config.js';
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
  hnth-hub audit verify                                  check the audit log's hash chain
`;

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

const ACTOR = 'cli';

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
      io.out(
        `Wrote ${written.passwordFile} (${written.accounts} accounts) and ${written.aclFile}.\n` +
          'Point password_file and acl_file of deploy/mosquitto/mosquitto.conf at them and reload Mosquitto.\n',
      );
      return 0;
    }
    if (command === 'audit' && verb === 'verify') {
      const verdict = security.audit.verify();
      if (verdict.ok) {
        io.out(
          `audit log intact: ${verdict.rows} rows, hash chain verified\nhead: ${verdict.head} ` +
            '(keep it outside this machine: a later head must extend the chain from it)\n',
        );
        return 0;
      }
      io.err(
        `audit log TAMPERED at row ${verdict.badId}: ${verdict.reason} (${verdict.rows} rows before it are intact)\n`,
      );
      return 1;
    }
  } catch (err) {
    if (err instanceof CredentialError || err instanceof UserError || err instanceof CredentialsFileError) {
      io.err(`hnth-hub ${command}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  io.err(adminUsage);
  return 2;
}
