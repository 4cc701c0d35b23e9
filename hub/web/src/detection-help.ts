/** The fleet page's "how fast is trouble seen" panel, from detection-times.ts. */

import { type DetectionTime, detectionTimes } from './detection-times.js';
import { h } from './dom.js';
import { numberText, t } from './i18n/i18n.js';

function timeText(d: DetectionTime): string {
  if (d.seconds < 1) return t('detect.ms', { n: numberText(d.seconds * 1000, 1) });
  return t('detect.seconds', { n: numberText(d.seconds, 1) });
}

function basisText(d: DetectionTime): string {
  if (d.measured) return t('detect.measured');
  const b = d.bound!;
  return t('detect.bound', { samples: b.samples, probe: b.probeSec, telemetry: b.telemetrySec });
}

export function detectionHelp(): HTMLElement {
  return h(
    'details',
    { class: 'help', id: 'detection-help' },
    h('summary', {}, t('detect.title')),
    h('p', {}, t('detect.intro')),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, t('detect.signal')),
          h('th', { scope: 'col' }, t('detect.time')),
          h('th', { scope: 'col' }, t('detect.basis')),
        ),
      ),
      h(
        'tbody',
        {},
        detectionTimes.map((d) =>
          h(
            'tr',
            { 'data-signal': d.signal },
            h('th', { scope: 'row' }, t(`detect.${d.signal}`)),
            h('td', {}, timeText(d)),
            h('td', {}, basisText(d)),
          ),
        ),
      ),
    ),
  );
}
