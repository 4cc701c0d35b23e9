import { expect, test } from '@jest/globals';
import { spawnRunner } from '../../shared/probes/process-runner.js';

test('output, exit code and the environment given', async () => {
  const r = await spawnRunner('sh', ['-c', 'echo "$LC_ALL"; exit 3'], {
    timeoutMs: 5000,
    env: { LC_ALL: 'C' },
  });
  expect(r).toEqual({ code: 3, stdout: 'C\n', stderr: '' });
});

test('a program that is not installed is a result, not an exception', async () => {
  const r = await spawnRunner('hnth-no-such-program', [], { timeoutMs: 5000 });
  expect(r).toEqual({
    code: null,
    stdout: '',
    stderr: '',
    error: 'hnth-no-such-program not found on PATH',
    notFound: true,
  });
});

test('a program still running at the timeout is killed and says so', async () => {
  const r = await spawnRunner('sleep', ['30'], { timeoutMs: 100 });
  expect(r).toMatchObject({ code: null, error: 'sleep still running after 100 ms, killed' });
});

test('a program kept running gives its lines as they come, until it is stopped', async () => {
  const stop = new AbortController();
  const lines: string[] = [];
  const ended = spawnRunner('sh', ['-c', 'echo 1; echo 2; exec sleep 30'], {
    timeoutMs: null,
    signal: stop.signal,
    onLine: (line) => {
      lines.push(line);
      if (lines.length === 2) stop.abort();
    },
  });
  await expect(ended).resolves.toEqual({ code: null, stdout: '', stderr: '', error: 'sh stopped' });
  expect(lines).toEqual(['1', '2']);
});

test('a program stopped before it starts is not started', async () => {
  const stop = new AbortController();
  stop.abort();
  await expect(spawnRunner('sleep', ['30'], { timeoutMs: null, signal: stop.signal })).resolves.toMatchObject(
    {
      code: null,
      error: 'sleep stopped before it started',
    },
  );
});
