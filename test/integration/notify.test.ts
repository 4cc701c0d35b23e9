import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import { ContactDirectory } from '../../hub/contacts/contact-directory.js';
import { ContactsRepo, contactsMigrations } from '../../hub/contacts/contacts-repo.js';
import type { RunningHub } from '../../hub/hub.js';
import { NotificationsRepo, notificationsMigrations } from '../../hub/notify/notifications-repo.js';
import { Notifier } from '../../hub/notify/notifier.js';
import type { Notice } from '../../hub/notify/notify-routing.js';
import { SmtpChannel } from '../../hub/notify/smtp-channel.js';
import { postWebhook } from '../../hub/notify/webhook-channel.js';
import { openDatabase } from '../../hub/store/database.js';
import { sqliteStore } from '../../hub/store/sql.js';
import { builtInFleet } from '../../shared/fleet.js';
import { createLogger } from '../../shared/logger.js';
import { clockAt } from '../fakes/fake-clock.js';
import { apiRequest, inject, startTestAgent, startTestHub } from '../helpers/hub-harness.js';
import { startReceiver, startSmtp } from '../helpers/notify-peers.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const log = createLogger('test', 'silent');
const dir = tempDir();
afterAll(() => dir.remove());

const notice: Notice = {
  incidentId: 7,
  event: 'opened',
  roomId: 'ubnd-na-hang',
  cause: 'mains.lost',
  faultKind: 'mains',
  severity: 'critical',
  at: '2026-11-30T03:00:00.000Z',
  recoverSec: null,
};

describe('webhook delivery with retries', () => {
  test('a receiver failing the first two attempts gets the third, after waits that double', async () => {
    const receiver = await startReceiver(2);
    const waits: number[] = [];
    try {
      const result = await postWebhook(
        receiver.url,
        notice,
        { attempts: 4, backoffMs: 500, timeoutMs: 2000 },
        async (ms) => {
          waits.push(ms);
        },
      );
      expect(result).toEqual({ ok: true, attempts: 3 });
      expect(waits).toEqual([500, 1000]);
      expect(receiver.received).toHaveLength(3);
      expect(receiver.received[2]!.body).toMatchObject({ incidentId: 7, cause: 'mains.lost' });
    } finally {
      await receiver.close();
    }
  });

  test('a receiver that never recovers is a failed result after every attempt, not an exception', async () => {
    const receiver = await startReceiver(100);
    try {
      const result = await postWebhook(
        receiver.url,
        notice,
        { attempts: 3, backoffMs: 1, timeoutMs: 2000 },
        async () => {},
      );
      expect(result).toEqual({ ok: false, attempts: 3, error: 'HTTP 503' });
    } finally {
      await receiver.close();
    }
  });

  test('a 400 is not retried: the request itself is wrong', async () => {
    const receiver = await startReceiver(100, 400);
    try {
      const result = await postWebhook(
        receiver.url,
        notice,
        { attempts: 4, backoffMs: 1, timeoutMs: 2000 },
        async () => {},
      );
      expect(result).toMatchObject({ ok: false, attempts: 1, error: 'HTTP 400', permanent: true });
    } finally {
      await receiver.close();
    }
  });

  test('nobody listening is retried, then a failed result naming the error', async () => {
    const receiver = await startReceiver(0);
    await receiver.close();
    const result = await postWebhook(
      receiver.url,
      notice,
      { attempts: 2, backoffMs: 1, timeoutMs: 2000 },
      async () => {},
    );
    expect(result).toMatchObject({ ok: false, attempts: 2, error: expect.any(String) });
  });
});

