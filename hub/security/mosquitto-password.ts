/**
 * Mosquitto's password file format (mosquitto_passwd, Mosquitto 2.x):
 * `user:$7$<iterations>$<salt base64>$<PBKDF2-SHA512 of the password, base64>`.
 * Checked against the real `mosquitto_passwd` and a real Mosquitto in the tests.
 */
import { pbkdf2, randomBytes } from 'node:crypto';

/** mosquitto_passwd uses 101; more costs each room a few milliseconds per connect and a thief much more. */
const ITERATIONS = 10_000;

/** Computed on the libuv pool, off the event loop, so that many can be issued at once. */
export function mosquittoHashAsync(password: string, iterations = ITERATIONS): Promise<string> {
  const salt = randomBytes(12);
  return new Promise((resolve, reject) =>
    pbkdf2(password, salt, iterations, 64, 'sha512', (err, key) =>
      err ? reject(err) : resolve(format(iterations, salt, key)),
    ),
  );
}

function format(iterations: number, salt: Buffer, key: Buffer): string {
  return `$7$${iterations}$${salt.toString('base64')}$${key.toString('base64')}`;
}
