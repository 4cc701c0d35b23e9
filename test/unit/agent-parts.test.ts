import { afterAll, describe, expect, test } from '@jest/globals';
import { Agent } from '../../agent/agent.js';
import type { AgentContext, AgentPart } from '../../agent/agent-part.js';
import { loadAgentConfig } from '../../agent/config.js';
import { SimHardware } from '../../agent/sim/sim-hardware.js';
import { createLogger } from '../../shared/logger.js';
import type { Readings } from '../../shared/schemas.js';
import { freePort } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

class RecordingPart implements AgentPart {
  readonly name = 'recording';
  readonly observed: Readings[] = [];
  context: AgentContext | null = null;
  stopped = false;
  async start(context: AgentContext) {
    this.context = context;
  }
  async stop() {
    this.stopped = true;
  }
  observe(readings: Readings) {
    this.observed.push(readings);
  }
}

describe('agent parts', () => {
  // Its outbox: the agent never reaches a broker here, so its events wait there.
  const data = tempDir('hnth-agent-parts-');
  afterAll(() => data.remove());

  test('a part that fails to start is logged, and the others start, observe and stop', async () => {
    const config = loadAgentConfig({
      env: {
        HNTH_MQTT_URL: `mqtt://127.0.0.1:${await freePort()}`,
        HNTH_TELEMETRY_INTERVAL: '0.1',
        HNTH_DATA_DIR: data.path,
      },
      args: ['--room', 'tinh-uy', '--simulate'],
    });
    const broken: AgentPart = {
      name: 'broken',
      start: async () => Promise.reject(new Error('no such device')),
      stop: async () => Promise.reject(new Error('still broken')),
    };
    const recording = new RecordingPart();
    const sim = new SimHardware(1);
    const agent = new Agent(config, {
      source: sim,
      sim,
      log: createLogger('t', 'silent'),
      parts: [broken, recording],
    });
    await agent.start();
    await waitFor('two samples observed', () => recording.observed.length >= 2);
    expect(recording.context).toMatchObject({ roomId: 'tinh-uy', commands: agent.commands });
    expect(recording.context?.connected()).toBe(false);
    await agent.stop();
    expect(recording.stopped).toBe(true);
  });
});
