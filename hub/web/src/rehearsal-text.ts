/**
 * A rehearsal's run named for a person: `T-24h` is "Chạy thử trước 24 giờ" (art. 9.3), `now` one
 * asked for by the operator, `inspection` the periodic inspection (art. 11.1); never the code itself.
 */
import { t } from './i18n/i18n.js';

export function slotText(slot: string): string {
  const before = /^T-(\d+(?:\.\d+)?)h$/.exec(slot);
  if (before) return t('slot.before', { h: Number(before[1]) });
  if (slot === 'inspection') return t('slot.inspection');
  return t('slot.now');
}

const attemptErrors = ['timeout', 'not-sent', 'expired', 'unknown-command', 'refused'] as const;

/**
 * Why a room gave no result, from the runner's text (`no rehearsal result: timeout: no reply …`,
 * `reply is not a rehearsal result: …`): its code said in words, never the English.
 */
export function attemptErrorText(error: string | null): string {
  const code = /^no rehearsal result: ([a-z-]+):/.exec(error ?? '')?.[1];
  const known = attemptErrors.find((c) => c === code);
  if (known) return t(`attemptError.${known}`);
  if (/^reply is not a rehearsal result/.test(error ?? '')) return t('attemptError.bad-reply');
  return t('attemptError.other');
}
