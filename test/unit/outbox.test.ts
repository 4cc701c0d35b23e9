import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { pino } from 'pino';
import { HUB_ACK_WAIT_MS, Outbox, type OutboxRecord } from '../../agent/link/outbox.js';
import { OutboxLog, readLog } from '../../agent/link/outbox-log.js';
import { createLogger } from '../../shared/logger.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
afterAll(() => dir.remove());
const log = createLogger('test', 'silent');
let n = 0;
const file = () => path.join(dir.path, `case-${++n}`, 'outbox.log');

/** A broker stand-in: records what was sent; `ack` controls whether sends succeed. */
function broker() {
  const sent: OutboxRecord[] = [];
  const waiting: (() => void)[] = [];
  let auto = true;
  return {
    sent,
    send: (r: OutboxRecord) =>
      new Promise<void>((resolve) => {
        sent.push(r);
        if (auto) resolve();
        else waiting.push(resolve);
      }),
    hold: () => {
      auto = false;
    },
    ackAll: () => {
      for (const w of waiting.splice(0)) w();
    },
  };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('outbox', () => {
  test('records wait while offline and go out in order on connect, then are forgotten', async () => {
    const f = file();
    const b = broker();
    const box = new Outbox(f, 1 << 20, b.send, log);
    box.open();
    box.push('events', 'e1');
    box.push('events', 'e2');
    expect(b.sent).toEqual([]);
    expect(box.status()).toEqual({ pendingCount: 2 });
    box.setConnected(true);
    await flush();
    expect(b.sent.map((r) => r.body)).toEqual(['e1', 'e2']);
    expect(box.status()).toEqual({ pendingCount: 0 });
    box.close();
    expect(readFileSync(f).length).toBe(0);
  });

  test('what was not acknowledged survives a restart and is sent again', async () => {
    const f = file();
    const b = broker();
    b.hold();
    const first = new Outbox(f, 1 << 20, b.send, log);
    first.open();
    first.setConnected(true);
    first.push('events', 'e1');
    first.push('events', 'e2');
    first.close(); // a crash: neither was acknowledged

    const b2 = broker();
    const second = new Outbox(f, 1 << 20, b2.send, log);
    expect(second.open()).toEqual({ recovered: 2, tornBytes: 0, quarantined: [] });
    second.push('events', 'e3');
    second.setConnected(true);
    await flush();
    expect(b2.sent.map((r) => `${r.id}:${r.body}`)).toEqual(['1:e1', '2:e2', '3:e3']);
  });

  test('a record torn by a crash mid-write is skipped and cut, the ones before it kept', async () => {
    const f = file();
    const b = broker();
    const box = new Outbox(f, 1 << 20, b.send, log);
    box.open();
    box.push('events', 'whole-1');
    box.push('events', 'whole-2');
    box.close();
    // What kill -9 in the middle of writing a third record leaves: a header and half a body.
    const torn = Buffer.alloc(8 + 10);
    torn.writeUInt32LE(40, 0);
    appendFileSync(f, torn);

    const b2 = broker();
    const again = new Outbox(f, 1 << 20, b2.send, log);
    expect(again.open()).toEqual({ recovered: 2, tornBytes: 18, quarantined: [] });
    expect(readLog(f).tornBytes).toBe(0);
    again.setConnected(true);
    await flush();
    expect(b2.sent.map((r) => r.body)).toEqual(['whole-1', 'whole-2']);
  });

  test('a whole last record whose checksum does not match is corrupt, not torn: set aside', () => {
    const f = file();
    mkdirSync(path.dirname(f), { recursive: true });
    const w = new OutboxLog(f);
    w.open([
      { put: { id: 1, channel: 'events', body: 'a' } },
      { put: { id: 2, channel: 'events', body: 'b' } },
    ]);
    w.close();
    const bytes = readFileSync(f);
    const at = bytes.length - 3;
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
    writeFileSync(f, bytes);
    const r = readLog<{ put: OutboxRecord }>(f);
    expect(r.records.map((x) => x.put.body)).toEqual(['a']);
    expect(r.tornBytes).toBe(0);
    expect(r.corrupt.map((c) => [c.offset, c.bytes.length])).toEqual([[bytes.length / 2, bytes.length / 2]]);
  });

  test('past its bound it drops the oldest telemetry first and never an event', () => {
    const b = broker();
    const box = new Outbox(file(), 30, b.send, log);
    box.open();
    box.push('telemetry', 't1-xxxxxxxx');
    box.push('events', 'e1-xxxxxxxx');
    box.push('telemetry', 't2-xxxxxxxx');
    box.push('events', 'e2-xxxxxxxx');
    expect(box.status().pendingCount).toBe(2);
    box.push('events', 'e3-xxxxxxxx');
    box.setConnected(true);
    expect(b.sent.map((r) => r.body)).toEqual(['e1-xxxxxxxx', 'e2-xxxxxxxx', 'e3-xxxxxxxx']);
  });

  test('a disk that refuses writes leaves the outbox working in memory and says why', async () => {
    const f = file();
    const b = broker();
    const box = new Outbox(f, 1 << 20, b.send, log);
    box.open();
    box.push('events', 'before');
    chmodSync(f, 0o444);
    chmodSync(path.dirname(f), 0o555);
    // root ignores permissions; a directory in place of the temp file makes the rewrite fail for anyone.
    mkdirSync(`${f}.tmp`);
    box.setConnected(true);
    await flush();
    expect(box.status()).toEqual({
      pendingCount: 0,
      fault: expect.stringMatching(/^outbox cannot write to disk: E/),
    });
    box.push('events', 'after');
    await flush();
    expect(b.sent.map((r) => r.body)).toEqual(['before', 'after']);
  });

  test('an acknowledgement for a record already forgotten changes nothing', async () => {
    const b = broker();
    b.hold();
    const box = new Outbox(file(), 1 << 20, b.send, log);
    box.open();
    box.setConnected(true);
    box.push('events', 'e1');
    box.setConnected(true); // told twice: nothing is sent again
    box.setConnected(false);
    box.setConnected(true); // resent after the reconnect: two sends in flight for one record
    b.ackAll();
    await flush();
    expect(b.sent.map((r) => r.body)).toEqual(['e1', 'e1']);
    expect(box.status()).toEqual({ pendingCount: 0 });
  });

  test('an event is forgotten on the hub’s acknowledgement, not the broker’s: until then every reconnect sends it again', async () => {
    const f = file();
    const b = broker();
    const box = new Outbox(f, 1 << 20, b.send, log);
    box.open();
    box.setConnected(true);
    box.push('events', 'e1', 'boot:0');
    box.push('events', 'e2', 'boot:1');
    await flush();
    expect(box.status().pendingCount).toBe(2); // PUBACKed, not yet stored by the hub
    box.setConnected(false);
    box.setConnected(true);
    await flush();
    expect(b.sent.map((r) => r.body)).toEqual(['e1', 'e2', 'e1', 'e2']);
    box.acknowledge(['boot:0', 'other:1']);
    expect(box.status().pendingCount).toBe(1);
    box.close();
    // What the hub has not acknowledged survives a restart too.
    const again = new Outbox(f, 1 << 20, broker().send, log);
    expect(again.open().recovered).toBe(1);
  });

  test('an event the broker took but the hub never acknowledged is sent again after the wait, once per wait', async () => {
    let now = 1_000_000;
    const b = broker();
    const box = new Outbox(file(), 1 << 20, b.send, log, () => now);
    box.open();
    box.setConnected(true);
    box.push('events', 'e1', 'boot:0');
    box.push('events', 'e2', 'boot:1');
    await flush();
    box.acknowledge(['boot:1']);
    now += HUB_ACK_WAIT_MS - 1;
    box.recheck();
    await flush();
    expect(b.sent.map((r) => r.body)).toEqual(['e1', 'e2']);
    now += 1;
    box.recheck();
    await flush();
    // Only what the hub did not acknowledge, and not again before another wait.
    expect(b.sent.map((r) => r.body)).toEqual(['e1', 'e2', 'e1']);
    box.recheck();
    await flush();
    expect(b.sent).toHaveLength(3);
    box.acknowledge(['boot:0']);
    now += HUB_ACK_WAIT_MS;
    box.recheck();
    await flush();
    expect(b.sent).toHaveLength(3);
    expect(box.status().pendingCount).toBe(0);
    box.close();
  });

  describe('one corrupt byte in the middle of the log', () => {
    const event = (seq: number) =>
      JSON.stringify({ v: 1, type: 'mains.lost', severity: 'critical', data: {}, ts: 'T', bootId: 'b', seq });

    /** Five events waiting in a log; returns the file and where each record starts. */
    function fiveEvents(): { f: string; starts: number[] } {
      const f = file();
      const box = new Outbox(f, 1 << 20, broker().send, log);
      box.open();
      const starts: number[] = [];
      for (let seq = 0; seq < 5; seq++) {
        starts.push(existsSync(f) ? statSync(f).size : 0);
        box.push('events', event(seq), `b:${seq}`);
      }
      box.close();
      return { f, starts };
    }

    /** A logger whose lines the test reads. */
    function recordingLog() {
      const lines: { msg: string; [k: string]: unknown }[] = [];
      const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
      return { logger, lines };
    }

    test.each([
      ['in the body of the third record (its checksum fails)', 20],
      ['in the length field of the third record (its frame is garbage)', 1],
    ])('%s: that record is skipped, the four others kept and sent in order', async (_where, into) => {
      const { f, starts } = fiveEvents();
      const bytes = readFileSync(f);
      const third = bytes.subarray(starts[2]!, starts[3]!);
      const flipped = Buffer.from(bytes);
      flipped.writeUInt8(flipped.readUInt8(starts[2]! + into) ^ 0x40, starts[2]! + into);
      writeFileSync(f, flipped);

      const { logger, lines } = recordingLog();
      const b = broker();
      const box = new Outbox(f, 1 << 20, b.send, logger);
      const quarantineFile = `${f}.quarantine`;
      expect(box.open()).toEqual({
        recovered: 4,
        tornBytes: 0,
        quarantined: [{ offset: starts[2], bytes: third.length, quarantineFile }],
      });
      // The bad bytes are kept, as they were on disk, for whoever wants to look at them.
      const kept = Buffer.from(third);
      kept.writeUInt8(kept.readUInt8(into) ^ 0x40, into);
      expect(readFileSync(quarantineFile)).toEqual(kept);
      // The log line says which record and where its bytes went.
      const line = lines.find((l) => l.msg.includes('corrupt record'));
      expect(line).toMatchObject({ offset: starts[2], bytes: third.length, quarantineFile, kept: 4 });
      expect(line?.msg).toContain(`at byte ${starts[2]}`);
      expect(line?.msg).toContain(quarantineFile);

      box.setConnected(true);
      await flush();
      expect(b.sent.map((r) => JSON.parse(r.body).seq)).toEqual([0, 1, 3, 4]);
      // The log was rewritten without the bad span: the next start reads it clean.
      expect(readLog(f).corrupt).toEqual([]);
    });
  });

  test('an outbox written by version 0.1.0 (before corrupt records were skipped) is read as it is', async () => {
    // Made with 0.1.0's outbox.ts: events seq 0..3 of boot `old-boot` and one replayed telemetry
    // pushed, then seq 2 acknowledged by the hub (a `done` record).
    const f = file();
    mkdirSync(path.dirname(f), { recursive: true });
    copyFileSync(path.join(import.meta.dirname, '../fixtures/outbox/written-by-0.1.0.log'), f);
    const b = broker();
    const box = new Outbox(f, 1 << 20, b.send, log);
    expect(box.open()).toEqual({ recovered: 4, tornBytes: 0, quarantined: [] });
    box.setConnected(true);
    await flush();
    expect(b.sent.map((r) => [r.id, r.channel, r.ackKey])).toEqual([
      [1, 'events', 'old-boot:0'],
      [2, 'events', 'old-boot:1'],
      [4, 'events', 'old-boot:3'],
      [5, 'telemetry', undefined],
    ]);
    box.push('events', 'after the upgrade');
    await flush();
    expect(b.sent.at(-1)).toMatchObject({ id: 6, body: 'after the upgrade' });
  });
});
