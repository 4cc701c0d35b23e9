/**
 * sd_notify(3) against a real unix datagram socket made by the test, as systemd's would be: the
 * states arrive as sent, the watchdog is fed at half `WATCHDOG_USEC` only for the process
 * `WATCHDOG_PID` names, and every failure is a result naming what is wrong, never a throw.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { sdNotifier, systemdLifecycle } from '../../shared/sd-notify.js';
import { listenNotifySocket, type NotifySocket } from '../helpers/notify-socket.js';
import { waitFor } from '../helpers/wait.js';

let socket: NotifySocket;
beforeEach(() => {
  socket = listenNotifySocket();
});
afterEach(() => socket.close());

describe('sdNotifier', () => {
  test('sends READY=1 and STOPPING=1 as datagrams to $NOTIFY_SOCKET', async () => {
    const n = sdNotifier({ NOTIFY_SOCKET: socket.path });
    expect(n.enabled).toBe(true);
    expect(await n.notify('READY=1')).toEqual({ sent: true });
    expect(await n.notify('STOPPING=1')).toEqual({ sent: true });
    await waitFor('both datagrams', () => socket.messages.length === 2);
    expect(socket.messages).toEqual(['READY=1', 'STOPPING=1']);
  });

  test('feeds the watchdog every half WATCHDOG_USEC until stopped', async () => {
    const n = sdNotifier({ NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '60000' });
    expect(n.watchdogIntervalMs).toBe(30);
    const results: unknown[] = [];
    const stop = n.startWatchdog((r) => results.push(r));
    await waitFor('three watchdog datagrams', () => socket.messages.length >= 3);
    stop();
    expect(new Set(socket.messages)).toEqual(new Set(['WATCHDOG=1']));
    expect(results.every((r) => (r as { sent: boolean }).sent)).toBe(true);
  });

  test.each([
    ['no WATCHDOG_USEC', { WATCHDOG_USEC: undefined, WATCHDOG_PID: undefined }, null],
    ['WATCHDOG_PID of another process', { WATCHDOG_USEC: '2000000', WATCHDOG_PID: '1' }, null],
    ['WATCHDOG_PID of this process', { WATCHDOG_USEC: '2000000', WATCHDOG_PID: '4242' }, 1000],
    ['a WATCHDOG_USEC that is not a number', { WATCHDOG_USEC: 'soon', WATCHDOG_PID: undefined }, null],
  ])('with %s the watchdog interval is as systemd means it', (_what, env, interval) => {
    expect(sdNotifier({ NOTIFY_SOCKET: socket.path, ...env }, undefined, 4242).watchdogIntervalMs).toBe(
      interval,
    );
  });

  test.each([
    ['not run by systemd', {}, /NOTIFY_SOCKET is not set/],
    [
      'a socket that does not exist',
      { NOTIFY_SOCKET: '/nonexistent/notify' },
      /\/nonexistent\/notify: .*ENOENT|-2/,
    ],
    ['an abstract socket', { NOTIFY_SOCKET: '@/org/freedesktop/systemd1/notify' }, /abstract notify socket/],
  ])('%s: the send fails as data naming why', async (_what, env, error) => {
    const result = await sdNotifier(env).notify('READY=1');
    expect(result).toEqual({ sent: false, error: expect.stringMatching(error) });
  });
});

describe('systemdLifecycle', () => {
  test('ready() sends READY=1 and starts the watchdog; stopping() stops it and says STOPPING=1', async () => {
    const warnings: unknown[] = [];
    const life = systemdLifecycle(
      { warn: (o) => warnings.push(o) },
      sdNotifier({ NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '40000' }),
    );
    await life.ready();
    await waitFor('a watchdog datagram', () => socket.messages.includes('WATCHDOG=1'));
    await life.stopping();
    await waitFor('STOPPING=1', () => socket.messages.includes('STOPPING=1'));
    expect(socket.messages[0]).toBe('READY=1');
    // Nothing follows STOPPING=1: the watchdog is stopped before it is sent.
    expect(socket.messages.at(-1)).toBe('STOPPING=1');
    expect(warnings).toEqual([]);
  });

  test('a socket that fails is warned about once, not at every watchdog tick', async () => {
    const warnings: unknown[] = [];
    let sends = 0;
    const failing = sdNotifier({ NOTIFY_SOCKET: '/run/gone', WATCHDOG_USEC: '20000' }, async () => {
      sends++;
      throw new Error('ECONNREFUSED');
    });
    const life = systemdLifecycle({ warn: (o) => warnings.push(o) }, failing);
    await life.ready();
    await waitFor('several failed sends', () => sends >= 4);
    await life.stopping();
    expect(warnings).toEqual([{ error: '/run/gone: ECONNREFUSED' }]);
  });

  test('outside systemd it sends nothing and warns of nothing', async () => {
    const warnings: unknown[] = [];
    let sends = 0;
    const life = systemdLifecycle(
      { warn: (o) => warnings.push(o) },
      sdNotifier({}, async () => void sends++),
    );
    await life.ready();
    await life.stopping();
    expect({ sends, warnings }).toEqual({ sends: 0, warnings: [] });
  });
});
