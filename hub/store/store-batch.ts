/**
 * How the store's thread runs the calls handed over in one turn of the hub's event loop: all in one
 * transaction (one commit and one sync to disk for the lot, which is what keeps up with thousands of
 * rooms), or, when one of them fails, each in its own so that only the bad one fails. A call that
 * found the database locked by another writer is not failed: the caller waits and runs it again,
 * because nothing it did was committed.
 */
import type { Db } from './database.js';
import type { SyncStoreCalls } from './store.js';

export type StoreMethod = keyof SyncStoreCalls;

export interface StoreCall {
  id: number;
  method: StoreMethod;
  args: unknown[];
}

export type StoreResult = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** The database is locked by another connection: nothing was committed, so the same calls may run again. */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

function invoke(store: SyncStoreCalls, call: StoreCall): unknown {
  const method = store[call.method] as (...args: unknown[]) => unknown;
  return method.apply(store, call.args);
}

/** Runs every call in one transaction; throws (having committed nothing) if any of them failed. */
export function runTogether(db: Db, store: SyncStoreCalls, calls: readonly StoreCall[]): StoreResult[] {
  return db.transaction(() =>
    calls.map((call): StoreResult => ({ id: call.id, ok: true, value: invoke(store, call) })),
  )();
}

/** Runs one call in its own transaction; a locked database is thrown to the caller to wait and retry. */
export function runAlone(db: Db, store: SyncStoreCalls, call: StoreCall): StoreResult {
  try {
    return { id: call.id, ok: true, value: db.transaction(() => invoke(store, call))() };
  } catch (err) {
    if (isBusy(err)) throw err;
    return { id: call.id, ok: false, error: (err as Error).message };
  }
}
