/**
 * Quiet hours postpone the non-critical notices to the end of the night; then each recipient gets
 * one digest per channel, from a real SMTP server's and a real webhook receiver's point of view.
 * Time is the notifier's (and the hub's) injected clock, moved by the test.
 */
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
import { openDatabase } from '../../hub/store/database.js';
import { type Sql, sqliteStore } from '../../hub/store/sql.js';
import { builtInFleet } from '../../shared/fleet.js';
import { createLogger } from '../../shared/logger.js';
import { clockAt as runningFrom } from '../fakes/fake-clock.js';
import { apiRequest, inject, startTestAgent, startTestHub } from '../helpers/hub-harness.js';
import { readMail, startReceiver, startSmtp } from '../helpers/notify-peers.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const log = createLogger('test', 'silent');
const dir = tempDir();
afterAll(() => dir.remove());

const quietHours = { start: '22:00', end: '06:00' };
// 06:00 on 1 December in Asia/Ho_Chi_Minh (UTC+7), the end of the night the notices fall in.
const END = '2026-11-30T23:00:00.000Z';

const notice = (patch: Partial<Notice>): Notice => ({
  incidentId: 21,
  event: 'opened',
  roomId: 'ubnd-na-hang',
  cause: 'link.degraded',
  faultKind: 'line',
  severity: 'warning',
  at: '2026-11-30T16:00:00.000Z', // 23:00
  recoverSec: null,
  ...patch,
});

/** The night, in the order it happened; the mains loss is critical and goes out at once. */
const night: Notice[] = [
  notice({}),
  notice({
    incidentId: 22,
    cause: 'climate.out-of-range',
    faultKind: 'climate',
    at: '2026-11-30T16:10:00.000Z', // 23:10
  }),
  notice({
    incidentId: 22,
    event: 'closed',
    cause: 'climate.out-of-range',
    faultKind: 'climate',
    at: '2026-11-30T17:30:00.000Z', // 00:30
    recoverSec: 4800,
  }),
  notice({
    incidentId: 23,
    cause: 'mains.lost',
    faultKind: 'mains',
    severity: 'critical',
    at: '2026-11-30T18:00:00.000Z', // 01:00
  }),
];

async function putContacts(sql: Sql): Promise<ContactsRepo> {
  const repo = new ContactsRepo(sql);
  const base = {
    unit: 'u',
    position: '',
    phone: '0912345678',
    updatedAt: night[0]!.at,
    confirmedAt: night[0]!.at,
    bounced: false,
  };
  await repo.put({ kind: 'room', ownerId: 'ubnd-na-hang', name: 'An', email: 'an@nahang.gov.vn', ...base });
  await repo.put({
    kind: 'partner',
    ownerId: 'vnpt-tuyen-quang',
    name: 'Chi',
    email: 'chi@vnpt.vn',
    ...base,
  });
  return repo;
}

