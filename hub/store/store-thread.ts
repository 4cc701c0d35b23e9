/**
 * Starts one of the store's threads: the compiled `NAME.js` beside this file, or from the TypeScript
 * sources (tests, `tsx`) `NAME.ts` through tsx's loader, as the hub itself was.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

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
