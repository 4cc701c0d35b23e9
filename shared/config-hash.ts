/**
 * The identity of a set of codec configuration values (art. 5.3): a stable hash of key → value
 * pairs, independent of key order, so the hub and a room agree on which baseline is approved.
 */
import { createHash } from 'node:crypto';

export function configHash(values: Record<string, string | null>): string {
  const lines = Object.keys(values)
    .sort()
    .map((k) => `${k}=${values[k] ?? '\u0000'}`);
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}
