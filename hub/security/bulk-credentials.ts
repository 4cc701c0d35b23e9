/**
 * Broker passwords for a whole fleet at once (`hnth-hub credentials issue --all`): every room that
 * has none, or every room when rotating. A room's two hashes cost about 70 ms of CPU, an hour and a
 * half for 100,000 rooms on one core, so they are computed a few at a time on the libuv pool, and
 * rooms are committed in batches, each handed to `committed` only once stored. A run stopped midway
 * leaves every committed room usable and handed out; run again without rotating, it goes on with the
 * rooms that still have no password.
 */
import { availableParallelism } from 'node:os';
import type { MqttCredentials } from './mqtt-credentials.js';

/** Rooms per transaction: a crash loses at most this many hashes' work, and a commit is rare enough not to matter. */
export const BATCH_ROOMS = 100;

/** node:crypto's scrypt and pbkdf2 run on the libuv pool, 4 threads unless UV_THREADPOOL_SIZE: more would only queue. */
const POOL_THREADS = 4;

export interface IssuedPassword {
  username: string;
  password: string;
}

export interface BulkIssueOptions {
  /** Every room gets a new password, the old ones stop working; otherwise rooms with one are skipped. */
  rotate: boolean;
  actor: string;
  /** Hashes computed at once; by default the cores, at most the libuv pool's threads. */
  concurrency?: number;
  batchRooms?: number;
  /** Called with each batch once it is committed, and how many of `toIssue` rooms are done. */
  committed(batch: readonly IssuedPassword[], done: number, toIssue: number): void;
}

export interface BulkIssueSummary {
  issued: number;
  /** Rooms that kept the password they had (none when rotating). */
  skipped: number;
  /** Rooms of the fleet. */
  total: number;
}

export async function issueRoomPasswords(
  credentials: MqttCredentials,
  options: BulkIssueOptions,
): Promise<BulkIssueSummary> {
  const concurrency = options.concurrency ?? Math.min(availableParallelism(), POOL_THREADS);
  const batchRooms = options.batchRooms ?? BATCH_ROOMS;
  const rooms = credentials.accounts().flatMap((a) => (a.kind === 'room' ? [a.roomId] : []));
  const issued = options.rotate ? new Set<string>() : await credentials.issuedAccounts();
  const toIssue = rooms.filter((room) => !issued.has(room));
  let done = 0;
  for (let start = 0; start < toIssue.length; start += batchRooms) {
    const batch = await mapBounded(toIssue.slice(start, start + batchRooms), concurrency, (room) =>
      credentials.prepare(room),
    );
    await credentials.storeAll(batch, options.actor);
    done += batch.length;
    options.committed(
      batch.map(({ username, password }) => ({ username, password })),
      done,
      toIssue.length,
    );
  }
  return { issued: done, skipped: rooms.length - toIssue.length, total: rooms.length };
}

/** `work` over `items` with at most `limit` running at once; results in the order of `items`. */
async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
