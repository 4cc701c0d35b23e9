/**
 * A rehearsal check in words, with the figures it was judged on and the limit it was held to
 * (`Nhiệt độ 40 °C, ngoài ngưỡng 16–32 °C`), from its status, its evidence and the agent's detail:
 * the agent writes its limits into the detail in fixed forms (`temperature 40 °C outside 16-32 °C`,
 * `loss 8 % to MCU over 5 %`), which are read here; its English itself is never shown.
 */
import type { RehearsalCheck } from '../../../shared/schemas.js';
import { numberText, t } from './i18n/i18n.js';

const n = (v: unknown) => (typeof v === 'number' ? numberText(v, 1) : '—');

function powerText(c: RehearsalCheck): string {
  const e = c.evidence;
  if (c.status === 'pass') return t('checkText.power.ok');
  if (c.status === 'not-run') return t('checkText.power.noSensor');
  if (/^not switched on/.test(c.detail)) return t('checkText.power.heldOff');
  if (/^power-on refused/.test(c.detail)) return t('checkText.power.refusedBattery');
  if (/^power-on failed/.test(c.detail)) return t('checkText.power.stepFailed');
  if (e.mains === false)
    return e.upsChargePct === null || e.upsChargePct === undefined
      ? t('checkText.power.mainsLostNoUps')
      : t('checkText.power.mainsLost', { pct: n(e.upsChargePct) });
  if (c.status === 'marginal')
    return t('checkText.power.upsLow', { pct: n(e.upsChargePct), limit: n(e.limitPct) });
  return t('checkText.power.didNotSwitchOn');
}

function climateText(c: RehearsalCheck): string {
  const e = c.evidence;
  if (c.status === 'not-run')
    return /sensor fault/.test(c.detail)
      ? t('checkText.climate.sensorFault')
      : t('checkText.climate.noReading');
  if (c.status === 'pass') return t('checkText.climate.ok', { temp: n(e.tempC), hum: n(e.humidityPct) });
  const out: string[] = [];
  const temp = /temperature (-?[\d.]+) °C outside (-?[\d.]+)-(-?[\d.]+) °C/.exec(c.detail);
  if (temp)
    out.push(
      t('checkText.climate.temp', {
        value: n(Number(temp[1])),
        min: n(Number(temp[2])),
        max: n(Number(temp[3])),
      }),
    );
  const hum = /humidity ([\d.]+) % outside ([\d.]+)-([\d.]+) %/.exec(c.detail);
  if (hum)
    out.push(
      t('checkText.climate.hum', {
        value: n(Number(hum[1])),
        min: n(Number(hum[2])),
        max: n(Number(hum[3])),
      }),
    );
  return out.length > 0
    ? out.join('; ')
    : t('checkText.climate.ok', { temp: n(e.tempC), hum: n(e.humidityPct) });
}

function codecText(c: RehearsalCheck): string {
  if (c.status === 'pass') return t('checkText.codec.ok');
  if (c.status === 'not-run')
    return /equipment is off/.test(c.detail) ? t('checkText.codec.off') : t('checkText.codec.noProbe');
  const boot = /within (\d+) s/.exec(c.detail);
  if (boot) return t('checkText.codec.noBoot', { sec: Number(boot[1]) });
  if (/not registered/.test(c.detail)) return t('checkText.codec.unregistered');
  return c.evidence.state === 'unreachable' ? t('checkText.codec.unreachable') : t('checkText.codec.down');
}

const metricKeys = {
  loss: ['metric.lossPct', '%'],
  latency: ['metric.latencyMs', 'ms'],
  jitter: ['metric.jitterMs', 'ms'],
} as const;

function linkText(c: RehearsalCheck): string {
  const e = c.evidence;
  if (c.status === 'not-run') return t('checkText.link.noProbe');
  const over = [...c.detail.matchAll(/(loss|latency|jitter) ([\d.]+) (?:%|ms) to MCU over ([\d.]+)/g)];
  if (c.status === 'pass' || over.length === 0)
    return t('checkText.link.ok', { loss: n(e.lossPct), latency: n(e.latencyMs), jitter: n(e.jitterMs) });
  return over
    .map(([, metric, value, limit]) => {
      const [key, unit] = metricKeys[metric as keyof typeof metricKeys];
      return t('checkText.link.over', {
        metric: t(key),
        value: n(Number(value)),
        limit: n(Number(limit)),
        unit,
      });
    })
    .join('; ');
}

export function checkText(c: RehearsalCheck): string {
  switch (c.check) {
    case 'power':
      return powerText(c);
    case 'climate':
      return climateText(c);
    case 'codec':
      return codecText(c);
    case 'link':
      return linkText(c);
    case 'peripherals':
      return c.status === 'not-run' ? t('checkText.peripherals.notReported') : t(`check.${c.status}`);
    case 'sip':
      return c.status === 'not-run' ? t('checkText.sip.notRun') : t(`check.${c.status}`);
    // Their figures, each beside its limit, are listed under it (call-figures.ts).
    case 'line':
    case 'sound':
    case 'picture':
      return t(`check.${c.status}`);
  }
}
