import { describe, expect, test } from '@jest/globals';
import { Turns } from '../../hub/turns.js';

/** A piece of work that ends when told to, recording when it began. */
function gate(log: string[], name: string) {
  let end: (fail?: boolean) => void = () => {};
  const work = () =>
    new Promise<string>((resolve, reject) => {
      log.push(`begin ${name}`);
      end = (fail) => (fail ? reject(new Error(name)) : resolve(name));
    });
  return { work, end: (fail?: boolean) => end(fail) };
}

const turnOfLoop = () => new Promise((resolve) => setImmediate(resolve));

/** Lets promise callbacks run until `log` has `entry` (a few turns at most: nothing here waits on I/O). */
async function until(log: string[], entry: string): Promise<void> {
  for (let i = 0; i < 10 && !log.includes(entry); i++) await turnOfLoop();
  expect(log).toContain(entry);
}

describe('Turns', () => {
  test('each piece begins once the one before has ended, failed or not; its result is its caller’s', async () => {
    const turns = new Turns();
    const log: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((n) => gate(log, n)) as [
      ReturnType<typeof gate>,
      ReturnType<typeof gate>,
      ReturnType<typeof gate>,
    ];
    const results = [a, b, c].map((g) =>
      turns.next(g.work).then(String, (err: Error) => `failed ${err.message}`),
    );
    await turnOfLoop();
    expect(log).toEqual(['begin a']);
    a.end(true);
    await turnOfLoop();
    expect(log).toEqual(['begin a', 'begin b']);
    b.end();
    await until(log, 'begin c');
    c.end();
    expect(await Promise.all(results)).toEqual(['failed a', 'b', 'c']);
    await turns.idle();
  });

  test('asked again while one waits for its turn, a joined piece runs once for all the asks', async () => {
    const turns = new Turns();
    const log: string[] = [];
    const busy = gate(log, 'write');
    const writing = turns.next(busy.work);
    let reads = 0;
    const read = async () => {
      reads++;
    };
    const asks = [turns.joined(read), turns.joined(read), turns.joined(read)];
    await until(log, 'begin write');
    expect(reads).toBe(0);
    busy.end();
    await writing;
    await Promise.all(asks);
    expect(reads).toBe(1);
    // Asked again once that read has begun: one more.
    await turns.joined(read);
    expect(reads).toBe(2);
    await turns.idle();
  });
});
