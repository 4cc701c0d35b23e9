import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { RunningHub } from '../../hub/hub.js';
import { apiRequest, getJson, startTestHub } from '../helpers/hub-harness.js';

const operator = { as: { role: 'operator' } } as const;
const technicianOf = (roomId: string) => ({ as: { role: 'technician', roomId } }) as const;
const an = {
  name: 'Nguyễn Văn An',
  unit: 'UBND huyện Na Hang',
  position: 'Chuyên viên CNTT',
  phone: '0912 345 678',
  email: 'an@nahang.gov.vn',
};

describe('contacts API', () => {
  let hub: RunningHub & { removeData(): void };
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => {
    await hub?.stop();
    hub?.removeData();
  });

  test('a room technician and a partner on-call contact are written and listed with their staleness', async () => {
    const put = await apiRequest(hub.httpUrl, 'PUT', '/api/contacts/rooms/ubnd-na-hang', an, operator);
    expect(put).toMatchObject({
      status: 200,
      body: { kind: 'room', ownerId: 'ubnd-na-hang', stale: false, bounced: false },
    });
    const old = {
      ...an,
      name: 'Trần Bình',
      email: 'binh@vnpt.vn',
      unit: 'VNPT',
      confirmedAt: '2025-01-01T00:00:00.000Z',
    };
    const partner = await apiRequest(
      hub.httpUrl,
      'PUT',
      '/api/contacts/partners/vnpt-tuyen-quang',
      old,
      operator,
    );
    expect(partner).toMatchObject({
      status: 200,
      body: { stale: true, staleReasons: [expect.stringMatching(/^not confirmed for \d+ days$/)] },
    });
    const dir = await getJson<{
      rooms: { roomId: string; contact: unknown }[];
      partners: { partnerId: string; contact: unknown }[];
    }>(`${hub.httpUrl}/api/contacts`);
    expect(dir.rooms).toHaveLength(28);
    expect(dir.rooms.find((r) => r.roomId === 'ubnd-na-hang')?.contact).toMatchObject({
      name: 'Nguyễn Văn An',
    });
    expect(dir.rooms.find((r) => r.roomId === 'so-y-te')?.contact).toBeNull();
    expect(dir.partners.find((p) => p.partnerId === 'vnpt-tuyen-quang')?.contact).toMatchObject({
      stale: true,
    });
  });

  test('bad input is 400 naming the field; unknown rooms and partners are 404', async () => {
    const cases: [string, unknown, number, string][] = [
      ['/api/contacts/rooms/ubnd-na-hang', { ...an, email: 'nope' }, 400, 'email'],
      ['/api/contacts/rooms/ubnd-na-hang', { ...an, phone: '123' }, 400, 'phone'],
      ['/api/contacts/rooms/ubnd-na-hang', { ...an, name: '' }, 400, 'name'],
      ['/api/contacts/rooms/ubnd-na-hang', { ...an, pager: '1' }, 400, 'pager'],
      ['/api/contacts/rooms/atlantis', an, 404, 'id'],
      ['/api/contacts/partners/acme', an, 404, 'id'],
      ['/api/contacts/vendors/acme', an, 400, 'kind'],
    ];
    for (const [path, body, status, field] of cases) {
      const res = await apiRequest(hub.httpUrl, 'PUT', path, body, operator);
      expect([path, res.status, (res.body as { field?: string }).field]).toEqual([path, status, field]);
    }
  });

  test('a technician confirms their own room’s contact, not another room’s', async () => {
    const other = await apiRequest(
      hub.httpUrl,
      'POST',
      '/api/contacts/rooms/ubnd-na-hang/confirm',
      undefined,
      technicianOf('so-y-te'),
    );
    expect(other.status).toBe(403);
    const own = await apiRequest(
      hub.httpUrl,
      'POST',
      '/api/contacts/rooms/ubnd-na-hang/confirm',
      undefined,
      technicianOf('ubnd-na-hang'),
    );
    expect(own).toMatchObject({ status: 200, body: { stale: false } });
    const none = await apiRequest(
      hub.httpUrl,
      'POST',
      '/api/contacts/rooms/so-y-te/confirm',
      undefined,
      technicianOf('so-y-te'),
    );
    expect(none.status).toBe(404);
  });

  test('export, delete, import gives back the same directory', async () => {
    const exported = await apiRequest(hub.httpUrl, 'GET', '/api/contacts/export', undefined, operator);
    expect(exported.headers.get('content-type')).toContain('text/csv');
    const csv = exported.body as string;
    expect(csv.split('\n').filter(Boolean)).toHaveLength(3);
    expect(
      (await apiRequest(hub.httpUrl, 'DELETE', '/api/contacts/rooms/ubnd-na-hang', undefined, operator))
        .status,
    ).toBe(204);
    expect(
      (await apiRequest(hub.httpUrl, 'DELETE', '/api/contacts/rooms/ubnd-na-hang', undefined, operator))
        .status,
    ).toBe(404);
    const imported = await apiRequest(hub.httpUrl, 'POST', '/api/contacts/import', csv, {
      ...operator,
      contentType: 'text/csv',
    });
    expect(imported).toMatchObject({ status: 200, body: { imported: 2 } });
    const again = await apiRequest(hub.httpUrl, 'GET', '/api/contacts/export', undefined, operator);
    expect(again.body).toBe(csv);
  });

  test('a bad CSV import is refused whole, naming the line', async () => {
    const csv =
      'kind,id,name,unit,position,phone,email\nroom,so-y-te,Lê Cường,Sở Y tế,,0987654321,cuong@syt.gov.vn\nroom,so-tu-phap,X,Y,,12,x@y.vn\n';
    const res = await apiRequest(hub.httpUrl, 'POST', '/api/contacts/import', csv, {
      ...operator,
      contentType: 'text/csv',
    });
    expect(res).toMatchObject({ status: 400, body: { field: 'phone', line: 3 } });
    expect((res.body as { error: string }).error).toMatch(/^line 3, phone:/);
    const dir = await getJson<{ rooms: { roomId: string; contact: unknown }[] }>(
      `${hub.httpUrl}/api/contacts`,
    );
    expect(dir.rooms.find((r) => r.roomId === 'so-y-te')?.contact).toBeNull();
    const json = await apiRequest(hub.httpUrl, 'POST', '/api/contacts/import', { csv }, operator);
    expect(json).toMatchObject({ status: 400, body: { field: '(body)' } });
  });
});
