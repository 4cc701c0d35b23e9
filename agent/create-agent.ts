import { type Clock, systemClock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { spawnRunner } from '../shared/probes/process-runner.js';
import type { LineTestResult } from '../shared/schemas.js';
import { AdapterSource } from './adapter-source.js';
import type { RoomAdapters } from './adapters.js';
import { Agent } from './agent.js';
import type { TestCallCodec } from './call/test-call-codec.js';
import type { AgentConfig } from './config.js';
import type { EdgeConfig } from './edges.js';
import type { GpioPort } from './gpio/gpio-port.js';
import { timesyncdSynced } from './power/clock-synced.js';
import { NO_STANDBY_OUTPUT } from './power/codec-standby-output.js';
import { composePower, type RoomPower } from './power/compose-power.js';
import { commandArgv, runCommand } from './power/shutdown-command.js';
import { BaselineStore } from './probes/baseline-store.js';
import { registerConfigCommands } from './probes/config-commands.js';
import { ConfigDriftWatch, type ConfigSource } from './probes/config-drift.js';
import { LineTargetError, parseLineTarget, runLineTest } from './probes/line-test.js';
import type { PeripheralSource } from './probes/peripheral-source.js';
import { roomProbes } from './probes/room-probes.js';
import { rehearseHandler } from './rehearsal/rehearse-handler.js';
import { type CodecRestart, registerRemoteCommands } from './remote/remote-commands.js';
import { edgeConfigFrom, realPorts, roomSensors } from './sensors/room-sensors.js';
import { seedFromString } from './sim/seeded-random.js';
import { SimCodec, simLineTest } from './sim/sim-codec.js';
import { SimConfigPart } from './sim/sim-config-part.js';
import { SIM_CODEC_CONFIG, SimHardware } from './sim/sim-hardware.js';
import { SpeakButton } from './speak/speak-button.js';

/** Kernel ports the agent's adapters use; the GPIO backend is passed in by whoever owns the board. */
export interface AgentPorts {
  gpio?: GpioPort;
  /** The clock of every decision and timer; the system clock unless a test runs a virtual day. */
  clock?: Clock;
  /**
   * Simulated controllers only: what their halt on a critical UPS does once the agent has stopped
   * (the demo boots the room again a while later, as a real one would when the mains return).
   */
  afterHalt?: () => void;
  /** Simulated controllers only: what their reboot does once the agent has stopped (boot it again). */
  afterReboot?: () => void;
}

function speakButton(config: AgentConfig, log: Logger, gpio: GpioPort | undefined): SpeakButton | undefined {
  if (!config.speakButton.line) return undefined;
  if (!gpio) {
    log.error(
      { line: config.speakButton.line },
      'speakButton.line is set but no GPIO backend was given; button ignored',
    );
    return undefined;
  }
  return new SpeakButton(gpio, config.speakButton, log);
}

/** How long the MCU's test number has to answer the controller's line test. */
const LINE_ANSWER_TIMEOUT_MS = 10_000;

/** The codec's API as the rehearsal, the configuration approval and the remote actions use it. */
interface RoomCodec {
  testCall?: TestCallCodec;
  peripherals?: PeripheralSource;
  lineTest: (target: string, durationMs: number) => Promise<LineTestResult>;
  config?: { source: ConfigSource; drift: ConfigDriftWatch; watchedKeys: readonly string[]; kind: string };
  restart: CodecRestart | null;
  reboot: () => Promise<void>;
  /** Why the codec cannot be put in standby, when it cannot (room-probes.ts). */
  noStandby?: string;
}

interface Composed {
  agent: Agent;
  power: RoomPower;
  codec: RoomCodec;
}

/** Composes an agent from its configuration: simulated hardware with `simulate`, real adapters otherwise. */
export function createAgent(config: AgentConfig, log: Logger, ports: AgentPorts = {}): Agent {
  const clock = ports.clock ?? systemClock;
  // Art. 5.3: the configuration the hub's operator approved last, kept on disk across restarts.
  const store = new BaselineStore(
    BaselineStore.fileFor(config.dataDir, config.roomId),
    log.child({ part: 'config' }),
  );
  const baseline = store.load()?.values ?? config.probes.codec.baseline;
  const { agent, power, codec } = config.simulate
    ? simulatedAgent(config, log, ports, clock, baseline)
    : realAgent(config, log, ports, clock, baseline);
  const frozenBy = () => power.control?.frozenBy() ?? null;
  // Rehearsals (art. 9.3): the room is held on, waited for, and judged from samples taken after power-on.
  agent.commands.register(
    'rehearse',
    rehearseHandler({
      sample: () => agent.sampleNow(),
      power: power.control,
      clock,
      bootDeadlineSec: config.probes.codec.bootDeadlineSec,
      pollSec: 1,
      frozenBy,
      ...(codec.testCall ? { testCall: codec.testCall } : {}),
      ...(codec.peripherals ? { peripherals: codec.peripherals } : {}),
      lineTest: codec.lineTest,
    }),
  );
  if (codec.config)
    registerConfigCommands(agent.commands, {
      source: codec.config.source,
      watch: codec.config.drift,
      defaultKeys: codec.config.watchedKeys,
      kind: codec.config.kind,
      store,
      log: log.child({ part: 'config' }),
    });
  registerRemoteCommands(agent.commands, {
    // Power control owns standby and wake where there is one; it says itself why it cannot.
    ...(power.control ? {} : { noStandby: codec.noStandby ?? NO_STANDBY_OUTPUT }),
    codec: codec.restart,
    reboot: codec.reboot,
    frozenBy,
    inCall: () => power.control?.inCall ?? agent.readings.codec.inCall,
    clock,
    log: log.child({ part: 'remote' }),
  });
  return agent;
}

function simulatedAgent(
  config: AgentConfig,
  log: Logger,
  ports: AgentPorts,
  clock: Clock,
  baseline: Record<string, string>,
): Composed {
  const ref: { agent?: Agent } = {};
  const power = composePower(config, {
    log,
    gpio: ports.gpio,
    // A simulated room trusts the machine's clock.
    clockSynced: () => true,
    clock,
    // A simulated controller that halts goes offline as a real one would.
    simulatedHalt: () => setImmediate(() => void ref.agent?.stop().then(() => ports.afterHalt?.())),
  });
  const sim = new SimHardware(config.simSeed || seedFromString(config.roomId), {
    powerState: () => power.control?.state ?? 'on',
    now: clock.now,
    codecBootSec: config.simCodecBootSec,
  });
  const codec = new SimCodec(sim, clock);
  const drift = new ConfigDriftWatch(codec, baseline, (event) => ref.agent?.emit(event));
  ref.agent = new Agent(config, {
    source: sim,
    sim,
    log,
    speakButton: speakButton(config, log, ports.gpio),
    parts: [...power.parts, new SimConfigPart(drift)],
    clock,
  });
  return {
    agent: ref.agent,
    power,
    codec: {
      testCall: codec,
      peripherals: codec,
      lineTest: (target, durationMs) => simLineTest(sim, clock, target, durationMs),
      config: { source: codec, drift, watchedKeys: Object.keys(SIM_CODEC_CONFIG), kind: 'sim' },
      restart: codec,
      // A simulated controller reboots as a real one: gone, then back once the owner starts it.
      reboot: async () => {
        await ref.agent?.stop();
        ports.afterReboot?.();
      },
    },
  };
}

/** The controller's line test to the hub's test number; a bad number is a result like any failure. */
async function lineTest(target: string, durationMs: number): Promise<LineTestResult> {
  try {
    return await runLineTest(parseLineTarget(target), {
      durationMs,
      answerTimeoutMs: LINE_ANSWER_TIMEOUT_MS,
    });
  } catch (err) {
    if (!(err instanceof LineTargetError)) throw err;
    return {
      target,
      outcome: 'error',
      detail: err.message.slice(0, 300),
      sent: 0,
      received: 0,
      lossPct: null,
      jitterMs: null,
      rttMs: null,
    };
  }
}

/**
 * A real room: sensors (UPS, climate, host) and probes (codec, link) from the configuration, on the
 * controller's kernel ports; power control drives the relays on its GPIO and the codec's standby.
 */
function realAgent(
  config: AgentConfig,
  log: Logger,
  ports: AgentPorts,
  clock: Clock,
  baseline: Record<string, string>,
): Composed {
  const sensorPorts = realPorts(config.sensors);
  const gpio = ports.gpio ?? sensorPorts.gpio;
  const ref: { agent?: Agent } = {};
  // Probes report their own edges (configuration drift, link limits with hysteresis).
  const { standby, noStandby, api, ...probes } = roomProbes(
    config.probes,
    (event) => ref.agent?.emit(event),
    spawnRunner,
    baseline,
  );
  const adapters: RoomAdapters = { ...roomSensors(config, sensorPorts), ...probes };
  const timesyncd = timesyncdSynced();
  const power = composePower(config, {
    log,
    gpio,
    ...(standby ? { codecStandby: standby } : {}),
    ...(noStandby ? { noStandby } : {}),
    // No RTC on a Pi: no scheduled switching until the clock is synchronised. The host sensor's
    // reading (timedatectl, chrony) when it has one, systemd-timesyncd's flag file otherwise.
    clockSynced: () => ref.agent?.readings.host?.clockSynced ?? timesyncd(),
    clock,
  });
  const sensed = edgeConfigFrom(config.sensors);
  // The link monitor raises link limits itself, k of n; the per-sample edges would repeat them.
  const edges: EdgeConfig = adapters.link
    ? {
        ...sensed,
        limits: sensed.limits.filter((l) => !['latencyMs', 'jitterMs', 'lossPct'].includes(l.metric)),
      }
    : sensed;
  ref.agent = new Agent(config, {
    source: new AdapterSource(adapters, () => power.control?.state ?? 'on'),
    log,
    speakButton: speakButton(config, log, gpio),
    parts: power.parts,
    edges,
    clock,
  });
  const rebootArgv = commandArgv(config.power.rebootCommand);
  return {
    agent: ref.agent,
    power,
    codec: {
      ...(api ? { testCall: api.testCall, peripherals: api.peripherals } : {}),
      lineTest,
      ...(api
        ? { config: { source: api.config, drift: api.drift, watchedKeys: api.watchedKeys, kind: api.kind } }
        : {}),
      restart: api?.restart ?? null,
      ...(noStandby ? { noStandby } : {}),
      reboot: async () => {
        if (rebootArgv.length === 0) {
          log.error('power.rebootCommand is empty: the controller cannot reboot itself');
          return;
        }
        const r = await runCommand(spawnRunner, rebootArgv);
        if (r.code !== 0) log.error({ command: rebootArgv.join(' '), ...r }, 'reboot command failed');
      },
    },
  };
}