describe('SMTP delivery and the notifier', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(async () => {
    await smtp?.close();
  });

  test('an email reaches the SMTP server; an address refused with 550 is a permanent failure', async () => {
    const channel = new SmtpChannel({
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      user: '',
      password: '',
      from: 'hnth@stttt.gov.vn',
    });
    try {
      const result = await channel.send('an@nahang.gov.vn', 'Sự cố: mất điện lưới', 'Mains lost');
      expect(result).toEqual({ ok: true, attempts: 1 });
      expect(smtp.mails.at(-1)).toMatchObject({ from: 'hnth@stttt.gov.vn', to: ['an@nahang.gov.vn'] });
      const refused = await channel.send('gone@nahang.gov.vn', 's', 't');
      expect(refused).toMatchObject({ ok: false, permanent: true, error: expect.stringContaining('550') });
    } finally {
      channel.close();
    }
  });

  test('the notifier routes, sends, stores each result, counts, and flags a bounced contact', async () => {
    const db = openDatabase(path.join(dir.path, 'notify', 'hnth.db'));
    const store = sqliteStore(db);
    await store.migrate([...contactsMigrations, ...notificationsMigrations]);
    const contactsRepo = new ContactsRepo(store.sql);
    const base = {
      unit: 'u',
      position: '',
      phone: '0912345678',
      updatedAt: notice.at,
      confirmedAt: notice.at,
      bounced: false,
    };
    await contactsRepo.put({
      kind: 'room',
      ownerId: 'ubnd-na-hang',
      name: 'An',
      email: 'gone.an@nahang.gov.vn',
      ...base,
    });
    await contactsRepo.put({
      kind: 'partner',
      ownerId: 'dien-luc-tuyen-quang',
      name: 'Bình',
      email: 'binh@evn.vn',
      ...base,
    });
    const contacts = new ContactDirectory(contactsRepo, builtInFleet, 180, () => new Date(notice.at));
    const repo = new NotificationsRepo(store.sql);
    const receiver = await startReceiver(1);
    const channel = new SmtpChannel({
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      user: '',
      password: '',
      from: 'hnth@stttt.gov.vn',
    });
    const waits: number[] = [];
    const notifier = new Notifier({
      repo,
      contacts,
      fleet: builtInFleet,
      email: channel,
      routing: {
        operatorEmails: ['noc@stttt.gov.vn'],
        minSeverity: 'warning',
        quietHours: { start: '', end: '' },
        webhooks: [{ url: receiver.url, minSeverity: 'warning' }],
      },
      webhook: { attempts: 3, backoffMs: 250, timeoutMs: 2000 },
      log,
      sleep: async (ms) => {
        waits.push(ms);
      },
      clock: clockAt(() => new Date(notice.at)),
    });
    try {
      const before = smtp.mails.length;
      notifier.notify(notice);
      await notifier.idle();
      const stored = (await repo.latest(10)).map(
        (n) => `${n.channel}:${n.role ?? '-'}:${n.target}:${n.status}:${n.attempts}:${n.roomId}`,
      );
      // Every delivery of an incident's notice concerns the incident's room.
      expect(stored.sort()).toEqual(
        [
          'email:operator:noc@stttt.gov.vn:sent:1:ubnd-na-hang',
          'email:technician:gone.an@nahang.gov.vn:failed:1:ubnd-na-hang',
          'email:partner:binh@evn.vn:sent:1:ubnd-na-hang',
          `webhook:-:${receiver.url}:sent:2:ubnd-na-hang`,
        ].sort(),
      );
      expect(waits).toEqual([250]);
      expect(notifier.counters).toEqual({
        sent: { email: 2, webhook: 1 },
        failed: { email: 1, webhook: 0 },
        skipped: { email: 0, webhook: 0 },
        postponed: { email: 0, webhook: 0 },
      });
      const delivered = smtp.mails.slice(before);
      expect(delivered.flatMap((m) => m.to).sort()).toEqual(['binh@evn.vn', 'noc@stttt.gov.vn']);
      expect(delivered[0]!.data).toContain('Subject: =?UTF-8?');
      // Art. 4.3: the address that bounced flags the technician stale for replacement.
      expect((await contacts.contactsFor('ubnd-na-hang', 'mains')).technician).toMatchObject({
        bounced: true,
        stale: true,
      });
    } finally {
      channel.close();
      await receiver.close();
      db.close();
    }
  });
});

describe('notifications from the running hub', () => {
  let hub: RunningHub & { removeData(): void };
  let agent: Agent;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    smtp = await startSmtp();
    receiver = await startReceiver(1);
    hub = await startTestHub({
      'incidents.raiseAfterSec': 0,
      'incidents.clearAfterSec': 1,
      'incidents.checkSec': 1,
      'notify.smtp.host': '127.0.0.1',
      'notify.smtp.port': smtp.port,
      'notify.operatorEmails': ['noc@stttt.gov.vn'],
      'notify.webhooks': [{ url: receiver.url, minSeverity: 'warning' }],
      'notify.webhookBackoffMs': 10,
    });
    agent = await startTestAgent(hub.mqttUrl, 'so-y-te');
  });
  afterAll(async () => {
    await agent?.stop();
    await hub?.stop();
    hub?.removeData();
    await receiver?.close();
    await smtp?.close();
  });

  test('a mains loss is emailed to the operator and posted to the webhook, and logged', async () => {
    await inject(hub.mqttUrl, 'so-y-te', { mains: false });
    await waitFor('operator email', () => smtp.mails.some((m) => m.to.includes('noc@stttt.gov.vn')));
    await waitFor('webhook after one retry', () => receiver.received.length === 2);
    expect(receiver.received[1]!.body).toMatchObject({
      event: 'opened',
      roomId: 'so-y-te',
      cause: 'mains.lost',
      faultKind: 'mains',
    });
    await hub.notifier.idle();
    const res = await apiRequest(hub.httpUrl, 'GET', '/api/notifications', undefined, {
      as: { role: 'operator' },
    });
    const body = res.body as {
      notifications: { channel: string; role: string | null; status: string; error: string | null }[];
    };
    // No technician or power partner on file: recorded as skipped, so the gap shows.
    expect(body.notifications.map((n) => `${n.channel}:${n.role ?? '-'}:${n.status}`).sort()).toEqual([
      'email:operator:sent',
      'email:partner:skipped',
      'email:technician:skipped',
      'webhook:-:sent',
    ]);
    expect((await apiRequest(hub.httpUrl, 'GET', '/api/notifications?limit=0')).status).toBe(400);
  });
});
