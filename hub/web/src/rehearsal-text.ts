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
