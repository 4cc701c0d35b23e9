import { appendFileSync, chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
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
    expect(second.open()).toEqual({ recovered: 2, tornBytes: 0 });
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
    expect(again.open()).toEqual({ recovered: 2, tornBytes: 18 });
    expect(readLog(f).tornBytes).toBe(0);
    again.setConnected(true);
    await flush();
    expect(b2.sent.map((r) => r.body)).toEqual(['whole-1', 'whole-2']);
  });

  test('a record whose checksum does not match ends the good part of the log', () => {
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
    expect(r.tornBytes).toBeGreaterThan(0);
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
});
