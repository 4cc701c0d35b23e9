/**
 * Run as its own process by test/unit/in-order.test.ts: a room's store call fails while an earlier
 * one of the same room is still under way. Node ends a process on an unhandled rejection, so this
 * prints `survived` only if the failure was handled from the start.
 */
import { InOrderPerKey } from '../../hub/ingest/in-order.js';

const order = new InOrderPerKey();
let release: (value: string) => void = () => {};
const noop = () => {};
order.follow('room-a', new Promise<string>((resolve) => (release = resolve)), noop, noop);
order.follow('room-a', Promise.reject(new Error('store unreachable')), noop, noop);
setTimeout(() => {
  release('mains.lost');
  setTimeout(() => process.stdout.write('survived\n'), 10);
}, 20);
