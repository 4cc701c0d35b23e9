/**
 * The contacts repository's contract, on SQLite and on PostgreSQL: one contact per room or partner
 * (a second write replaces it), the listing's order, an import that writes all or none, confirming,
 * and a bounce flagging every contact of the address whatever its case.
 */
import { expect, test } from '@jest/globals';
import type { Contact } from '../../hub/contacts/contact-rules.js';
import { ContactsRepo, contactsMigrations } from '../../hub/contacts/contacts-repo.js';
import { violationOf } from '../../hub/store/sql.js';
import { onEachStore } from '../helpers/sql-stores.js';

const AT = '2026-12-01T02:00:00.000Z';

function contact(kind: Contact['kind'], ownerId: string, patch: Partial<Contact> = {}): Contact {
  return {
    kind,
    ownerId,
    name: 'Nguyễn Văn Ánh',
    unit: 'Văn phòng UBND',
    position: 'Kỹ thuật viên',
    phone: '0912345678',
    email: `${ownerId}@tuyenquang.gov.vn`,
    updatedAt: AT,
    confirmedAt: AT,
    bounced: false,
    ...patch,
  };
}

onEachStore('the contacts repository', contactsMigrations, (store) => {
  const repo = () => new ContactsRepo(store.sql);

  test('a contact reads back as written; a second write for the same owner replaces it', async () => {
    const r = repo();
    expect(await r.get('room', 'ubnd-na-hang')).toBeNull();
    await r.put(contact('room', 'ubnd-na-hang'));
    await r.put(contact('room', 'ubnd-na-hang', { name: 'Lê Thị Bình', bounced: true }));
    expect(await r.get('room', 'ubnd-na-hang')).toEqual(
      contact('room', 'ubnd-na-hang', { name: 'Lê Thị Bình', bounced: true }),
    );
    // The same id as a partner is another owner.
    expect(await r.get('partner', 'ubnd-na-hang')).toBeNull();
  });

  test('all: rooms first, then partners, each by id in byte order', async () => {
    const r = repo();
    for (const c of [
      contact('room', 'ubnd-yen-son'),
      contact('room', 'Ubnd-b'),
      contact('partner', 'vnpt-tuyen-quang'),
      contact('room', 'ubnd-ham-yen'),
      contact('partner', 'dien-luc-tuyen-quang'),
    ])
      await r.put(c);
    expect((await r.all()).map((c) => `${c.kind}:${c.ownerId}`)).toEqual([
      'room:Ubnd-b',
      'room:ubnd-ham-yen',
      'room:ubnd-yen-son',
      'partner:dien-luc-tuyen-quang',
      'partner:vnpt-tuyen-quang',
    ]);
  });

  test('an import writes every contact, or none when one is refused', async () => {
    const r = repo();
    await r.putAll([contact('room', 'ubnd-tinh'), contact('partner', 'vnpt-tuyen-quang')]);
    expect(await r.all()).toHaveLength(2);
    // Read by its code: an error thrown by better-sqlite3 may come from another realm than this test's.
    const refused = await r
      .putAll([contact('room', 'ubnd-lam-binh'), contact('team' as Contact['kind'], 'nobody')])
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(violationOf(refused)).toBe('check');
    expect((await r.all()).map((c) => c.ownerId)).toEqual(['ubnd-tinh', 'vnpt-tuyen-quang']);
  });

  test('remove and confirm say whether there was a contact', async () => {
    const r = repo();
    await r.put(contact('room', 'ubnd-tinh'));
    const later = '2026-12-05T02:00:00.000Z';
    expect(await r.confirm('room', 'ubnd-tinh', later)).toEqual(
      contact('room', 'ubnd-tinh', { confirmedAt: later }),
    );
    expect(await r.confirm('room', 'ubnd-son-duong', later)).toBeNull();
    expect(await r.remove('room', 'ubnd-tinh')).toBe(true);
    expect(await r.remove('room', 'ubnd-tinh')).toBe(false);
    expect(await r.get('room', 'ubnd-tinh')).toBeNull();
  });

  test('a bounce flags every contact with the address, in any case, and no other', async () => {
    const r = repo();
    await r.put(contact('room', 'ubnd-ham-yen', { email: 'Chung@TuyenQuang.gov.vn' }));
    await r.put(contact('room', 'ubnd-son-duong', { email: 'chung@tuyenquang.gov.vn' }));
    await r.put(contact('room', 'ubnd-tinh'));
    const flagged = await r.markBounced('CHUNG@tuyenquang.gov.vn');
    expect(flagged.map((c) => c.ownerId).sort()).toEqual(['ubnd-ham-yen', 'ubnd-son-duong']);
    expect(flagged.every((c) => c.bounced)).toBe(true);
    expect((await r.get('room', 'ubnd-tinh'))!.bounced).toBe(false);
    expect(await r.markBounced('nobody@example.vn')).toEqual([]);
  });

  test('writes from a second hub are read by the first', async () => {
    const other = new ContactsRepo(await store.another());
    await other.put(contact('partner', 'vnpt-tuyen-quang'));
    expect(await repo().get('partner', 'vnpt-tuyen-quang')).toEqual(contact('partner', 'vnpt-tuyen-quang'));
  });
});
