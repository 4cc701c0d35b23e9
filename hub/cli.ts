#!/usr/bin/env node
/**
 * hnth-hub: the central service, and its administrative subcommands (hub/security/admin-cli.ts).
 *   hnth-hub [--config file.json]
 *   hnth-hub [--config file.json] credentials|users|export|audit ...
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../shared/config-file.js';
import { createLogger } from '../shared/logger.js';
import { systemdLifecycle } from '../shared/sd-notify.js';
import { hubFleet, loadHubConfig } from './config.js';
import { applyHubHeapSettings } from './heap-settings.js';
import { startHub } from './hub.js';
import { adminCommands, adminUsage, runAdminCommand } from './security/admin-cli.js';
import { AUDIT_KEY_FILE, loadOrCreateAuditKey, readAuditKey } from './security/audit-key.js';
import { openSecurity } from './security/security.js';
import { openDatabase } from './store/database.js';
import { hubMigrations } from './store/hub-migrations.js';
import { moveUsage, runMoveCommand } from './store/move-command.js';
import { MoveError } from './store/move-to-postgres.js';
import { PgStoreError } from './store/pg-database.js';
import { type OpenedSql, openPgSql, sqliteStore } from './store/sql.js';

/** Runs a subcommand on the data folder of the configured hub, without starting it. */
async function admin(argv: string[], file: string | undefined): Promise<number> {
  const config = loadHubConfig({ file });
  const fleet = hubFleet(config);
  // Verifying never makes a key (a new key would verify nothing); the other commands record rows
  // with it, and create it at the first use, as the hub does. Run them as the hub's user.
  const auditKey =
    argv.find((a) => !a.startsWith('-')) === 'audit'
      ? readAuditKey(path.join(config.audit.dir, AUDIT_KEY_FILE))
      : loadOrCreateAuditKey(config.audit.dir);
  const db = openDatabase(path.join(config.dataDir, 'hnth.db'));
  let relational: OpenedSql | null = null;
  try {
    // The audit log and the accounts where the hub keeps them: the PostgreSQL of its group when it has one.
    relational = config.store.url ? await openPgSql(config.store.url) : sqliteStore(db);
    await relational.migrate(hubMigrations);
    const security = openSecurity(relational.sql, fleet, { auditKey });
    try {
      return await runAdminCommand(argv, security, config, {
        out: (t) => process.stdout.write(t),
        err: (t) => process.stderr.write(t),
      });
    } finally {
      await security.audit.settled();
    }
  } finally {
    await relational?.close();
    db.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const command = argv.find((a, i) => !a.startsWith('-') && argv[i - 1] !== '--config');
  if (command === 'move-to-postgres') {
    const at = argv.indexOf('--config');
    const config = loadHubConfig({ file: at >= 0 ? argv[at + 1] : undefined });
    const rest = at >= 0 ? [...argv.slice(0, at), ...argv.slice(at + 2)] : argv;
    return runMoveCommand(
      rest.filter((a) => a !== command),
      config,
      {
        out: (t) => process.stdout.write(t),
        err: (t) => process.stderr.write(t),
      },
    );
  }
  if (command && (adminCommands as readonly string[]).includes(command)) {
    const at = argv.indexOf('--config');
    const file = at >= 0 ? argv[at + 1] : undefined;
    return admin(at >= 0 ? [...argv.slice(0, at), ...argv.slice(at + 2)] : argv, file);
  }
  if (command) {
    process.stderr.write(`hnth-hub: unknown command "${command}"\n${adminUsage}${moveUsage}`);
    return 2;
  }
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(adminUsage + moveUsage);
    return 0;
  }
  const config = loadHubConfig({ file: values.config });
  const log = createLogger('hnth-hub');
  applyHubHeapSettings();
  const hub = await startHub(config, log);
  const systemd = systemdLifecycle(log);
  await systemd.ready();
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping');
      void systemd.stopping().then(() => hub.stop().then(resolve));
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
    // A move refused, or a store that cannot be reached, is said in its words: no stack to read.
    const said = known || err instanceof MoveError || err instanceof PgStoreError;
    process.stderr.write(`hnth-hub: ${said ? err.message : (err.stack ?? err.message)}\n`);
    process.exit(known ? 2 : 1);
  },
);
