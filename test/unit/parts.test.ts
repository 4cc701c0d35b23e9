/**
 * The hub's parts start in order and stop in the reverse; a part failing to start stops the ones
 * started (itself included) and its error is the one reported; a part failing to stop does not
 * keep the others running.
 */
import { expect, test } from '@jest/globals';
import { type Part, startParts } from '../../hub/parts/part.js';
import { createLogger } from '../../shared/logger.js';

const log = createLogger('hub', 'silent');

function recorder() {
  const seen: string[] = [];
  const part = (name: string, fail?: 'start' | 'stop'): Part => ({
    name,
    start: async () => {
      seen.push(`start ${name}`);
      if (fail === 'start') throw new Error(`${name} did not start`);
    },
    stop: async () => {
      seen.push(`stop ${name}`);
      if (fail === 'stop') throw new Error(`${name} did not stop`);
    },
  });
  return { seen, part };
}

test('started in order, stopped in the reverse, once however often asked', async () => {
  const { seen, part } = recorder();
  const running = await startParts([part('store'), part('api'), { name: 'http' }], log);
  await Promise.all([running.stop(), running.stop()]);
  expect(seen).toEqual(['start store', 'start api', 'stop api', 'stop store']);
});

test('a part that fails to start stops those started, itself first, and its error is reported', async () => {
  const { seen, part } = recorder();
  await expect(startParts([part('store'), part('broker', 'start'), part('http')], log)).rejects.toThrow(
    'broker did not start',
  );
  expect(seen).toEqual(['start store', 'start broker', 'stop broker', 'stop store']);
});

test('a part that fails to stop does not keep the others running; its error is reported after', async () => {
  const { seen, part } = recorder();
  const running = await startParts([part('store'), part('api', 'stop'), part('http')], log);
  await expect(running.stop()).rejects.toThrow('api did not stop');
  expect(seen).toEqual(['start store', 'start api', 'start http', 'stop http', 'stop api', 'stop store']);
});
