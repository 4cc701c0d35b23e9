/**
 * `hnth-hub export mosquitto <dir>`: the files an external Mosquitto needs to enforce what the
 * embedded broker enforces: `passwords` (mosquitto_passwd format, from the hashes the hub stored
 * when each password was issued) and `acl`, written from the same policy (mqtt-policy.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MqttCredentials } from './mqtt-credentials.js';
import { accountName, type MqttIdentity, mqttRules, type PolicyOptions } from './mqtt-policy.js';

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

export function mosquittoPasswords(credentials: MqttCredentials): string {
  return credentials
    .list()
    .map((c) => `${c.username}:${c.mosquittoHash}\n`)
    .join('');
}

export function exportMosquitto(
  dir: string,
  credentials: MqttCredentials,
  options: PolicyOptions,
): { passwordFile: string; aclFile: string; accounts: number } {
  mkdirSync(dir, { recursive: true });
  const passwordFile = path.join(dir, 'passwords');
  const aclFile = path.join(dir, 'acl');
  const passwords = mosquittoPasswords(credentials);
  // Hashes only, but still nobody's business but the broker's.
  writeFileSync(passwordFile, passwords, { mode: 0o640 });
  writeFileSync(aclFile, mosquittoAcl(credentials.accounts(), options), { mode: 0o644 });
  return { passwordFile, aclFile, accounts: passwords.split('\n').filter(Boolean).length };
}
