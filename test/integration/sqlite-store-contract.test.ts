/** The HubStore contract against the SQLite store as the hub runs it: in its own thread, on a file. */
import path from 'node:path';
import { afterAll } from '@jest/globals';
import { WorkerStore } from '../../hub/store/worker-store.js';
import { createLogger } from '../../shared/logger.js';
import { describeStoreContract } from '../helpers/store-contract.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('hnth-store-contract-');
afterAll(() => dir.remove());
let n = 0;

describeStoreContract(
  'SQLite (worker thread)',
  () => WorkerStore.open(path.join(dir.path, String(n++), 'hnth.db'), createLogger('test', 'silent')),
  (store) => store.close(),
);