describe('the notifier in quiet hours', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let refusing: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    smtp = await startSmtp();
    receiver = await startReceiver(0);
    refusing = await startReceiver(1000, 400);
  });
  afterAll(async () => {
    await smtp?.close();
    await receiver?.close();
    await refusing?.close();
  });

  /** A notifier over the database file, as the hub makes one, with a clock the test moves. */
  async function openNotifier(file: string, clock: { now: Date }, webhooks: string[]) {
    const db = openDatabase(file);
    const store = sqliteStore(db);
    await store.migrate([...contactsMigrations, ...notificationsMigrations]);
    const contacts = new ContactDirectory(await putContacts(store.sql), builtInFleet, 180, () => clock.now);
    const repo = new NotificationsRepo(store.sql);
    const channel = new SmtpChannel({
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      user: '',
      password: '',
      from: 'hnth@stttt.gov.vn',
    });
    const notifier = new Notifier({
      repo,
      contacts,
      fleet: builtInFleet,
      email: channel,
      routing: {
        operatorEmails: ['noc@stttt.gov.vn'],
        minSeverity: 'warning',
        quietHours,
        webhooks: webhooks.map((url) => ({ url, minSeverity: 'warning' as const })),
      },
      webhook: { attempts: 2, backoffMs: 1, timeoutMs: 2000 },
      log,
      sleep: async () => {},
      clock: runningFrom(() => clock.now),
      dueCheckMs: 20,
    });
    return {
      notifier,
      repo,
      async close() {
        notifier.stop();
        await notifier.idle();
        channel.close();
        db.close();
      },
    };
  }

  /** Lives through the night: each notice notified at its own time. */
  async function liveThrough(notifier: Notifier, clock: { now: Date }): Promise<void> {
    for (const n of night) {
      clock.now = new Date(n.at);
      notifier.notify(n);
      await notifier.idle();
    }
  }

  test('nothing but the critical goes out at night; at 06:00 each recipient gets one digest with every notice', async () => {
    const clock = { now: new Date(night[0]!.at) };
    const { notifier, repo, close } = await openNotifier(path.join(dir.path, 'timer', 'hnth.db'), clock, [
      receiver.url,
    ]);
    const mailsBefore = smtp.mails.length;
    const postsBefore = receiver.received.length;
    try {
      notifier.start();
      await liveThrough(notifier, clock);

      // The night: only the mains loss, to the operator, the technician and the webhook.
      const nightMails = smtp.mails.slice(mailsBefore);
      expect(nightMails.flatMap((m) => m.to).sort()).toEqual(['an@nahang.gov.vn', 'noc@stttt.gov.vn']);
      expect(nightMails.every((m) => readMail(m).subject.includes('Mất điện lưới'))).toBe(true);
      expect(receiver.received.slice(postsBefore).map((r) => r.body.incidentId)).toEqual([23]);
      const postponed = (await repo.latest(100)).filter((r) => r.status === 'postponed');
      expect(postponed.map((r) => `${r.incidentId}:${r.event}:${r.channel}:${r.target}`).sort()).toEqual(
        [
          '21:opened:email:noc@stttt.gov.vn',
          '21:opened:email:an@nahang.gov.vn',
          '21:opened:email:chi@vnpt.vn',
          `21:opened:webhook:${receiver.url}`,
          '22:opened:email:noc@stttt.gov.vn',
          '22:opened:email:an@nahang.gov.vn',
          `22:opened:webhook:${receiver.url}`,
          '22:closed:email:noc@stttt.gov.vn',
          '22:closed:email:an@nahang.gov.vn',
          `22:closed:webhook:${receiver.url}`,
        ].sort(),
      );
      expect(new Set(postponed.map((r) => `${r.dueAt}:${r.finishedAt}:${r.attempts}`))).toEqual(
        new Set([`${END}:null:0`]),
      );
      expect(notifier.counters.postponed).toEqual({ email: 7, webhook: 3 });

      // A millisecond before the end, a pass finds nothing due.
      clock.now = new Date(Date.parse(END) - 1);
      notifier.sendDue();
      await notifier.idle();
      expect(smtp.mails.length - mailsBefore).toBe(2);

      // 06:00: the timer sends the digests.
      clock.now = new Date(END);
      await waitFor('three digest emails', () => smtp.mails.length - mailsBefore === 5);
      await waitFor('the webhook digest', () => receiver.received.length - postsBefore === 2);
      await notifier.idle();

      const digests = smtp.mails.slice(mailsBefore + 2);
      expect(digests.map((m) => m.to).sort()).toEqual([
        ['an@nahang.gov.vn'],
        ['chi@vnpt.vn'],
        ['noc@stttt.gov.vn'],
      ]);
      const noc = readMail(digests.find((m) => m.to.includes('noc@stttt.gov.vn'))!);
      expect(noc.subject).toBe('[HNTH] Tổng hợp giờ yên lặng: 3 thông báo, 1 sự cố chưa khắc phục');
      const lines = noc.text.split('\n').filter((l) => /^\d+\. /.test(l));
      expect(lines).toEqual([
        expect.stringMatching(
          /^1\. 30\/11\/2026 23:00 — Sự cố \/ Incident: Đường truyền suy giảm \/ Line degraded — UBND huyện Na Hang .*#21$/,
        ),
        expect.stringMatching(
          /^2\. 30\/11\/2026 23:10 — Sự cố \/ Incident: .*Temperature or humidity out of range .*#22 — ĐÃ KHẮC PHỤC lúc 01\/12\/2026 00:30 \/ ALREADY OVER/,
        ),
        expect.stringMatching(/^3\. 01\/12\/2026 00:30 — Đã khắc phục \/ Recovered: .*#22 — sau 80 phút/),
      ]);
      const chi = readMail(digests.find((m) => m.to.includes('chi@vnpt.vn'))!);
      expect(chi.text).toContain('1. 30/11/2026 23:00');
      expect(chi.text).not.toContain('2. ');

      const hook = receiver.received.at(-1)!.body as {
        kind: string;
        notices: { incidentId: number; event: string; over: boolean }[];
      };
      expect(hook.kind).toBe('quiet-hours-digest');
      expect(hook.notices.map((n) => `${n.incidentId}:${n.event}:${n.over}`)).toEqual([
        '21:opened:false',
        '22:opened:true',
        '22:closed:true',
      ]);

      // Every postponed row now has its digest's result; a later pass sends nothing again.
      const rows = await repo.latest(100);
      expect(rows.filter((r) => r.status === 'postponed')).toEqual([]);
      expect(rows.filter((r) => r.dueAt !== null).map((r) => `${r.status}:${r.attempts}`)).toEqual(
        Array(10).fill('sent:1'),
      );
      expect(notifier.counters.sent).toEqual({ email: 2 + 7, webhook: 1 + 3 });
      notifier.sendDue();
      await notifier.idle();
      expect(smtp.mails.length - mailsBefore).toBe(5);
    } finally {
      await close();
    }
  });

  test('a restart between the night and the morning still sends the digest, and records a refusal as failed', async () => {
    const file = path.join(dir.path, 'restart', 'hnth.db');
    const clock = { now: new Date(night[0]!.at) };
    const webhooks = [receiver.url, refusing.url];
    const before = await openNotifier(file, clock, webhooks);
    before.notifier.start();
    await liveThrough(before.notifier, clock);
    await before.close();

    // The hub comes back at 06:20: what fell due while it was down goes out at start-up.
    const mailsBefore = smtp.mails.length;
    const postsBefore = receiver.received.length;
    clock.now = new Date(Date.parse(END) + 20 * 60_000);
    const after = await openNotifier(file, clock, webhooks);
    try {
      after.notifier.start();
      await after.notifier.idle();
      expect(
        smtp.mails
          .slice(mailsBefore)
          .map((m) => m.to)
          .sort(),
      ).toEqual([['an@nahang.gov.vn'], ['chi@vnpt.vn'], ['noc@stttt.gov.vn']]);
      const posted = receiver.received.slice(postsBefore).map((r) => r.body);
      expect(posted).toHaveLength(1);
      expect(posted[0]).toMatchObject({ kind: 'quiet-hours-digest', notices: expect.any(Array) });
      expect((posted[0]!.notices as unknown[]).length).toBe(3);

      const digested = (await after.repo.latest(100)).filter((r) => r.dueAt !== null);
      expect(digested).toHaveLength(13);
      expect(digested.filter((r) => r.target === refusing.url)).toEqual(
        Array(3).fill(
          expect.objectContaining({ status: 'failed', attempts: 1, error: 'HTTP 400', dueAt: END }),
        ),
      );
      expect(digested.filter((r) => r.target !== refusing.url).every((r) => r.status === 'sent')).toBe(true);
      expect(new Set(digested.map((r) => r.finishedAt))).toEqual(new Set([clock.now.toISOString()]));
      expect(after.notifier.counters).toMatchObject({
        sent: { email: 7, webhook: 3 },
        failed: { email: 0, webhook: 3 },
      });
    } finally {
      await after.close();
    }
  });
});

