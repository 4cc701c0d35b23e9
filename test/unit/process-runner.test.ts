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
  expect(r).toEqual({ code: null, stdout: '', stderr: '', error: 'hnth-no-such-program not found on PATH' });
});

test('a program still running at the timeout is killed and says so', async () => {
  const r = await spawnRunner('sleep', ['30'], { timeoutMs: 100 });
  expect(r).toMatchObject({ code: null, error: 'sleep still running after 100 ms, killed' });
});
