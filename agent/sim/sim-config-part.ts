/**
 * The simulated codec's configuration watched for drift (art. 5.3) on every sample: the simulated
 * codec answers at once, so a value injected with `codecConfig` raises `config.drift` with the
 * sample that follows the injection, as a real room's scheduled check would some minutes later.
 */
import type { AgentPart } from '../agent-part.js';
import type { ConfigDriftWatch } from '../probes/config-drift.js';

export class SimConfigPart implements AgentPart {
  readonly name = 'sim-config';

  constructor(private readonly watch: ConfigDriftWatch) {}

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  observe(): void {
    void this.watch.check();
  }
}
