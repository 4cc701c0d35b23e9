/**
 * The MCU banner's line in the reader's words: whether it answers, then only the figures the last
 * check measured (a SIP check alone has a round trip but no loss), then when it was checked.
 */
import { formatTime } from '../../../shared/format-time.js';
import type { McuState } from '../../mcu/mcu-monitor.js';
import { t } from './i18n/i18n.js';

export function mcuDetail(mcu: McuState | null): string {
  if (!mcu?.configured) return t('mcu.notConfigured');
  return [
    mcu.reachable === null ? t('level.UNKNOWN') : mcu.reachable ? t('mcu.reachable') : t('mcu.unreachable'),
    mcu.rttMs !== null ? t('mcu.rtt', { value: mcu.rttMs }) : '',
    mcu.lossPct !== null ? t('mcu.loss', { value: mcu.lossPct }) : '',
    mcu.checkedAt ? t('mcu.checkedAt', { time: formatTime(mcu.checkedAt) }) : '',
  ]
    .filter(Boolean)
    .join(' · ');
}
