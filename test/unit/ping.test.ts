import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { seriesStats } from '../../shared/probes/link-stats.js';
import { parsePingOutput, pingSeries } from '../../shared/probes/ping.js';
import type { ProcessRunner } from '../../shared/probes/process-runner.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/ping/${name}.txt`, import.meta.url), 'utf8');

describe('ping output, parsed independently of wording', () => {
  test.each([
    ['all-replies', 3, { sent: 3, received: 3, rttsMs: [0.022, 0.037, 0.031] }],
    ['all-lost', 4, { sent: 4, received: 0, rttsMs: [] }],
    // A duplicate reply is one echo; the summary's count wins over the lines.
    ['some-lost-dup', 4, { sent: 4, received: 3, rttsMs: [10, 30, 20] }],
    ['busybox', 2, { sent: 2, received: 2, rttsMs: [0.101, 0.09] }],
    // Killed before its summary: the requested count and the reply lines give the loss (`time<1 ms` is a reply).
    ['truncated', 4, { sent: 4, received: 2, rttsMs: [5, 1] }],
  ])('%s', (name, requested, series) => {
    expect(parsePingOutput(fixture(name), requested)).toEqual(series);
  });

  // Real output (test/fixtures/real/SOURCES.md): old iputils' icmp_req=, busybox, and a series
  // cut short with its losses in between.
  const real = JSON.parse(
    readFileSync(new URL('../fixtures/real/ping/expected.json', import.meta.url), 'utf8'),
  ) as Record<string, { requested: number; series: unknown }>;
  test.each(Object.entries(real))('real: %s', (file, c) => {
    const text = readFileSync(new URL(`../fixtures/real/ping/${file}`, import.meta.url), 'utf8');
    expect(parsePingOutput(text, c.requested)).toEqual(c.series);
  });

  test('latency is the mean, jitter the mean step between round trips, loss from the counts', () => {
    expect(seriesStats({ sent: 4, received: 3, rttsMs: [10, 30, 20] })).toEqual({
      latencyMs: 20,
      jitterMs: 15,
      lossPct: 25,
    });
    expect(seriesStats({ sent: 4, received: 0, rttsMs: [] })).toEqual({
      latencyMs: null,
      jitterMs: null,
      lossPct: 100,
    });
    expect(seriesStats({ sent: 0, received: 0, rttsMs: [] }).lossPct).toBeNull();
  });
});

describe('pingSeries through an injected runner', () => {
  const calls: { command: string; args: readonly string[]; env?: Record<string, string> }[] = [];
  const runner =
    (stdout: string, extra: Partial<Awaited<ReturnType<ProcessRunner>>> = {}): ProcessRunner =>
    async (command, args, options) => {
      calls.push({ command, args, env: options.env });
      return { code: 0, stdout, stderr: '', ...extra };
    };

  test('runs iputils ping in the C locale with a deadline', async () => {
    const r = await pingSeries(runner(fixture('all-replies')), { host: '10.0.0.5', count: 3 });
    expect(calls.at(-1)).toEqual({
      command: 'ping',
      args: ['-n', '-c', '3', '-i', '0.2', '-W', '1', '-w', '2', '10.0.0.5'],
      env: { LC_ALL: 'C' },
    });
    expect(r).toMatchObject({ ok: true, reachable: true, rttMs: 0.03, detail: '3/3 replies from 10.0.0.5' });
  });

  test('total loss is data with the reason ping gave', async () => {
    const r = await pingSeries(runner(fixture('all-lost'), { code: 1, stderr: '' }), {
      host: '10.0.0.5',
      count: 4,
    });
    expect(r).toMatchObject({ ok: false, reachable: false, rttMs: null, series: { sent: 4, received: 0 } });
    expect(r.detail).toBe('no reply from 10.0.0.5 (0/4)');
  });

  test('ping missing is a result with no series, not an exception, naming the package', async () => {
    // As the real runner answers for a program not on PATH.
    const r = await pingSeries(runner('', { code: null, error: 'ping not found on PATH', notFound: true }), {
      host: '10.0.0.5',
      count: 3,
    });
    expect(r).toMatchObject({
      ok: false,
      series: null,
      detail: 'ping not found on PATH; install iputils-ping',
    });
  });

  test('a host that would be an option to ping is refused without running it', async () => {
    const before = calls.length;
    const r = await pingSeries(runner(''), { host: '-f', count: 3 });
    expect(r).toMatchObject({ ok: false, detail: 'invalid host "-f"' });
    expect(calls.length).toBe(before);
  });
});
