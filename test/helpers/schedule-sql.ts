/**
 * The schedule's tables on a SQLite database as the hub has them (the port, migrated), for tests
 * that drive the schedule's parts without a whole hub.
 */
import { meetingsMigrations } from '../../hub/schedule/meetings-repo.js';
import { rehearsalsMigrations } from '../../hub/schedule/rehearsals-repo.js';
import type { Db } from '../../hub/store/database.js';
import { SqliteSql } from '../../hub/store/sql.js';

export function scheduleSql(db: Db): SqliteSql {
  const sql = SqliteSql.local(db);
  void sql.migrate([...meetingsMigrations, ...rehearsalsMigrations]);
  return sql;
}
