/**
 * A room's readiness in the reader's words: its health's causes translated from their `code` and
 * `params` (times in the province's time), "another abnormal sign" for a code this dashboard does
 * not know yet; and its power state with why, apart from its health.
 */
import { formatTime } from '../../../shared/format-time.js';
import type { RoomView } from '../../fleet-state.js';
import type { Cause } from '../../readiness.js';
import { hasKey, t } from './i18n/i18n.js';

function mainsLostText(p: Cause['params']): string {
  if (p.runtimeMin !== undefined && p.upsChargePct !== undefined) return t('cause.mains.lost.runtime', p);
  if (p.runtimeMin !== undefined) return t('cause.mains.lost.runtimeOnly', p);
  if (p.upsChargePct !== undefined) return t('cause.mains.lost', p);
  return t('cause.mains.lost.noUps');
}

/** Art. 5.3: the first setting that differs, with its values (none found: changed or removed), and how many more. */
function driftText(p: Cause['params']): string {
  const first = p.found === '' ? t('cause.config.drift.changed', p) : t('cause.config.drift', p);
  return typeof p.more === 'number' && p.more > 0 ? `${first} ${t('cause.config.drift.more', p)}` : first;
}

export function causeText(cause: Cause): string {
  const p = cause.params;
  if (cause.code === 'mains.lost') return mainsLostText(p);
  if (cause.code === 'config.drift') return driftText(p);
  if (cause.code === 'ups.shutdown') return t('cause.ups.shutdown', { time: formatTime(String(p.at)) });
  const checkedAt = typeof p.checkedAt === 'string' ? formatTime(p.checkedAt) : null;
  if (cause.code === 'codec.stale') return t('cause.codec.stale', { time: checkedAt ?? '—' });
  const key = `cause.${cause.code}`;
  // A cause this dashboard has no words for yet is said as such, never in the hub's English.
  const text = hasKey(key) ? t(key, p) : t('cause.other');
  // A check held while the room is off: said with its time.
  return checkedAt ? `${text} ${t('cause.checkedAt', { time: checkedAt })}` : text;
}

/** The reasons to show on a tile: translated causes; an offline room says why only when it knows. */
export function reasonsOf(room: RoomView): string[] {
  return room.readiness.causes.map(causeText);
}

/** "Đang tắt (nghỉ), không sử dụng": the power state and, where the room says it, why. */
export function powerText(room: RoomView): string {
  const { state, decision } = room.readiness.power;
  const words = t(`power.${state}`);
  return decision && state !== 'unknown'
    ? t('fleet.powerWhy', { state: words, why: t(`decision.${decision}`) })
    : t('fleet.power', { state: words });
}
