import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { linkSeries } from '../../shared/probes/link-series.js';
import type { ProcessRunner } from '../../shared/probes/process-runner.js';
import { parseSipTarget, sipOptions } from '../../shared/probes/sip-options.js';
import { freePort } from '../helpers/mosquitto.js';
import { freeUdpPort, type RunningSipp, startSipp } from '../helpers/sipp.js';

/** SIP and TCP series run no program. */
const noRunner: ProcessRunner = async () => {
  throw new Error('no program should run');
};

describe.each(['udp', 'tcp'] as const)('SIP OPTIONS over %s against a real sipp peer', (transport) => {
  let ok: RunningSipp;
  let refusing: RunningSipp;

  beforeAll(async () => {
    [ok, refusing] = await Promise.all([
      startSipp('options-200', transport),
      startSipp('options-503', transport),
    ]);
  });
  afterAll(async () => {
    await Promise.all([ok?.stop(), refusing?.stop()]);
  });

  test('a peer answering 200 is reachable and ok, with a round trip', async () => {
    const target = parseSipTarget(`sip:127.0.0.1:${ok.port};transport=${transport}`);
    const r = await sipOptions(target, { timeoutMs: 2000 });
    expect(r).toMatchObject({ ok: true, reachable: true, statusCode: 200, detail: '200 OK' });
    expect(r.rttMs).toEqual(expect.any(Number));
  });

  test('a peer answering 503 is reachable but not ok, and says so', async () => {
    const r = await sipOptions({ host: '127.0.0.1', port: refusing.port, transport }, { timeoutMs: 2000 });
    expect(r).toMatchObject({
      ok: false,
      reachable: true,
      statusCode: 503,
      detail: '503 Service Unavailable',
    });
  });

  test('a link series of SIP round trips, where ICMP is filtered', async () => {
    const r = await linkSeries(
      { kind: 'sip', target: { host: '127.0.0.1', port: ok.port, transport } },
      { count: 3, timeoutMs: 1000 },
      noRunner,
    );
    expect(r.series).toMatchObject({ sent: 3, received: 3 });
    expect(r.series?.rttsMs).toHaveLength(3);
  });

  test('no peer at all is unreachable, with the error, not an exception', async () => {
    const port = transport === 'udp' ? await freeUdpPort() : await freePort();
    const r = await sipOptions({ host: '127.0.0.1', port, transport }, { timeoutMs: 1000 });
    expect(r).toMatchObject({ ok: false, reachable: false, rttMs: null, statusCode: null });
    expect(r.detail).toMatch(/ECONNREFUSED/);
  });
});

test('a silent UDP peer (bound, never answers) times out as unreachable', async () => {
  const { createSocket } = await import('node:dgram');
  const silent = createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  let received = 0;
  silent.on('message', () => {
    received++;
  });
  try {
    const r = await sipOptions(
      { host: '127.0.0.1', port: silent.address().port, transport: 'udp' },
      { timeoutMs: 700 },
    );
    expect(r).toMatchObject({ ok: false, reachable: false, statusCode: null });
    expect(r.detail).toMatch(/no SIP answer .* within 700 ms/);
    // RFC 3261 §17.1.2.1: the request is retransmitted after T1 = 500 ms.
    expect(received).toBe(2);
  } finally {
    silent.close();
  }
});

test('a link series of TCP connects counts the refused ones as lost', async () => {
  const { createServer } = await import('node:net');
  const server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as { port: number }).port;
    const up = await linkSeries(
      { kind: 'tcp', host: '127.0.0.1', port },
      { count: 2, timeoutMs: 500 },
      noRunner,
    );
    expect(up.series).toMatchObject({ sent: 2, received: 2 });
    const down = await linkSeries(
      { kind: 'tcp', host: '127.0.0.1', port: await freePort() },
      { count: 2, timeoutMs: 500 },
      noRunner,
    );
    expect(down).toMatchObject({
      series: { sent: 2, received: 0, rttsMs: [] },
      detail: expect.stringMatching(/ECONNREFUSED/),
    });
  } finally {
    server.close();
  }
});
