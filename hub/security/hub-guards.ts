/**
 * The hub's running guards, composed once for `startHub`: the audit anchor (the audit log
 * verified and checkpointed outside the database; audit-anchor.ts). Each starts and stops on its own.
 */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { HubConfig } from '../config.js';
import { AuditAnchor } from './audit-anchor.js';
import type { Security } from './security.js';

export interface HubGuards {
  audit: AuditAnchor;
  stop(): void;
}

export function startHubGuards(
  config: HubConfig,
  security: Security,
  auditKey: Buffer,
  deps: { clock: Clock; log: Logger },
): HubGuards {
  const audit = new AuditAnchor(
    security.audit,
    auditKey,
    config.audit.dir,
    deps.clock,
    deps.log,
    config.audit.checkpointEveryMin * 60_000,
  );
  audit.start();
  return {
    audit,
    stop() {
      audit.stop();
    },
  };
}
