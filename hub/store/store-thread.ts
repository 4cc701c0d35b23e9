/**
 * Starts one of the store's threads: the compiled `NAME.js` beside this file, or from the TypeScript
 * sources (tests, `tsx`) `NAME.ts` through tsx's loader, as the hub itself was.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { StoreBacklog } from './store.js';

export function startStoreThread(name: 'store-worker' | 'sql-worker', workerData: unknown): Worker {
  const compiled = new URL(`./${name}.js`, import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return new Worker(compiled, { workerData });
  const tsxDir = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(path.join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const source = new URL(`./${name}.ts`, import.meta.url).href;
  const boot = `(async () => { (await import(${JSON.stringify(tsx)})).register(); await import(${JSON.stringify(source)}); })();`;
  return new Worker(boot, { eval: true, workerData });
}

/** Resolves once the thread says it is ready; rejects with what stopped it otherwise. */
export function threadReady(thread: Worker, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(new Error(`${what}: ${err.message}`));
    thread.once('error', onError);
    thread.once('message', (message: { type: string }) => {
      thread.off('error', onError);
      if (message.type === 'ready') resolve();
      else reject(new Error(`${what}: unexpected first message ${message.type}`));
    });
  });
}

/**
 * The calls handed to a store's thread and not yet answered, by id: answered one by one, all failed
 * at once when the thread is gone (and every later one with them), counted for the backlog.
 */
export class PendingCalls<Tag> {
  private readonly waiting = new Map<
    number,
    { tag: Tag; since: number; resolve(value: unknown): void; reject(err: Error): void }
  >();
  private nextId = 1;
  /** Why the thread is gone; null while it runs. */
  failure: Error | null = null;

  /** A new call's id and its answer, tagged with what the answer's error should name. */
  add(tag: Tag): { id: number; answer: Promise<unknown> } {
    const id = this.nextId++;
    const answer = new Promise<unknown>((resolve, reject) => {
      this.waiting.set(id, { tag, since: Date.now(), resolve, reject });
    });
    return { id, answer };
  }

  /** The thread's answer to call `id`: its value, or the error made from its tag. */
  settle(id: number, outcome: { value: unknown } | { error: (tag: Tag) => Error }): void {
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    this.waiting.delete(id);
    if ('value' in outcome) waiting.resolve(outcome.value);
    else waiting.reject(outcome.error(waiting.tag));
  }

  /** The thread is gone: what waited fails now, and so does what comes later. False if it already was. */
  fail(err: Error): boolean {
    if (this.failure) return false;
    this.failure = err;
    for (const waiting of this.waiting.values()) waiting.reject(err);
    this.waiting.clear();
    return true;
  }

  backlog(): StoreBacklog {
    const oldest = this.waiting.values().next().value;
    return { pending: this.waiting.size, oldestSince: oldest ? new Date(oldest.since) : null };
  }
}
