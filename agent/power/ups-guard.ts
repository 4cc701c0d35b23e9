/**
 * Protects the room and its controller on battery (ups-protection.ts decides when): at the critical
 * point it announces `ups.shutdown`, lets power control switch the equipment off in order (when the
 * room has power control), then halts the controller with `power.shutdownCommand`, so the SD card is
 * not corrupted by the cut the battery is about to make. It runs with or without power outputs: a
 * room whose equipment is not switched by hnth still has a controller to save. Once begun, a shutdown
 * is carried through (upsmon does the same); the mains coming back arms it again for the next time.
 */
import type { Logger } from '../../shared/logger.js';
import type { ProcessRunner } from '../../shared/probes/process-runner.js';
import type { Readings } from '../../shared/schemas.js';
import type { AgentContext, AgentPart } from '../agent-part.js';
import { runCommand } from './shutdown-command.js';
import type { UpsTracker, UpsVerdict } from './ups-protection.js';

export interface UpsGuardDeps {
  tracker: UpsTracker;
  /** Switches the equipment off in order (power control's decision sees the critical verdict); absent without outputs. */
  switchOff: (() => Promise<void>) | null;
  /** Program and arguments that halt the controller; empty: do not halt. */
  shutdownArgv: readonly string[];
  runner: ProcessRunner;
  log: Logger;
}

/** How long the halt waits for the hub to store the `ups.shutdown` announcement. */
const ANNOUNCE_WAIT_MS = 10_000;

export class UpsGuard implements AgentPart {
  readonly name = 'ups-guard';
  private context: AgentContext | null = null;
  private running: Promise<void> | null = null;
  private fired = false;

  constructor(private readonly deps: UpsGuardDeps) {}

  async start(context: AgentContext): Promise<void> {
    this.context = context;
  }

  async stop(): Promise<void> {
    await this.running;
  }

  observe(readings: Readings): void {
    this.deps.tracker.observe(readings);
    const verdict = this.deps.tracker.verdict();
    // Back on mains with the controller still up (the command failed, or a simulated one): armed again.
    if (verdict.level === 'ok' && !this.running) this.fired = false;
    if (verdict.level === 'critical' && !this.fired) {
      this.fired = true;
      this.running = this.run(verdict, readings.codec.inCall).finally(() => {
        this.running = null;
      });
    }
  }

  private async run(verdict: UpsVerdict, inCall: boolean): Promise<void> {
    const { log } = this.deps;
    log.warn({ trigger: verdict.trigger, reason: verdict.reason, inCall }, 'UPS critical: shutting down');
    const announced = this.context?.emitDelivered(
      {
        type: 'ups.shutdown',
        severity: 'critical',
        data: {
          trigger: verdict.trigger ?? null,
          reason: verdict.reason,
          upsChargePct: verdict.chargePct,
          upsRuntimeSec: verdict.runtimeSec,
          onBatterySec: verdict.onBatterySec,
          inCall,
        },
      },
      ANNOUNCE_WAIT_MS,
    );
    await this.deps
      .switchOff?.()
      .catch((err: Error) => log.error({ err: err.message }, 'switching off failed'));
    // The equipment is safe; before the halt, the hub hears why the room goes (bounded: the battery
    // does not wait for a line that is down, and the outbox keeps the event for the next boot).
    if (announced && !(await announced))
      log.warn('ups.shutdown not acknowledged by the hub before the halt; it stays in the outbox');
    const argv = this.deps.shutdownArgv;
    if (argv.length === 0) {
      log.warn('power.shutdownCommand is empty: the controller is left to the battery');
      return;
    }
    const result = await runCommand(this.deps.runner, argv);
    if (result.code !== 0) {
      log.error({ command: argv.join(' '), ...result }, 'controller shutdown command failed');
    }
  }
}
