/**
 * Ordered power-on and power-off (art. 6.3: switch on and off following the technical procedure):
 * mains first and codec last on the way up, the reverse on the way down, with waits for equipment
 * to settle. A step that fails stops the sequence where it is: on the way down that never cuts the
 * mains of a codec that did not go to standby; on the way up what is on stays on.
 */
import type { PowerOutput, PowerState } from './power-output.js';

export type SequenceStep = { output: string } | { waitSec: number };

export interface StepResult {
  index: number;
  /** `mains on`, `wait 5 s`. */
  step: string;
  outcome: 'done' | 'unchanged' | 'skipped' | 'failed';
  error?: string;
}

export interface SequenceResult {
  direction: PowerState;
  ok: boolean;
  steps: StepResult[];
  /** The step that failed, when one did. */
  failed?: StepResult;
  /** Whether any output was switched. */
  changed: boolean;
}

export interface SequenceOptions {
  /** Switch even outputs that already read as the target (hardware touched by hand). */
  force?: boolean;
  /** Waits through the injected timer, so tests run in fake time. */
  sleep: (ms: number) => Promise<void>;
}

function describe(step: SequenceStep, direction: PowerState): string {
  return 'waitSec' in step ? `wait ${step.waitSec} s` : `${step.output} ${direction}`;
}

/**
 * Runs the steps in order. A wait is only waited when the step before it switched something:
 * there is nothing to settle after an output that was already in place.
 */
export async function runSequence(
  direction: PowerState,
  steps: readonly SequenceStep[],
  outputs: ReadonlyMap<string, PowerOutput>,
  options: SequenceOptions,
): Promise<SequenceResult> {
  const results: StepResult[] = [];
  let changed = false;
  let previousSwitched = false;
  for (const [index, step] of steps.entries()) {
    const label = describe(step, direction);
    if ('waitSec' in step) {
      if (previousSwitched) {
        await options.sleep(step.waitSec * 1000);
        results.push({ index, step: label, outcome: 'done' });
      } else {
        results.push({ index, step: label, outcome: 'skipped' });
      }
      continue;
    }
    // Config validation guarantees every named output exists.
    const output = outputs.get(step.output)!;
    if (output.state === direction && !options.force) {
      previousSwitched = false;
      results.push({ index, step: label, outcome: 'unchanged' });
      continue;
    }
    try {
      await output.set(direction === 'on');
    } catch (err) {
      const failed: StepResult = { index, step: label, outcome: 'failed', error: (err as Error).message };
      results.push(failed);
      return { direction, ok: false, steps: results, failed, changed };
    }
    changed = true;
    previousSwitched = true;
    results.push({ index, step: label, outcome: 'done' });
  }
  return { direction, ok: true, steps: results, changed };
}

/** One line for logs and event data: `mains on done, wait 5 s done, display on failed`. */
export function summarise(result: SequenceResult): string {
  return result.steps.map((s) => `${s.step} ${s.outcome}`).join(', ');
}

/** The default order when the config gives none: outputs as listed on the way up, reversed down. */
export function defaultSequence(outputNames: readonly string[], direction: PowerState): SequenceStep[] {
  const names = direction === 'on' ? outputNames : [...outputNames].reverse();
  return names.map((output) => ({ output }));
}
