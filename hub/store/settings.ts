import { positive } from '../../shared/settings.js';

/** Which database holds what the rooms report, and how much may wait on it. */
export const storeSettings = {
  url: {
    doc: 'PostgreSQL URL (postgres://user:password@host:5432/hnth) of the store of what the rooms report (events, telemetry samples, readiness transitions), which the hub instances of a shared group then share. Empty: SQLite, hnth.db in the data folder.',
    // The URL holds the password: the messages name the scheme at most, never the value.
    format: (value: unknown) => {
      if (typeof value !== 'string') throw new Error('must be a string');
      if (value === '') return;
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw new Error('must be a postgres:// URL');
      }
      if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
        throw new Error(`must be a postgres:// URL, not ${url.protocol}//`);
      }
    },
    default: '',
    env: 'HNTH_DB_URL',
    sensitive: true,
  },
  maxPendingSamples: {
    doc: 'While this many writes wait on a slow or locked database, live telemetry samples for the history are skipped (counted in hnth_store_samples_skipped_total); events are never skipped.',
    format: 'nat',
    default: 5000,
  },
  followGroupSec: {
    doc: 'In a hub group, how often a hub reads again in the store what the others did: the hub doing the once-only work plans a meeting booked and starts a rehearsal asked for on another within this; every hub reads back the events and the rooms’ flood edges its live relay missed (for the incidents). The speak queue and the coming meetings are read back every 30 s, or at this pace when slower.',
    format: positive,
    default: 2,
  },
};
