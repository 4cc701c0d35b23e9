import { describe, expect, test } from '@jest/globals';
import type { Access } from '../../hub/api/access.js';
import { decideAccess, mayActOnRoom } from '../../hub/security/access-decision.js';
import type { User } from '../../hub/security/user-store.js';

const operator: User = { username: 'op', role: 'operator', roomId: null };
const technician: User = { username: 'tech', role: 'technician', roomId: 'tinh-uy' };
const viewer: User = { username: 'view', role: 'viewer', roomId: null };

const ask = (access: Access | undefined, user: User | null, method = 'GET', roomId?: string, csrfOk = true) =>
  decideAccess({ access, user, method, csrfOk, roomId });

describe('who may call a route', () => {
  test.each([
    // access, user, method, room, csrf, expected status (0 = allowed)
    ['public', null, 'POST', undefined, false, 0],
    ['viewer', null, 'GET', undefined, true, 401],
    ['operator', null, 'POST', undefined, true, 401],
    ['viewer', viewer, 'GET', undefined, true, 0],
    ['technician', viewer, 'GET', undefined, true, 403],
    ['operator', viewer, 'GET', undefined, true, 403],
    ['technician', technician, 'POST', 'tinh-uy', true, 0],
    ['technician', technician, 'POST', 'hdnd-tinh', true, 403],
    ['technician', technician, 'POST', undefined, true, 0],
    ['operator', technician, 'POST', 'tinh-uy', true, 403],
    ['viewer', technician, 'GET', 'hdnd-tinh', true, 0],
    ['technician', operator, 'POST', 'hdnd-tinh', true, 0],
    ['operator', operator, 'DELETE', undefined, true, 0],
    ['operator', operator, 'POST', undefined, false, 403],
    ['viewer', viewer, 'POST', undefined, false, 403],
    ['operator', operator, 'GET', undefined, false, 0],
  ] as const)('%s route, %o, %s room %s csrf %s → %i', (access, user, method, roomId, csrfOk, status) => {
    const decision = ask(access, user, method, roomId, csrfOk);
    expect(decision.ok ? 0 : decision.status).toBe(status);
  });

  test('a route that declares no access is refused to everyone, operators included (fail closed)', () => {
    for (const user of [null, viewer, technician, operator]) {
      expect(ask(undefined, user)).toMatchObject({ ok: false, status: 403 });
    }
  });

  test('a refusal says what to do', () => {
    expect(ask('viewer', null)).toMatchObject({ error: expect.stringMatching(/log in/) });
    expect(ask('operator', operator, 'POST', undefined, false)).toMatchObject({
      error: expect.stringMatching(/x-csrf-token/),
    });
    expect(ask('technician', technician, 'POST', 'hdnd-tinh')).toMatchObject({
      error: expect.stringMatching(/own room \(tinh-uy\)/),
    });
  });

  test.each([
    [operator, 'hdnd-tinh', true],
    [technician, 'tinh-uy', true],
    [technician, 'hdnd-tinh', false],
    [viewer, 'tinh-uy', false],
  ])('%o may act on room %s (room from the body): %s', (user, roomId, allowed) => {
    expect(mayActOnRoom(user, roomId)).toBe(allowed);
  });
});
