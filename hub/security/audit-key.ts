/**
 * The audit log's secret key: 32 random bytes in a file outside the data folder (`audit.dir`,
 * beside the configuration), created with mode 0600 at the hub's first start and never stored in
 * the database. Whoever can write the database but not this file cannot forge a row's HMAC, nor a
 * signed checkpoint (audit-checkpoints.ts). A key file others may read is refused, as ssh refuses a
 * private key others may read: a key copied is a key that can forge. The hubs of a group sharing one
 * PostgreSQL append to one chain and verify all of it, so they hold the same key: the first hub's,
 * copied to the others' folders as the deployment copies any secret.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../shared/config-file.js';

export const AUDIT_KEY_FILE = 'audit.key';
const KEY_BYTES = 32;

/** The audit key in `dir` (`audit.key`), created when missing. */
export function loadOrCreateAuditKey(dir: string): Buffer {
  const file = path.join(dir, AUDIT_KEY_FILE);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, randomBytes(KEY_BYTES).toString('hex'));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') throw keyError(file, `cannot create it (${code ?? (err as Error).message})`);
  }
  return readAuditKey(file);
}

/** Reads an existing key file (the `audit verify` command never creates one). */
export function readAuditKey(file: string): Buffer {
  let mode: number;
  let text: string;
  try {
    mode = statSync(file).mode;
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw keyError(file, `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if ((mode & 0o077) !== 0)
    throw keyError(file, `it may be read by others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`);
  if (!new RegExp(`^[0-9a-f]{${KEY_BYTES * 2}}$`).test(text))
    throw keyError(file, `it does not hold ${KEY_BYTES} bytes in hex`);
  return Buffer.from(text, 'hex');
}

function keyError(file: string, why: string): ConfigError {
  return new ConfigError(
    `audit.dir (HNTH_AUDIT_DIR): the audit key ${file} is unusable: ${why}. The folder must be outside the data folder and writable by the hub at its first start (deploy/systemd/hnth-hub.service: /etc/hnth/hub-audit)`,
  );
}
