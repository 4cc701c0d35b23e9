/**
 * The file `hnth-hub credentials issue --all` hands new broker passwords out in:
 * `room,username,password` lines, readable by its owner only (0600), never written over (a file
 * already there may hold passwords not yet handed out), each batch's lines flushed to disk as soon
 * as the batch is committed. `-` is standard output, to pipe the passwords into a secrets store.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { IssuedPassword } from './bulk-credentials.js';

export class CredentialsFileError extends Error {
  constructor(
    readonly code: 'exists' | 'unwritable',
    message: string,
  ) {
    super(message);
    this.name = 'CredentialsFileError';
  }
}

export interface CredentialsCsv {
  /** The file's name, or `standard output`. */
  readonly name: string;
  append(rows: readonly IssuedPassword[]): void;
  close(): void;
}

export const CSV_HEADER = 'room,username,password';

/** Room ids (lower-case letters, digits, dashes) and passwords (base64url) never need CSV quoting. */
function lines(rows: readonly IssuedPassword[]): string {
  return rows.map((r) => `${r.username},${r.username},${r.password}\n`).join('');
}

/** Creates `file` (refusing one that exists), or writes to `stdout` when `file` is `-`. */
export function createCredentialsCsv(file: string, stdout: (text: string) => void): CredentialsCsv {
  if (file === '-') {
    stdout(`${CSV_HEADER}\n`);
    return { name: 'standard output', append: (rows) => stdout(lines(rows)), close: () => {} };
  }
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw e.code === 'EEXIST'
      ? new CredentialsFileError(
          'exists',
          `${file} already exists and is not overwritten (it may hold passwords not yet handed out); move it away or give another --out`,
        )
      : new CredentialsFileError('unwritable', `cannot create ${file}: ${e.message}`);
  }
  writeSync(fd, `${CSV_HEADER}\n`);
  return {
    name: file,
    append: (rows) => {
      writeSync(fd, lines(rows));
      fsyncSync(fd);
    },
    close: () => closeSync(fd),
  };
}
