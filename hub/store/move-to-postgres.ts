/**
 * Moving a single hub's SQLite data into the PostgreSQL a hub group will share (issue: the second
 * hub): every table, every row, in one transaction, then every row read back from both and compared.
 * Nothing is written unless all of it is; a PostgreSQL that already holds rows is refused, so two
 * hubs' histories are never mixed by mistake. The hub must be stopped while it runs.
 *
 *   hnth-hub move-to-postgres --to postgres://hnth@db.example/hnth
 */
import Database from 'better-sqlite3';
import type pg from 'pg';
import { createPgPool, describePgTarget } from './pg-database.js';
import { PgStore } from './pg-store.js';
import { PgSql, type SqlMigration } from './sql.js';

export class MoveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoveError';
  }
}

/** A table's progress: rows copied so far, or checked, of all. */
export interface MoveProgress {
  table: string;
  phase: 'copy' | 'check';
  done: number;
  of: number;
}

export interface MoveResult {
  /** Rows per table, each copied and found equal on both sides. */
  tables: { table: string; rows: number }[];
}

const BATCH = 500;
/** SQLite's own bookkeeping, and the migrations each database records for itself. */
const NOT_DATA = new Set(['schema_migrations', 'sqlite_sequence']);

interface PgColumn {
  name: string;
  type: string;
  identity: boolean;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function moveToPostgres(options: {
  sqliteFile: string;
  url: string;
  /** Every part's migrations, so PostgreSQL has every table before the rows arrive. */
  migrations: readonly SqlMigration[];
  progress?: (p: MoveProgress) => void;
}): Promise<MoveResult> {
  const source = new Database(options.sqliteFile, { readonly: true, fileMustExist: true });
  // The events store's tables come with the store's own migrations.
  await (await PgStore.open(options.url)).close();
  const pool = createPgPool(options.url, describePgTarget(options.url));
  try {
    await PgSql.fromPool(pool).migrate(options.migrations);
    const named = (
      source
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .all() as { name: string }[]
    )
      .map((t) => t.name)
      .filter((t) => !NOT_DATA.has(t));
    // A referenced table before the tables that refer to it: not every reference waits for the commit.
    const tables = referencedFirst(named, await referencesOf(pool));
    const pgColumns = await columnsOf(pool, tables);
    const missing = tables.filter((t) => !pgColumns.has(t));
    if (missing.length > 0)
      throw new MoveError(
        `PostgreSQL has no table for: ${missing.join(', ')} (a hub part with no PostgreSQL schema)`,
      );
    const occupied: string[] = [];
    for (const t of tables) {
      const { rows } = await pool.query(`SELECT 1 FROM ${quote(t)} LIMIT 1`);
      if (rows.length > 0) occupied.push(t);
    }
    if (occupied.length > 0)
      throw new MoveError(
        `PostgreSQL already holds rows in: ${occupied.join(', ')}; the move only fills an empty database`,
      );

    const plan = tables.map((table) => {
      const sqliteColumns = source.prepare(`PRAGMA table_info(${quote(table)})`).all() as {
        name: string;
        pk: number;
      }[];
      const columns = pgColumns.get(table)!;
      // A PostgreSQL column named rowid stands for SQLite's own (the order rows were written in,
      // which some repositories sort by): it is copied from it.
      const names = [
        ...sqliteColumns.map((c) => c.name),
        ...(columns.some((p) => p.name === 'rowid') ? ['rowid'] : []),
      ];
      const absent = names.filter((c) => !columns.some((p) => p.name === c));
      if (absent.length > 0)
        throw new MoveError(`PostgreSQL's table ${table} has no column ${absent.join(', ')}`);
      const kept = columns.filter((p) => names.includes(p.name));
      const count = (source.prepare(`SELECT COUNT(*) AS n FROM ${quote(table)}`).get() as { n: number }).n;
      // Read in one stable order on both sides: the primary key, else every column.
      const keys = sqliteColumns
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name);
      const by = keys.length > 0 ? keys : kept.filter((c) => c.type !== 'jsonb').map((c) => c.name);
      // Text in byte order on both sides, whatever the PostgreSQL column's collation.
      const pgOrder = by
        .map((k) => (kept.find((c) => c.name === k)?.type === 'text' ? `${quote(k)} COLLATE "C"` : quote(k)))
        .join(', ');
      return { table, columns: kept, count, order: by.map(quote).join(', '), pgOrder };
    });

    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      for (const step of plan) await copy(source, client, step, options.progress);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
    for (const step of plan) await check(source, pool, step, options.progress);
    return { tables: plan.map((s) => ({ table: s.table, rows: s.count })) };
  } finally {
    source.close();
    await pool.end();
  }
}

