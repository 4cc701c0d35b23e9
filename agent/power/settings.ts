/**
 * The room's power (art. 6.3-6.5): its switchable outputs, the sequences that switch them, when
 * the room is switched on and off, and what the UPS protection does. Settings of
 * agent/power/compose-power.ts.
 */
import {
  allProblems,
  between,
  type CrossCheck,
  isPlainObject,
  positive,
  type SettingsOf,
} from '../../shared/settings.js';

/** A relay on a header line, or the codec's own standby. */
export type PowerOutputConfig =
  | { name: string; kind: 'relay'; line: string; activeLow: boolean; ratedW: number }
  | { name: string; kind: 'codec-standby'; ratedW: number };

/** One step of a power sequence: switch an output, or wait. */
export type PowerStepConfig = { output: string } | { waitSec: number };

const OUTPUT_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const RELAY_LINE = /^GPIO([0-9]|1[0-9]|2[0-7])$/;

/** Every problem of one output, each starting with its key inside the output. */
function outputProblem(o: unknown): string[] {
  if (!isPlainObject(o)) return [': must be an object {name, kind, ratedW, …}'];
  const problems: string[] = [];
  if (typeof o.name !== 'string' || !OUTPUT_NAME.test(o.name))
    problems.push('.name: must be a short lower-case name such as "display"');
  if (typeof o.ratedW !== 'number' || !(o.ratedW >= 0 && o.ratedW <= 10_000))
    problems.push('.ratedW: must be a number from 0 to 10000 (watts)');
  const keys =
    o.kind === 'relay'
      ? ['name', 'kind', 'line', 'activeLow', 'ratedW']
      : o.kind === 'codec-standby'
        ? ['name', 'kind', 'ratedW']
        : null;
  if (!keys) return [...problems, '.kind: must be "relay" or "codec-standby"'];
  if (o.kind === 'relay') {
    if (typeof o.line !== 'string' || !RELAY_LINE.test(o.line))
      problems.push('.line: must be a BCM line from GPIO0 to GPIO27');
    if (typeof o.activeLow !== 'boolean') problems.push('.activeLow: must be true or false');
  }
  for (const key of Object.keys(o))
    if (!keys.includes(key)) problems.push(`.${key}: not a key of a ${o.kind} output`);
  return problems;
}

function outputProblems(value: unknown): string[] {
  if (!Array.isArray(value)) return ['must be a list of outputs'];
  return [
    ...(value.length > 16 ? [`${value.length} outputs; at most 16`] : []),
    ...value.flatMap((o, i) => outputProblem(o).map((p) => `[${i}]${p}`)),
  ];
}

function stepProblem(step: unknown): string | null {
  if (!isPlainObject(step)) return 'must be {output} or {waitSec}';
  const keys = Object.keys(step).join(',');
  if (keys === 'output')
    return typeof step.output === 'string' && OUTPUT_NAME.test(step.output)
      ? null
      : '.output: must be an output’s name';
  if (keys === 'waitSec')
    return typeof step.waitSec === 'number' && step.waitSec >= 0 && step.waitSec <= 600
      ? null
      : '.waitSec: must be a number from 0 to 600';
  return 'must be {output} or {waitSec}';
}

function sequenceProblems(value: unknown): string[] {
  if (!Array.isArray(value)) return ['must be a list of steps {output} or {waitSec}'];
  return [
    ...(value.length > 64 ? [`${value.length} steps; at most 64`] : []),
    ...value.flatMap((step, i) => {
      const problem = stepProblem(step);
      return problem === null ? [] : [problem.startsWith('.') ? `[${i}]${problem}` : `[${i}]: ${problem}`];
    }),
  ];
}

