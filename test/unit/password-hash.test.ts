import { pbkdf2Sync } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { mosquittoHashAsync } from '../../hub/security/mosquitto-password.js';
import { generatePassword, hashPassword, verifyPassword } from '../../hub/security/password-hash.js';

describe('password hashing', () => {
  test('scrypt with a salt of its own: the right password matches, a wrong one does not', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horse', b)).toBe(true);
    expect(await verifyPassword('correct horsE', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  test('a malformed stored hash never matches', async () => {
    for (const stored of ['', 'plain', 'scrypt$16384$8$1$$', 'md5$x$y$z$a$b']) {
      expect(await verifyPassword('x', stored)).toBe(false);
    }
  });

  test('generated passwords are long and different', () => {
    const set = new Set(Array.from({ length: 50 }, generatePassword));
    expect(set.size).toBe(50);
    for (const p of set) expect(p).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  test('the Mosquitto form is PBKDF2-SHA512 as mosquitto_passwd writes it', async () => {
    const hash = await mosquittoHashAsync('s3cret', 101);
    const [, kind, iterations, salt, key] = hash.split('$');
    expect(kind).toBe('7');
    expect(iterations).toBe('101');
    expect(Buffer.from(salt!, 'base64')).toHaveLength(12);
    expect(key).toBe(
      pbkdf2Sync('s3cret', Buffer.from(salt!, 'base64'), 101, 64, 'sha512').toString('base64'),
    );
  });
});