/** Each table's references to others, as PostgreSQL's catalogue has them (child → parents). */
async function referencesOf(pool: pg.Pool): Promise<Map<string, string[]>> {
  const { rows } = await pool.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
     JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
     WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace`,
  );
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.child, [...(out.get(r.child) ?? []), r.parent]);
  return out;
}

/** `tables` with every table after those it refers to, otherwise in the order given. */
export function referencedFirst(
  tables: readonly string[],
  references: ReadonlyMap<string, string[]>,
): string[] {
  const placed = new Set<string>();
  const out: string[] = [];
  const place = (t: string, path: readonly string[]) => {
    if (placed.has(t) || path.includes(t)) return;
    for (const parent of references.get(t) ?? [])
      if (parent !== t && tables.includes(parent)) place(parent, [...path, t]);
    placed.add(t);
    out.push(t);
  };
  for (const t of tables) place(t, []);
  return out;
}

async function columnsOf(pool: pg.Pool, tables: string[]): Promise<Map<string, PgColumn[]>> {
  const { rows } = await pool.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_identity: string;
  }>(
    `SELECT table_name, column_name, data_type, is_identity FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = ANY($1) ORDER BY ordinal_position`,
    [tables],
  );
  const out = new Map<string, PgColumn[]>();
  for (const r of rows) {
    const list = out.get(r.table_name) ?? [];
    list.push({ name: r.column_name, type: r.data_type, identity: r.is_identity === 'YES' });
    out.set(r.table_name, list);
  }
  return out;
}

interface Step {
  table: string;
  columns: PgColumn[];
  count: number;
  /** The same order of rows, as each database says it. */
  order: string;
  pgOrder: string;
}

async function copy(
  source: Database.Database,
  client: pg.PoolClient,
  step: Step,
  progress?: (p: MoveProgress) => void,
): Promise<void> {
  const names = step.columns.map((c) => c.name);
  const identity = step.columns.some((c) => c.identity);
  const read = source
    .prepare(`SELECT ${names.map(quote).join(', ')} FROM ${quote(step.table)} ORDER BY ${step.order}`)
    .raw();
  let batch: unknown[][] = [];
  let done = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const values: unknown[] = [];
    const tuples = batch.map((row) => {
      const cells = row.map((value, i) => {
        values.push(cell(step, names[i]!, value, done + 1));
        return `$${values.length}`;
      });
      return `(${cells.join(', ')})`;
    });
    await client.query(
      `INSERT INTO ${quote(step.table)} (${names.map(quote).join(', ')})${identity ? ' OVERRIDING SYSTEM VALUE' : ''} VALUES ${tuples.join(', ')}`,
      values,
    );
    done += batch.length;
    batch = [];
    progress?.({ table: step.table, phase: 'copy', done, of: step.count });
  };
  for (const row of read.iterate() as Iterable<unknown[]>) {
    batch.push(row);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  // The next id a hub takes continues after the moved ones.
  for (const c of step.columns.filter((col) => col.identity)) {
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST((SELECT MAX(${quote(c.name)}) FROM ${quote(step.table)}), 1))`,
      [step.table, c.name],
    );
  }
}

/** PostgreSQL's text cannot hold NUL, which SQLite's can: named, not silently changed. */
function cell(step: Step, column: string, value: unknown, row: number): unknown {
  if (typeof value === 'string' && value.includes('\u0000'))
    throw new MoveError(
      `${step.table}, row ${row}, column ${column}: text with a NUL character, which PostgreSQL cannot store`,
    );
  if (Buffer.isBuffer(value)) throw new MoveError(`${step.table}.${column}: binary data is not moved`);
  return value;
}

async function check(
  source: Database.Database,
  pool: pg.Pool,
  step: Step,
  progress?: (p: MoveProgress) => void,
): Promise<void> {
  const names = step.columns.map((c) => c.name);
  const list = names.map(quote).join(', ');
  const rows = source
    .prepare(`SELECT ${list} FROM ${quote(step.table)} ORDER BY ${step.order}`)
    .raw()
    .iterate() as Iterator<unknown[]>;
  let done = 0;
  // A cursor, so a table of millions of samples is read in batches, not at once.
  const client = await pool.connect();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(
      `DECLARE moved NO SCROLL CURSOR FOR SELECT ${list} FROM ${quote(step.table)} ORDER BY ${step.pgOrder}`,
    );
    for (;;) {
      const { rows: moved } = await client.query({ text: `FETCH ${BATCH} FROM moved`, rowMode: 'array' });
      for (const got of moved as unknown[][]) {
        const next = rows.next();
        if (next.done) throw new MoveError(`${step.table}: PostgreSQL has more rows than SQLite`);
        step.columns.forEach((c, i) => {
          if (!same(c, next.value[i], got[i]))
            throw new MoveError(
              `${step.table}, row ${done + 1}, column ${c.name}: ${JSON.stringify(next.value[i])} in SQLite, ${JSON.stringify(got[i])} in PostgreSQL`,
            );
        });
        done++;
      }
      progress?.({ table: step.table, phase: 'check', done, of: step.count });
      if (moved.length < BATCH) break;
    }
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    client.release();
  }
  if (!rows.next().done) throw new MoveError(`${step.table}: SQLite has rows that did not arrive`);
}

function same(column: PgColumn, sqlite: unknown, pgValue: unknown): boolean {
  if (sqlite === null || pgValue === null) return sqlite === pgValue;
  // jsonb keeps the value, not the text: compared as values, key order aside.
  if (column.type === 'jsonb') return canonical(JSON.parse(String(sqlite))) === canonical(pgValue);
  if (typeof sqlite === 'number' || typeof sqlite === 'bigint') return Number(pgValue) === Number(sqlite);
  return String(pgValue) === String(sqlite);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}
