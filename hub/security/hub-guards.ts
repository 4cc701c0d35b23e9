/**
 * The hub's running guards, one part of the hub: the flood guard (one room cannot take
 * the others' messages; hub/broker/flood-guard.ts) and the audit anchor (the audit log verified and
 * checkpointed outside the database; audit-anchor.ts). Each starts and stops on its own.
 */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { spawnRunner } from '../../shared/probes/process-runner.js';
import { FloodGuard } from '../broker/flood-guard.js';
import { mosquittoControl } from '../broker/mosquitto-control.js';
import type { HubConfig } from '../config.js';
import type { Part } from '../parts/part.js';
import { AuditAnchor } from './audit-anchor.js';
import type { Security } from './security.js';

export interface HubGuards extends Part {
  flood: FloodGuard;
  audit: AuditAnchor;
  /** Starts both; resolves once the audit log's first verification (the whole chain) is done. */
  start(): Promise<void>;
  /** Stops both, once the audit log's last checkpoint is written. */
  stop(): Promise<void>;
}

export function hubGuards(
  config: HubConfig,
  security: Security,
  auditKey: Buffer,
  deps: {
    isRoom(roomId: string): boolean;
    incidents: { onHubEdge(roomId: string, type: string, data: Record<string, unknown>): void };
    clock: Clock;
    log: Logger;
  },
): HubGuards {
  const { mqtt } = config;
  const flood = new FloodGuard({
    rule: { perSec: mqtt.floodPerSec, burst: mqtt.floodBurst },
    recheckMs: mqtt.floodRecheckSec * 1000,
    external: Boolean(mqtt.url),
    isRoom: deps.isRoom,
    credentials: security.credentials,
    control: mosquittoControl(
      { dir: mqtt.mosquitto.dir, reloadCommand: mqtt.mosquitto.reloadCommand.split(/\s+/).filter(Boolean) },
      security.credentials,
      { simInject: mqtt.simInject },
      spawnRunner,
    ),
    audit: security.audit,
    incidents: deps.incidents,
    log: deps.log,
    clock: deps.clock,
  });
  const audit = new AuditAnchor(
    security.audit,
    auditKey,
    config.audit.dir,
    deps.clock,
    deps.log,
    config.audit.checkpointEveryMin * 60_000,
  );
  return {
    name: 'guards',
    flood,
    audit,
    async start() {
      await flood.start();
      await audit.start();
    },
    async stop() {
      flood.stop();
      await audit.stop();
    },
  };
}
