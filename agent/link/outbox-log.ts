/**
 * The outbox's file: an append-only log of framed records, each `[u32 length][u32 crc32][JSON]`,
 * written with fsync so an event survives power loss once it is in the log. Compaction rewrites the
 * log through a temp file and rename, so it is never half-new.
 *
 * Reading keeps whatever can be kept. A record that fails its CRC (a flipped bit on an SD card) or
 * whose length field is garbage is skipped: the reader looks for the next offset where a whole good
 * record starts (length in range, CRC and JSON right; a false match is a 1 in 2^32 event) and goes
 * on from there, reporting the bad span so it can be set aside. A record cut short by the end of the
 * file is a write torn by a crash, dropped as before. The framing is the one earlier versions wrote,
 * so an agent upgraded in place reads its outbox as it is.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statfsSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { writeFileAtomic } from '../storage/atomic-write.js';

const HEADER = 8;
/** Larger than any record we write; a bigger length field means a torn or foreign file. */
const MAX_RECORD = 1024 * 1024;

/** A span of the log that held no good record. */
export interface CorruptSpan {
  offset: number;
  bytes: Buffer;
}

export interface Recovered<T> {
  records: T[];
  /** Bytes after the last good record (a torn write), dropped on recovery. */
  tornBytes: number;
  /** Spans between good records that held none, in file order. */
  corrupt: CorruptSpan[];
}

function frame(record: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(record));
  const out = Buffer.alloc(HEADER + body.length);
  out.writeUInt32LE(body.length, 0);
  out.writeUInt32LE(crc32(body), 4);
  body.copy(out, HEADER);
  return out;
}

/** The record starting at `at`, or null if none starts there. */
function recordAt<T>(data: Buffer, at: number): { record: T; end: number } | null {
  if (at + HEADER > data.length) return null;
  const length = data.readUInt32LE(at);
  if (length > MAX_RECORD || at + HEADER + length > data.length) return null;
  const body = data.subarray(at + HEADER, at + HEADER + length);
  if (crc32(body) !== data.readUInt32LE(at + 4)) return null;
  try {
    return { record: JSON.parse(body.toString()) as T, end: at + HEADER + length };
  } catch {
    return null;
  }
}

/** Whether the bytes at `at` are the start of a record the end of the file cut short. */
function cutShort(data: Buffer, at: number): boolean {
  if (at + HEADER > data.length) return true;
  const length = data.readUInt32LE(at);
  return length <= MAX_RECORD && at + HEADER + length > data.length;
}

/** Reads every good record; skips corrupt spans (reported) and a torn tail (counted). */
export function readLog<T>(file: string): Recovered<T> {
  if (!existsSync(file)) return { records: [], tornBytes: 0, corrupt: [] };
  const data = readFileSync(file);
  const records: T[] = [];
  const corrupt: CorruptSpan[] = [];
  let at = 0;
  while (at < data.length) {
    const found = recordAt<T>(data, at);
    if (found) {
      records.push(found.record);
      at = found.end;
      continue;
    }
    let next = at + 1;
    while (next < data.length && !recordAt(data, next)) next++;
    if (next >= data.length && cutShort(data, at)) break;
    corrupt.push({ offset: at, bytes: Buffer.from(data.subarray(at, next)) });
    at = next;
  }
  return { records, tornBytes: data.length - at, corrupt };
}

export class OutboxLog {
  private fd: number | null = null;

  constructor(readonly file: string) {}

  /** Opens for appending, first rewriting the file with only `records` (drops torn bytes and done records). */
  open(records: unknown[]): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    this.rewrite(records);
  }

  /** Appends one record and waits for it to reach the disk. Throws on a disk error (ENOSPC, EIO). */
  append(record: unknown): void {
    if (this.fd === null) throw new Error('outbox log is not open');
    const buf = frame(record);
    writeSync(this.fd, buf);
    fsyncSync(this.fd);
  }

  /** Replaces the log with `records` atomically (temp file, fsync, rename). */
  rewrite(records: unknown[]): void {
    writeFileAtomic(this.file, Buffer.concat(records.map(frame)));
    if (this.fd !== null) closeSync(this.fd);
    this.fd = openSync(this.file, 'a');
  }

  /** Bytes free for this process on the log's file system, or null if it cannot be told. */
  freeBytes(): number | null {
    try {
      const s = statfsSync(path.dirname(this.file));
      return s.bavail * s.bsize;
    } catch {
      return null;
    }
  }

  /** Writes and removes a block of data beside the log: throws if the disk cannot take it. */
  probe(): void {
    const file = `${this.file}.probe`;
    const fd = openSync(file, 'w');
    try {
      writeSync(fd, Buffer.alloc(4096));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
      rmSync(file, { force: true });
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** Where corrupt spans are set aside, beside the log, for a technician or a later tool. */
  get quarantineFile(): string {
    return `${this.file}.quarantine`;
  }

  /** Appends a corrupt span to the quarantine file, on disk before the log is rewritten without it. */
  quarantine(bytes: Buffer): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const fd = openSync(this.quarantineFile, 'a');
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
