/** Where the audit log's key and signed checkpoints live, and how often a checkpoint is written. */
import path from 'node:path';
import { positive } from '../../shared/settings.js';

export const auditSettings = {
  dir: {
    doc: 'Folder outside the data folder for the audit log’s secret key (audit.key, created with mode 0600 at the first start) and its signed checkpoints (checkpoints.jsonl). Whoever can write the database must not be able to write here. The hubs of a group sharing one store.url keep one audit chain, so each needs the same audit.key: copy the first hub’s. Empty: hub-audit beside the configuration file (or, without one, <dataDir>-audit).',
    format: String,
    default: '',
    env: 'HNTH_AUDIT_DIR',
  },
  checkpointEveryMin: {
    doc: 'How often the hub verifies what the audit log gained and, when it grew, writes a signed checkpoint there and to its log.',
    format: positive,
    default: 5,
  },
};

/**
 * The audit folder: as configured, or beside the configuration file, or beside the data folder.
 * It must lie outside the data folder, whose copies and writers it must outlive (auditDirProblem).
 */
export function auditDir(configured: string, dataDir: string, configFile: string | undefined): string {
  if (configured) return path.resolve(configured);
  return configFile
    ? path.join(path.dirname(path.resolve(configFile)), 'hub-audit')
    : `${path.resolve(dataDir)}-audit`;
}

/** Why the audit folder cannot be used, or null. */
export function auditDirProblem(dir: string, dataDir: string): string | null {
  const data = path.resolve(dataDir);
  const inside = path.relative(data, dir);
  return inside === '' || !(inside.startsWith('..') || path.isAbsolute(inside))
    ? `audit.dir (HNTH_AUDIT_DIR) ${dir} is inside the data folder ${data}; it must be outside it`
    : null;
}
