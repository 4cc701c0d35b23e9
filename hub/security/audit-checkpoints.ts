/**
 * Signed checkpoints of the audit log: at a time, how many rows the chain had and the MAC of the
 * last one, with an HMAC of those three under the audit key. The hub appends one line per
 * checkpoint to `checkpoints.jsonl` beside the key (outside the data folder) and writes the same to
 * its log (the journal), where the database's writer cannot reach them. A chain later found shorter
 * than a checkpoint lost its newest rows; a chain whose row at the checkpoint's count has another
 * MAC was rewritten from there (re-hashed, even with the key). `hnth-hub audit verify` checks the
 * log against the latest checkpoint, or against one copied from the journal (`--checkpoint`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { AuditLog, AuditVerdict } from './audit-log.js';

export const CHECKPOINT_FILE = 'checkpoints.jsonl';

export interface Checkpoint {
  at: string;
  rows: number;
  head: string;
  /** HMAC-SHA256 under the audit key of `hnth-audit-checkpoint-1`, at, rows and head. */
  mac: string;
}

function macOf(key: Buffer, at: string, rows: number, head: string): string {
  return createHmac('sha256', key)
    .update(JSON.stringify(['hnth-audit-checkpoint-1', at, rows, head]))
    .digest('hex');
}

export function signCheckpoint(key: Buffer, at: string, rows: number, head: string): Checkpoint {
  return { at, rows, head, mac: macOf(key, at, rows, head) };
}

/**
 * A checkpoint from its JSON text (a line of the file, or the hub's whole log line from the
 * journal, which holds it under `checkpoint`), when its fields are there and its MAC is the key's;
 * else null.
 */
export function parseCheckpoint(key: Buffer, text: string): Checkpoint | null {
  let value: Partial<Checkpoint> & { checkpoint?: Partial<Checkpoint> };
  try {
    value = JSON.parse(text) as Partial<Checkpoint>;
  } catch {
    return null;
  }
  const { at, rows, head, mac } = (typeof value?.checkpoint === 'object' ? value.checkpoint : value) ?? {};
  if (
    typeof at !== 'string' ||
    typeof rows !== 'number' ||
    typeof head !== 'string' ||
    typeof mac !== 'string'
  )
    return null;
  const expected = Buffer.from(macOf(key, at, rows, head));
  const given = Buffer.from(mac);
  return expected.length === given.length && timingSafeEqual(expected, given)
    ? { at, rows, head, mac }
    : null;
}

/** Appends one checkpoint line and flushes it to disk before returning. */
export function appendCheckpoint(dir: string, checkpoint: Checkpoint): void {
  const fd = openSync(path.join(dir, CHECKPOINT_FILE), 'a', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(checkpoint)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The latest checkpoint of the file whose MAC is good, and how many lines after it are not (a
 * line someone wrote without the key, or a torn one); no file, no checkpoint.
 */
export function latestCheckpoint(
  dir: string,
  key: Buffer,
): { checkpoint: Checkpoint | null; badLines: number } {
  const file = path.join(dir, CHECKPOINT_FILE);
  if (!existsSync(file)) return { checkpoint: null, badLines: 0 };
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  let badLines = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const checkpoint = parseCheckpoint(key, lines[i]!);
    if (checkpoint) return { checkpoint, badLines };
    badLines++;
  }
  return { checkpoint: null, badLines };
}

export type CheckpointComparison = { ok: true } | { ok: false; reason: string };

/** Whether a whole chain (verified on its own) still holds what the checkpoint pinned. */
export async function compareWithCheckpoint(
  verdict: Extract<AuditVerdict, { ok: true }>,
  checkpoint: Checkpoint,
  audit: Pick<AuditLog, 'hashAt'>,
): Promise<CheckpointComparison> {
  if (verdict.rows < checkpoint.rows)
    return {
      ok: false,
      reason: `the log has ${verdict.rows} rows, the checkpoint of ${checkpoint.at} counted ${checkpoint.rows}: its newest rows were removed`,
    };
  if (checkpoint.rows > 0 && (await audit.hashAt(checkpoint.rows)) !== checkpoint.head)
    return {
      ok: false,
      reason: `row ${checkpoint.rows} is not the one the checkpoint of ${checkpoint.at} pinned: the chain was rewritten up to it`,
    };
  return { ok: true };
}
