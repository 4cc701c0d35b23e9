/**
 * A date and time field in the department's format, the same in every browser and locale: the
 * date typed as dd/MM/yyyy or picked from a month calendar (weekday names, Monday first, today
 * marked), the hour 00–23 and the minute from lists, so no browser ever offers a 12-hour clock or
 * a US date. The value is Vietnam wall time (`dd/MM/yyyy HH:mm`), as `wallTimeToIso` reads it.
 */
import { civil, dayStart, formatDate, formatTime, weekday } from '../../../shared/format-time.js';
import { calendarDays } from './calendar-grid.js';
import { h } from './dom.js';
import { t } from './i18n/i18n.js';
import { weekdayName, weekdayShort } from './weekday-names.js';

export interface DateTimePicker {
  node: HTMLElement;
  /** The date field: where a refusal about this time is shown. */
  field: HTMLInputElement;
  /** `dd/MM/yyyy HH:mm`, or '' while the date is empty. */
  value(): string;
  /** Sets it from an instant; null empties it. */
  set(at: Date | null): void;
}

const pad = (n: number) => String(n).padStart(2, '0');
const MINUTE_STEP = 5;

export function dateTimePicker(id: string, label: string, changed: () => void): DateTimePicker {
  const date = h('input', {
    id,
    name: id,
    inputmode: 'numeric',
    autocomplete: 'off',
    placeholder: 'dd/MM/yyyy',
    maxlength: 10,
    'aria-describedby': `${id}-hint`,
    oninput: changed,
  });
  const hour = h(
    'select',
    { id: `${id}-hour`, 'aria-label': `${label}: ${t('picker.hour')}`, onchange: changed },
    Array.from({ length: 24 }, (_, i) => h('option', { value: pad(i) }, pad(i))),
  );
  const minute = h(
    'select',
    { id: `${id}-minute`, 'aria-label': `${label}: ${t('picker.minute')}`, onchange: changed },
    Array.from({ length: 60 / MINUTE_STEP }, (_, i) =>
      h('option', { value: pad(i * MINUTE_STEP) }, pad(i * MINUTE_STEP)),
    ),
  );
  hour.value = '08';
  const calendar = h('div', {
    class: 'picker-calendar',
    id: `${id}-calendar`,
    role: 'dialog',
    'aria-label': label,
  });
  calendar.hidden = true;
  const open = h(
    'button',
    {
      type: 'button',
      class: 'small picker-open',
      id: `${id}-open`,
      'aria-label': t('picker.open', { label }),
      'aria-expanded': 'false',
      'aria-controls': calendar.id,
    },
    t('picker.choose'),
  );

  let shown = new Date();
  const close = () => {
    calendar.hidden = true;
    open.setAttribute('aria-expanded', 'false');
  };
  const pick = (day: Date) => {
    date.value = formatDate(day);
    close();
    open.focus();
    changed();
  };
  const draw = () => {
    const { year, month } = civil(shown);
    const today = formatDate(new Date());
    const chosen = date.value.trim();
    const days = calendarDays('month', shown);
    const step = (by: -1 | 1) => {
      shown =
        by < 0
          ? dayStart(month === 1 ? year - 1 : year, month === 1 ? 12 : month - 1, 1)
          : dayStart(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1);
      draw();
    };
    calendar.replaceChildren(
      h(
        'div',
        { class: 'picker-head' },
        h(
          'button',
          { type: 'button', class: 'small', 'aria-label': t('picker.prevMonth'), onclick: () => step(-1) },
          '‹',
        ),
        h(
          'strong',
          { 'aria-live': 'polite' },
          t('meetings.monthTitle', { month: String(month), year: String(year) }),
        ),
        h(
          'button',
          { type: 'button', class: 'small', 'aria-label': t('picker.nextMonth'), onclick: () => step(1) },
          '›',
        ),
      ),
      h(
        'div',
        { class: 'picker-grid' },
        Array.from({ length: 7 }, (_, i) =>
          h('span', { class: 'picker-weekday', 'aria-hidden': 'true' }, weekdayShort(i)),
        ),
        days.map((d) => {
          const text = formatDate(d.start);
          return h(
            'button',
            {
              type: 'button',
              class: `picker-day${d.inMonth ? '' : ' other'}`,
              'data-date': text,
              'aria-label': t('picker.dayLabel', { weekday: weekdayName(weekday(d.start)), date: text }),
              'aria-current': text === today ? 'date' : null,
              'aria-pressed': text === chosen ? 'true' : 'false',
              onclick: () => pick(d.start),
            },
            String(d.day),
          );
        }),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'small',
          onclick: () => {
            close();
            open.focus();
          },
        },
        t('picker.close'),
      ),
    );
  };
  open.addEventListener('click', () => {
    if (!calendar.hidden) return close();
    const typed = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(date.value.trim());
    shown = typed ? dayStart(Number(typed[3]), Number(typed[2]), 1) : new Date();
    draw();
    calendar.hidden = false;
    open.setAttribute('aria-expanded', 'true');
    (
      calendar.querySelector<HTMLElement>('[aria-pressed="true"]') ??
      calendar.querySelector<HTMLElement>('[aria-current="date"]') ??
      calendar.querySelector<HTMLElement>('.picker-day')
    )?.focus();
  });
  calendar.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    close();
    open.focus();
  });

  const node = h(
    'span',
    { class: 'datetime', 'data-error-slot': '' },
    h('span', { class: 'datetime-row' }, date, open, hour, h('span', { 'aria-hidden': 'true' }, ':'), minute),
    h('span', { class: 'hint', id: `${id}-hint` }, t('picker.dateHint')),
    calendar,
  );
  return {
    node,
    field: date,
    value: () => (date.value.trim() ? `${date.value.trim()} ${hour.value}:${minute.value}` : ''),
    set: (at) => {
      if (!at) {
        date.value = '';
        hour.value = '08';
        minute.value = '00';
        return;
      }
      const [day, clock] = formatTime(at).split(' ') as [string, string];
      date.value = day;
      const [hh, mm] = clock.split(':') as [string, string];
      hour.value = hh;
      // A time off the 5-minute steps (booked through the API) keeps its minute.
      if (!Array.from(minute.options).some((o) => o.value === mm))
        minute.append(h('option', { value: mm }, mm));
      minute.value = mm;
    },
  };
}
