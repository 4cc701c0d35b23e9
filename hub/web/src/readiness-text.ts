/**
 * A room's readiness in the reader's words: each cause translated from its `code` and `params`,
 * falling back to the hub's English text for a code this dashboard does not know yet.
 */
import type { RoomView } from '../../fleet-state.js';
import type { Cause } from '../../readiness.js';
import { hasKey, t } from './i18n/i18n.js';

export function causeText(cause: Cause): string {
  if (cause.code === 'mains.lost' && cause.params.upsChargePct === undefined)
    return t('cause.mains.lost.noUps');
  const key = `cause.${cause.code}`;
  return hasKey(key) ? t(key, cause.params) : cause.text;
}

/** The reasons to show on a tile: translated causes; for a room offline or switched off, that. */
export function reasonsOf(room: RoomView): string[] {
  const level = room.readiness.level;
  const causes = room.readiness.causes.map(causeText);
  if (level === 'POWERED_OFF') return [t('cause.switchedOff'), ...causes];
  if (level === 'OFFLINE') return [];
  return causes;
}
