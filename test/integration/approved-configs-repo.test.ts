/**
 * The approved codec configurations' repository, on SQLite and on PostgreSQL: an approval replaces
 * the room's last, templates are unique by name (also when two hubs add one at once), and a
 * delivery's drift is kept current by the room's events.
 */
import { expect, test } from '@jest/globals';
import {
  type ApprovedConfig,
  ApprovedConfigsRepo,
  approvedConfigsMigrations,
  type ConfigDelivery,
} from '../../hub/codec-config/approved-configs-repo.js';
import { onEachStore } from '../helpers/sql-stores.js';

const approval = (roomId: string, patch: Partial<ApprovedConfig> = {}): ApprovedConfig => ({
  roomId,
  kind: 'xapi',
  values: { 'Audio.DefaultVolume': '50', 'Conference.AutoAnswer.Mode': 'Off' },
  hash: 'h1',
  approvedAt: '2026-12-01T02:00:00.000Z',
  approvedBy: 'Nguyễn Văn An (operator)',
  source: 'current',
  ...patch,
});

const template = (name: string) => ({
  name,
  kind: 'xapi',
  values: { 'Audio.DefaultVolume': '60' },
  createdAt: '2026-12-01T03:00:00.000Z',
  createdBy: 'an',
});

onEachStore('the approved configurations repository', approvedConfigsMigrations, (store) => {
  const repo = () => new ApprovedConfigsRepo(store.sql);

  test('an approval reads back with its values; a new one replaces the room’s last', async () => {
    const r = repo();
    expect(await r.approved('ubnd-tinh')).toBeNull();
    expect(await r.approvedRoomIds()).toEqual([]);
    await r.approve(approval('ubnd-tinh'));
    await r.approve(
      approval('ubnd-tinh', { values: { 'Audio.DefaultVolume': '40' }, hash: 'h2', source: 'template:3' }),
    );
    await r.approve(approval('ubnd-yen-son'));
    expect(await r.approved('ubnd-tinh')).toEqual(
      approval('ubnd-tinh', { values: { 'Audio.DefaultVolume': '40' }, hash: 'h2', source: 'template:3' }),
    );
    expect(await r.approved('ubnd-yen-son')).toEqual(approval('ubnd-yen-son'));
    expect((await r.approvedRoomIds()).sort()).toEqual(['ubnd-tinh', 'ubnd-yen-son']);
  });

  test('templates get ids, list by name in byte order, and a taken name is refused', async () => {
    const r = repo();
    const b = await r.addTemplate(template('Phòng họp nhỏ'));
    const a = await r.addTemplate(template('Mặc định'));
    expect(a).toMatchObject({ id: expect.any(Number), name: 'Mặc định' });
    expect(await r.addTemplate(template('Mặc định'))).toEqual({ error: 'name-taken' });
    if ('error' in a || 'error' in b) throw new Error('both names were free');
    expect(a.id).not.toBe(b.id);
    expect(await r.template(a.id)).toEqual(a);
    expect(await r.template(a.id + b.id + 1)).toBeNull();
    expect((await r.templates()).map((t) => t.name)).toEqual(['Mặc định', 'Phòng họp nhỏ']);
  });

  test('two hubs adding the same template name at once: one gets it, the other is told it is taken', async () => {
    const [first, second] = await Promise.all([
      repo().addTemplate(template('Chuẩn')),
      new ApprovedConfigsRepo(await store.another()).addTemplate(template('Chuẩn')),
    ]);
    expect([first, second].filter((t) => 'error' in t)).toEqual([{ error: 'name-taken' }]);
    expect(await repo().templates()).toHaveLength(1);
  });

  test('a delivery replaces the room’s last; drift events change only its drift', async () => {
    const r = repo();
    const delivery: ConfigDelivery = {
      roomId: 'ubnd-tinh',
      hash: 'h1',
      bootId: 'boot-1',
      deliveredAt: '2026-12-01T02:00:01.000Z',
      drifts: [{ key: 'Audio.DefaultVolume', approved: '50', found: '70' }],
    };
    await r.delivered(delivery);
    await r.delivered({ ...delivery, roomId: 'ubnd-lam-binh', bootId: null, drifts: [] });
    await r.setDrifts('ubnd-tinh', [{ key: 'Audio.DefaultVolume', approved: '50' }]);
    // A room never delivered to has nothing to change.
    await r.setDrifts('ubnd-na-hang', []);
    expect(await r.delivery('ubnd-tinh')).toEqual({
      ...delivery,
      drifts: [{ key: 'Audio.DefaultVolume', approved: '50' }],
    });
    expect(await r.delivery('ubnd-na-hang')).toBeNull();
    expect((await r.deliveries()).map((d) => [d.roomId, d.bootId])).toEqual([
      ['ubnd-lam-binh', null],
      ['ubnd-tinh', 'boot-1'],
    ]);
    await r.delivered({ ...delivery, hash: 'h2', bootId: 'boot-2', drifts: [] });
    expect(await r.delivery('ubnd-tinh')).toEqual({ ...delivery, hash: 'h2', bootId: 'boot-2', drifts: [] });
  });
});
