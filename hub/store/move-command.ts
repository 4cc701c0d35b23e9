/**
 * `hnth-hub move-to-postgres [--to URL]`: the single hub's SQLite data into the PostgreSQL its group
 * will share (the configured `store.url` unless `--to` names another), with its progress, and each
 * table's rows counted at the end once they are all read back equal.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { HubConfig } from '../config.js';
import type { CliOutput } from '../security/admin-cli.js';
import { hubMigrations } from './hub-migrations.js';
import { type MoveProgress, moveToPostgres } from './move-to-postgres.js';
import { describePgTarget } from './pg-database.js';

export const moveUsage = `  hnth-hub move-to-postgres [--to postgres://…]          copy this hub's SQLite data into an empty PostgreSQL
                                                         (store.url unless --to), every row checked; hub stopped
`;

export async function runMoveCommand(argv: string[], config: HubConfig, io: CliOutput): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { to: { type: 'string' } }, allowPositionals: true });
  const url = values.to ?? config.store.url;
  if (!url) {
    io.err(
      `hnth-hub move-to-postgres: no PostgreSQL to move to: give --to postgres://… or set store.url\n${moveUsage}`,
    );
    return 2;
  }
  const sqliteFile = path.join(config.dataDir, 'hnth.db');
  io.err(`moving ${sqliteFile} into ${describePgTarget(url)}\n`);
  let last = '';
  const progress = (p: MoveProgress) => {
    const line = `${p.table}: ${p.phase === 'copy' ? 'copied' : 'checked'} ${p.done}/${p.of}`;
    if (line !== last) io.err(`${line}\n`);
    last = line;
  };
  const result = await moveToPostgres({ sqliteFile, url, migrations: hubMigrations, progress });
  for (const t of result.tables) io.out(`${t.table}\t${t.rows}\n`);
  io.err(
    `moved ${result.tables.reduce((n, t) => n + t.rows, 0)} rows in ${result.tables.length} tables, every row checked\n`,
  );
  return 0;
}
