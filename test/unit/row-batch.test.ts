import { describe, expect, test } from '@jest/globals';
import { RowBatch } from '../../hub/store/row-batch.js';

/** A write that waits until released, recording each statement's rows; rows named 'bad' fail it. */
function gatedWrite() {
  const statements: string[][] = [];
  const gates: (() => void)[] = [];
  const write = async (rows: readonly string[]) => {
    statements.push([...rows]);
    await new Promise<void>((resolve) => gates.push(resolve));
    if (rows.includes('bad')) throw new Error(`bad row among ${rows.length}`);
  };
  /** Releases every write waiting, until nothing waits after a turn of the event loop. */
  const releaseAll = async () => {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      const waiting = gates.splice(0);
      if (waiting.length === 0) return;
      for (const go of waiting) go();
    }
  };
  return { statements, write, releaseAll };
}

describe('RowBatch', () => {
  test('writes the first row at once and the rows handed in meanwhile as the next statement', async () => {
    const w = gatedWrite();
    const batch = new RowBatch(w.write, 100);
    const answers = ['a', 'b', 'c', 'd'].map((row) => batch.add(row));
    expect(w.statements).toEqual([['a']]);
    await w.releaseAll();
    await Promise.all(answers);
    expect(w.statements).toEqual([['a'], ['b', 'c', 'd']]);
  });

  test('puts at most maxRows in one statement', async () => {
    const w = gatedWrite();
    const batch = new RowBatch(w.write, 2);
    const answers = ['a', 'b', 'c', 'd', 'e', 'f'].map((row) => batch.add(row));
    await w.releaseAll();
    await Promise.all(answers);
    expect(w.statements).toEqual([['a'], ['b', 'c'], ['d', 'e'], ['f']]);
  });

  test('a failed statement is written again row by row: only the bad row fails, and writing goes on', async () => {
    const w = gatedWrite();
    const batch = new RowBatch(w.write, 100);
    const first = batch.add('a');
    const answers = ['b', 'bad', 'c'].map((row) =>
      batch.add(row).then(
        () => 'ok',
        (err: Error) => err.message,
      ),
    );
    await w.releaseAll();
    await first;
    expect(await Promise.all(answers)).toEqual(['ok', 'bad row among 1', 'ok']);
    expect(w.statements).toEqual([['a'], ['b', 'bad', 'c'], ['b'], ['bad'], ['c']]);
    const after = batch.add('d');
    await w.releaseAll();
    await after;
    expect(w.statements.at(-1)).toEqual(['d']);
  });
});