export const powerSettings = {
  outputs: {
    doc: 'Switchable supplies, in power-on order: relays `{name, kind: "relay", line: "GPIO17", activeLow, ratedW}` and the codec `{name, kind: "codec-standby", ratedW}`. Empty: no power control (simulated rooms get a display, an amplifier and a codec).',
    format: allProblems(outputProblems),
    default: [] as PowerOutputConfig[],
  },
  onSequence: {
    doc: 'Power-on steps `{output}` or `{waitSec}`, art. 6.3; empty: the outputs in order, no waits.',
    format: allProblems(sequenceProblems),
    default: [] as PowerStepConfig[],
  },
  offSequence: {
    doc: 'Power-off steps `{output}` or `{waitSec}`; empty: the outputs in reverse order, no waits.',
    format: allProblems(sequenceProblems),
    default: [] as PowerStepConfig[],
  },
  warmUpMin: {
    doc: 'Minutes before a meeting, rehearsal or inspection that the room is switched on.',
    format: 'nat',
    default: 30,
    env: 'HNTH_POWER_WARMUP_MIN',
  },
  quietMin: {
    doc: 'Minutes without a call, a command or anything scheduled before the room is switched off.',
    format: positive,
    default: 30,
    env: 'HNTH_POWER_QUIET_MIN',
  },
  scheduleMaxAgeH: {
    doc: 'Hours without the hub after which the cached schedule is not trusted and the room stays on.',
    format: positive,
    default: 24,
  },
  upsShutdownPct: {
    doc: 'UPS charge on battery at or below which the room is switched off and the controller shut down (apcupsd BATTERYLEVEL).',
    format: between(0, 100),
    default: 20,
    env: 'HNTH_POWER_UPS_SHUTDOWN_PCT',
  },
  upsShutdownRuntimeSec: {
    doc: 'Runtime left on battery, as the UPS reports it, at or below which the room and the controller shut down (apcupsd MINUTES).',
    format: 'nat',
    default: 180,
    env: 'HNTH_POWER_UPS_SHUTDOWN_RUNTIME',
  },
  upsMaxOnBatterySec: {
    doc: 'Time on battery after which the room and the controller shut down, outside calls (apcupsd TIMEOUT); 0: no limit.',
    format: 'nat',
    default: 0,
    env: 'HNTH_POWER_UPS_MAX_ON_BATTERY',
  },
  shutdownCommand: {
    doc: 'Command that halts the controller when the UPS is critical (the agent’s user needs the right to run it); empty: none.',
    format: String,
    default: 'systemctl poweroff',
    env: 'HNTH_POWER_SHUTDOWN_COMMAND',
  },
  rebootCommand: {
    doc: 'Command that reboots the controller when the operator asks (controller.reboot; the agent’s user needs the right to run it); empty: refused.',
    format: String,
    default: 'systemctl reboot',
    env: 'HNTH_POWER_REBOOT_COMMAND',
  },
  tickSec: {
    doc: 'Seconds between two evaluations of the idle policy when nothing happens.',
    format: positive,
    default: 30,
    env: 'HNTH_POWER_TICK',
  },
  retryAfterSec: {
    doc: 'Seconds before a sequence that failed is tried again.',
    format: positive,
    default: 300,
  },
};

type PowerSettings = SettingsOf<typeof powerSettings>;

/** Sequences may only name configured outputs, and outputs their own names and lines: a typo would otherwise leave equipment on. */
export const powerChecks: CrossCheck<{ power: PowerSettings }>[] = [
  {
    keys: ['power.outputs'],
    check: ({ power }) =>
      power.outputs.flatMap((o, i) => [
        ...(power.outputs.findIndex((x) => x.name === o.name) !== i
          ? [`power.outputs[${i}].name: "${o.name}" is used twice`]
          : []),
        ...(o.kind === 'relay' &&
        power.outputs.findIndex((x) => x.kind === 'relay' && x.line === o.line) !== i
          ? [`power.outputs[${i}].line: ${o.line} drives two relays`]
          : []),
      ]),
  },
  ...(['onSequence', 'offSequence'] as const).map((key) => ({
    keys: ['power.outputs', `power.${key}`],
    check: ({ power }: { power: PowerSettings }) => {
      const names = new Set(power.outputs.map((o) => o.name));
      return power[key].flatMap((step, i) =>
        'output' in step && !names.has(step.output)
          ? [`power.${key}[${i}].output: no output named "${step.output}" in power.outputs`]
          : [],
      );
    },
  })),
];
