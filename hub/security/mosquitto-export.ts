/**
 * `hnth-hub export mosquitto <dir>`: the files an external Mosquitto needs to enforce what the
 * embedded broker enforces, from the hashes the hub stored when each password was issued and the
 * one policy (mqtt-policy.ts):
 *
 * - `passwords`: the rooms' accounts, for the rooms' TLS listener; a disabled account is left out;
 * - `hub-passwords`: the hubs' accounts alone (the hub's, and each hub of a group's), for the hubs'
 *   listener (loopback for one hub), so no room's password works there;
 * - `acl`: one block per account.
 *
 * The hub writes them again when it cuts off a flooding room (hub/broker/mosquitto-control.ts).
 * Each file is written beside its final name and renamed over it, so a Mosquitto reloading at that
 * moment reads the old file or the new one, never half of one.
 */
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MqttCredentials, StoredCredential } from './mqtt-credentials.js';
import {
  accountName,
  accountsOf,
  isHubAccount,
  type MqttIdentity,
  mqttRules,
  type PolicyOptions,
} from './mqtt-policy.js';

/** The ACL file: nothing for anonymous clients, then one block per account. */
export function mosquittoAcl(accounts: readonly MqttIdentity[], options: PolicyOptions): string {
  const blocks = accounts.map((identity) =>
    [
      `user ${accountName(identity)}`,
      ...mqttRules(identity, options).map((r) => `topic ${r.access} ${r.pattern}`),
    ].join('\n'),
  );
  return [
    '# Written by `hnth-hub export mosquitto` from hub/security/mqtt-policy.ts; do not edit by hand.',
    '# No rule before the first `user` line: an anonymous client may do nothing.',
    '',
    blocks.join('\n\n'),
    '',
  ].join('\n');
}

const passwordLines = (credentials: readonly StoredCredential[]) =>
  credentials.map((c) => `${c.username}:${c.mosquittoHash}\n`).join('');

/** The rooms' password file: every room account that has a password and is not disabled. */
export function mosquittoRoomPasswords(credentials: readonly StoredCredential[]): string {
  return passwordLines(credentials.filter((c) => !isHubAccount(c.username) && !c.disabled));
}

/** The hubs' listener's password file: the hubs' accounts only. */
export function mosquittoHubPasswords(credentials: readonly StoredCredential[]): string {
  return passwordLines(credentials.filter((c) => isHubAccount(c.username)));
}

/** Writes `text` to `file` through a temporary file renamed over it. */
function replaceFile(file: string, text: string, mode: number): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  chmodSync(temporary, mode); // the umask may have taken bits from `mode`
  renameSync(temporary, file);
}

export interface ExportedFiles {
  passwordFile: string;
  hubPasswordFile: string;
  aclFile: string;
  /** Room accounts in the password file (disabled ones left out). */
  rooms: number;
}

export async function exportMosquitto(
  dir: string,
  credentials: MqttCredentials,
  options: PolicyOptions,
): Promise<ExportedFiles> {
  const stored = await credentials.list();
  mkdirSync(dir, { recursive: true });
  const passwordFile = path.join(dir, 'passwords');
  const hubPasswordFile = path.join(dir, 'hub-passwords');
  const aclFile = path.join(dir, 'acl');
  const rooms = mosquittoRoomPasswords(stored);
  // Hashes only, but still nobody's business but the broker's (group mosquitto reads them).
  replaceFile(passwordFile, rooms, 0o640);
  replaceFile(hubPasswordFile, mosquittoHubPasswords(stored), 0o640);
  const accounts = accountsOf(
    credentials.fleet,
    stored.map((c) => c.username),
  );
  replaceFile(aclFile, mosquittoAcl(accounts, options), 0o644);
  return { passwordFile, hubPasswordFile, aclFile, rooms: rooms.split('\n').filter(Boolean).length };
}
