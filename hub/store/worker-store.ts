/**
 * The SQLite store as the hub sees it: every call is handed to the store's own thread
 * (`store-worker.ts`) and answered by a promise once committed. Calls made in the same turn of the
 * event loop (the messages MQTT delivered in one read) travel and commit together.
 */
import type { Worker } from 'node:worker_threads';
import type { Logger } from '../../shared/logger.js';
import type { HubStore, StoreBacklog, SyncStoreCalls } from './store.js';
import type { StoreCall, StoreMethod, StoreResult } from './store-batch.js';
import { PendingCalls, startStoreThread, threadReady } from './store-thread.js';

export type ToStoreThread = { type: 'calls'; calls: StoreCall[] } | { type: 'close' };
export type FromStoreThread =
  | { type: 'ready' }
  | { type: 'results'; results: StoreResult[] }
  | { type: 'closed' };

export class WorkerStore implements HubStore {
  private readonly pending = new PendingCalls<StoreMethod>();
  private outgoing: StoreCall[] = [];
  private flush: NodeJS.Immediate | null = null;
  private closed: Promise<void> | null = null;

  /** Opens the database in the store's thread; rejects with the reason if it cannot (bad file, migration). */
  static async open(file: string, log: Logger): Promise<WorkerStore> {
    const thread = startStoreThread('store-worker', { file });
    await threadReady(thread, `store ${file}`);
    return new WorkerStore(thread, file, log);
  }

  private constructor(
    private readonly thread: Worker,
    private readonly file: string,
    private readonly log: Logger,
  ) {
    thread.on('message', (message: FromStoreThread) => this.onMessage(message));
    thread.on('error', (err) => this.fail(new Error(`store thread failed: ${err.message}`)));
    thread.on('exit', (code) => {
      if (!this.closed) this.fail(new Error(`store thread exited (${code})`));
    });
  }

  insertEvent = (...args: Parameters<SyncStoreCalls['insertEvent']>) => this.call('insertEvent', args);
  listEvents = (...args: Parameters<SyncStoreCalls['listEvents']>) => this.call('listEvents', args);
  listEventsAfter = (...args: Parameters<SyncStoreCalls['listEventsAfter']>) =>
    this.call('listEventsAfter', args);
  lastEventId = () => this.call('lastEventId', []);
  insertTransition = (...args: Parameters<SyncStoreCalls['insertTransition']>) =>
    this.call('insertTransition', args);
  insertSample = (...args: Parameters<SyncStoreCalls['insertSample']>) => this.call('insertSample', args);
  listSamples = (...args: Parameters<SyncStoreCalls['listSamples']>) => this.call('listSamples', args);
  lastHeard = () => this.call('lastHeard', []);
  listTransitions = (...args: Parameters<SyncStoreCalls['listTransitions']>) =>
    this.call('listTransitions', args);
  lastTransitions = (...args: Parameters<SyncStoreCalls['lastTransitions']>) =>
    this.call('lastTransitions', args);
  listEnergy = (...args: Parameters<SyncStoreCalls['listEnergy']>) => this.call('listEnergy', args);

  backlog(): StoreBacklog {
    return this.pending.backlog();
  }

  close(): Promise<void> {
    this.closed ??= this.drainAndClose();
    return this.closed;
  }

  private async drainAndClose(): Promise<void> {
    if (this.pending.failure) return;
    this.send();
    await new Promise<void>((resolve) => {
      this.thread.on('message', (message: FromStoreThread) => message.type === 'closed' && resolve());
      this.thread.once('exit', () => resolve());
      this.thread.postMessage({ type: 'close' } satisfies ToStoreThread);
    });
    await this.thread.terminate();
  }

  private call<K extends StoreMethod>(method: K, args: unknown[]): Promise<ReturnType<SyncStoreCalls[K]>> {
    if (this.pending.failure) return Promise.reject(this.pending.failure);
    if (this.closed) return Promise.reject(new Error(`store ${this.file} is closed`));
    const { id, answer } = this.pending.add(method);
    this.outgoing.push({ id, method, args });
    this.flush ??= setImmediate(() => this.send());
    return answer as Promise<ReturnType<SyncStoreCalls[K]>>;
  }

  private send(): void {
    if (this.flush) clearImmediate(this.flush);
    this.flush = null;
    if (this.outgoing.length === 0) return;
    this.thread.postMessage({ type: 'calls', calls: this.outgoing } satisfies ToStoreThread);
    this.outgoing = [];
  }

  private onMessage(message: FromStoreThread): void {
    if (message.type !== 'results') return;
    for (const result of message.results)
      this.pending.settle(
        result.id,
        result.ok
          ? { value: result.value }
          : { error: (method) => new Error(`store ${method}: ${result.error}`) },
      );
  }

  /** The thread is gone: what waited on it fails now, and so does what comes later. */
  private fail(err: Error): void {
    if (this.pending.fail(err)) this.log.error({ err: err.message, file: this.file }, 'store thread failed');
  }
}