describe('the hub in quiet hours, restarted before the morning', () => {
  const data = tempDir('hnth-quiet-');
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let hub: (RunningHub & { removeData(): void }) | undefined;
  let agent: Agent | undefined;

  const settings = (clockAt: string) => {
    const offset = Date.parse(clockAt) - Date.now();
    return [
      {
        dataDir: data.path,
        'incidents.raiseAfterSec': 0,
        'incidents.clearAfterSec': 1,
        'incidents.checkSec': 1,
        'notify.smtp.host': '127.0.0.1',
        'notify.smtp.port': smtp.port,
        'notify.operatorEmails': ['noc@stttt.gov.vn'],
        'notify.webhooks': [{ url: receiver.url, minSeverity: 'warning' }],
        'notify.quietHoursStart': quietHours.start,
        'notify.quietHoursEnd': quietHours.end,
        'notify.postponedCheckSec': 0.1,
      },
      // The hub's clock runs, from the time given.
      { clock: runningFrom(() => new Date(Date.now() + offset)) },
    ] as const;
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    receiver = await startReceiver(0);
  });
  afterAll(async () => {
    await agent?.stop();
    await hub?.stop();
    hub?.removeData();
    data.remove();
    await receiver?.close();
    await smtp?.close();
  });

  test('a room too hot at 23:00 and cooled again is in the 06:00 digest, marked over, after a restart', async () => {
    const [overrides, options] = settings('2026-11-30T16:00:00.000Z'); // 23:00
    hub = await startTestHub(overrides, options);
    // The room's clock is the hub's: incidents are dated by the room's own events.
    agent = await startTestAgent(hub.mqttUrl, 'so-y-te', 0.5, {}, { clock: options.clock });
    // Only the climate incident's rows: a restarted hub may find the room, now silent, offline.
    let incidentId: number | undefined;
    const climateRows = async () => {
      await hub!.notifier.idle();
      const res = await apiRequest(hub!.httpUrl, 'GET', '/api/notifications', undefined, {
        as: { role: 'operator' },
      });
      const rows = (
        res.body as {
          notifications: {
            incidentId: number;
            event: string;
            channel: string;
            status: string;
            subject: string;
          }[];
        }
      ).notifications;
      incidentId ??= rows.find((r) => r.subject.includes('Nhiệt độ'))?.incidentId;
      return rows.filter((r) => r.incidentId === incidentId);
    };
    const summary = (rows: { event: string; channel: string; status: string }[]) =>
      rows.map((r) => `${r.event}:${r.channel}:${r.status}`).sort();
    const isDigest = (m: (typeof smtp.mails)[number]) => readMail(m).subject.startsWith('[HNTH] Tổng hợp');

    // 35 °C: too hot (a warning), not past the not-ready limit, which is critical and never waits.
    await inject(hub.mqttUrl, 'so-y-te', { temperature: 35 });
    await waitFor('the opening postponed', async () =>
      (await climateRows()).some((r) => r.event === 'opened' && r.status === 'postponed'),
    );
    await inject(hub.mqttUrl, 'so-y-te', { temperature: 24 });
    await waitFor('the closing postponed', async () =>
      (await climateRows()).some((r) => r.event === 'closed' && r.status === 'postponed'),
    );
    expect(summary(await climateRows())).toEqual([
      'closed:email:postponed',
      'closed:email:skipped', // no technician on file
      'closed:webhook:postponed',
      'opened:email:postponed',
      'opened:email:skipped',
      'opened:webhook:postponed',
    ]);
    expect(smtp.mails).toEqual([]);
    expect(receiver.received).toEqual([]);

    await agent.stop();
    agent = undefined;
    await hub.stop();
    hub.removeData();
    hub = undefined;

    hub = await startTestHub(...settings('2026-11-30T23:01:00.000Z')); // 06:01
    const [digest] = await waitFor('the operator digest', () => {
      const found = smtp.mails.filter(isDigest);
      return found.length > 0 && found;
    });
    const [posted] = await waitFor('the webhook digest', () => {
      const found = receiver.received.filter((r) => r.body.kind === 'quiet-hours-digest');
      return found.length > 0 && found;
    });
    const mail = readMail(digest!);
    expect(digest!.to).toEqual(['noc@stttt.gov.vn']);
    expect(mail.subject).toBe('[HNTH] Tổng hợp giờ yên lặng: 2 thông báo, 0 sự cố chưa khắc phục');
    expect(mail.text).toMatch(/1\. .*Sự cố \/ Incident: .*Sở Y tế.* — ĐÃ KHẮC PHỤC lúc .* \/ ALREADY OVER/);
    expect(mail.text).toMatch(/2\. .*Đã khắc phục \/ Recovered: .*Sở Y tế/);
    expect(posted!.body).toMatchObject({
      notices: [
        { event: 'opened', roomId: 'so-y-te', cause: 'climate.out-of-range', over: true },
        { event: 'closed', roomId: 'so-y-te', cause: 'climate.out-of-range', over: true },
      ],
    });
    const morning = await waitFor('the digests recorded', async () => {
      const rows = await climateRows();
      return rows.every((r) => r.status !== 'postponed') && rows;
    });
    expect(summary(morning)).toEqual([
      'closed:email:sent',
      'closed:email:skipped',
      'closed:webhook:sent',
      'opened:email:sent',
      'opened:email:skipped',
      'opened:webhook:sent',
    ]);
    // One digest per recipient and channel, not one message per notice.
    expect(smtp.mails.filter(isDigest)).toHaveLength(1);
    expect(receiver.received.filter((r) => r.body.kind === 'quiet-hours-digest')).toHaveLength(1);
  });
});
