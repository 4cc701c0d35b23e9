/**
 * Line charts of a room's history with uPlot (bundled, no CDN). Times on the axis are Vietnam's
 * whatever the browser's zone, and figures are written as the reader writes them.
 */
import uPlot from 'uplot';
import { formatClock, formatDate } from '../../../shared/format-time.js';
import { PROVINCE_TIME_ZONE } from '../../../shared/province-time.js';
import { numberText } from './i18n/i18n.js';

export function lineChart(
  target: HTMLElement,
  title: string,
  times: number[],
  values: (number | null)[],
  colour: string,
  /** The window asked for (seconds): the axis spans it even when the room has few samples. */
  window: [number, number],
): uPlot {
  const width = Math.max(260, Math.min(target.clientWidth || 560, 900));
  return new uPlot(
    {
      title,
      width,
      height: 180,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), PROVINCE_TIME_ZONE),
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true, range: () => window } },
      series: [{}, { label: title, stroke: colour, width: 2, spanGaps: false }],
      axes: [
        {
          stroke: '#33373d',
          // Vietnam's own notation: 24-hour clock within a day or two, dd/MM beyond.
          values: (_u, splits) =>
            splits.map((s) =>
              window[1] - window[0] <= 2 * 86_400
                ? formatClock(new Date(s * 1000))
                : formatDate(new Date(s * 1000)).slice(0, 5),
            ),
        },
        // Figures in the reader's notation: 0,5 % in Vietnamese, not 0.5.
        { stroke: '#33373d', size: 50, values: (_u, splits) => splits.map((v) => numberText(v, 2)) },
      ],
    },
    [times, values],
    target,
  );
}
