/** What the agent's and the hub's convict configurations share: file loading and strict checks. */
import { existsSync, readFileSync } from 'node:fs';

/** A configuration that cannot be used; the message names the key and what is wrong with it. */
export class ConfigError extends Error {
  readonly code = 'HNTH_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

interface Convict {
  load(values: object): unknown;
  validate(options: { allowed: 'strict' }): unknown;
}

/** Loads a JSON config file into the convict config; a missing or broken file is a ConfigError. */
export function loadConfigFile(config: Convict, file: string): void {
  if (!existsSync(file)) throw new ConfigError(`config file not found: ${file}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${file} must hold a JSON object`);
  }
  config.load(parsed);
}

/**
 * Runs convict's strict validation and rethrows its errors as one ConfigError that lists every bad
 * key, so a technician fixes the file in one go.
 */
export function validateStrict(config: Convict, source: string): void {
  try {
    config.validate({ allowed: 'strict' });
  } catch (err) {
    const lines = (err as Error).message.split('\n').filter(Boolean);
    throw new ConfigError(`invalid configuration (${source}):\n  ${lines.join('\n  ')}`);
  }
}
