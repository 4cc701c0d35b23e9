/**
 * The outbox's file: an append-only log of framed records, each `[u32 length][u32 crc32][JSON]`,
 * written with fsync so an event survives power loss once it is in the log. A record torn by a
 * crash mid-write fails its length or CRC check and is skipped, and the log is cut back to the last
 * good record. Compaction rewrites the log through a temp file and rename, so it is never half-new.
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

export interface Recovered<T> {
  records: T[];
  /** Bytes after the last good record (a torn write), dropped on recovery. */
  tornBytes: number;
}

function frame(record: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(record));
  const out = Buffer.alloc(HEADER + body.length);
  out.writeUInt32LE(body.length, 0);
  out.writeUInt32LE(crc32(body), 4);
  body.copy(out, HEADER);
  return out;
}

/** Reads every good record from the start; stops at the first torn or corrupt one. */
export function readLog<T>(file: string): Recovered<T> {
  if (!existsSync(file)) return { records: [], tornBytes: 0 };
  const data = readFileSync(file);
  const records: T[] = [];
  let at = 0;
  while (at + HEADER <= data.length) {
    const length = data.readUInt32LE(at);
    if (length > MAX_RECORD || at + HEADER + length > data.length) break;
    const body = data.subarray(at + HEADER, at + HEADER + length);
    if (crc32(body) !== data.readUInt32LE(at + 4)) break;
    try {
      records.push(JSON.parse(body.toString()) as T);
    } catch {
      break;
    }
    at += HEADER + length;
  }
  return { records, tornBytes: data.length - at };
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
}
