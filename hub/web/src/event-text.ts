/**
 * A room's event in words, from its type and its data's codes (`threshold.raised` with
 * `{metric: 'tempC', value: 34, limit: 32}` is "Nhiệt độ 34 °C, ngưỡng 32 °C"). Free text an agent
 * puts in its data (reasons, step lists, English details) is never shown; what a person needs is in
 * the codes and figures.
 */
import type { StoredEvent } from '../../store/store.js';
import { hasKey, numberText, t } from './i18n/i18n.js';

const units: Record<string, string> = {
  tempC: '°C',
  humidityPct: '%',
  latencyMs: 'ms',
  jitterMs: 'ms',
  lossPct: '%',
};

export function eventTypeText(type: string): string {
  const key = `eventType.${type}`;
  return hasKey(key) ? t(key) : t('eventType.unknown');
}

const num = (v: unknown) => (typeof v === 'number' ? numberText(v) : null);

/** The details of an event, or '' when it has none worth saying. */
export function eventDetailText(event: Pick<StoredEvent, 'type' | 'data'>): string {
  const d = event.data;
  switch (event.type) {
    case 'mains.lost':
    case 'mains.restored':
    case 'ups.low':
    case 'ups.ok': {
      const pct = num(d.upsChargePct);
      return pct === null ? '' : t('eventDetail.ups', { pct });
    }
    case 'codec.down': {
      const key = `codec.${String(d.state)}`;
      return hasKey(key) ? t(key) : '';
    }
    case 'threshold.raised':
    case 'threshold.cleared': {
      const metric = String(d.metric);
      const name = `metric.${metric}`;
      const value = num(d.value);
      const limit = num(d.limit);
      if (!hasKey(name) || value === null || limit === null) return '';
      return t('eventDetail.threshold', { metric: t(name), value, limit, unit: units[metric] ?? '' });
    }
    case 'power.on':
    case 'power.off': {
      const key = `decision.${String(d.decision)}`;
      return hasKey(key) ? t('eventDetail.decision', { why: t(key) }) : '';
    }
    case 'power.step-failed':
      return d.direction === 'off' ? t('eventDetail.stepFailed.off') : t('eventDetail.stepFailed.on');
    case 'ups.shutdown': {
      const key = `upsTrigger.${String(d.trigger)}`;
      const pct = num(d.upsChargePct);
      return [hasKey(key) ? t(key) : '', pct === null ? '' : t('eventDetail.ups', { pct })]
        .filter(Boolean)
        .join(', ');
    }
    case 'config.drift':
      return typeof d.changed === 'number' && d.changed > 0
        ? t('eventDetail.drift', { n: d.changed })
        : t('eventDetail.driftBack');
    case 'agent.started':
      return typeof d.version === 'string' ? t('eventDetail.version', { version: d.version }) : '';
    default:
      return '';
  }
}
