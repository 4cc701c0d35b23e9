/**
 * Numbers as the reader writes them: in Vietnamese a decimal comma and a dot between thousands
 * (62,5 %; 1.234,5 kWh), in English the other way round. Every measured figure the department sees
 * (dashboard, report, CSV) goes through here, so no page shows 62.5 beside another's 62,5.
 */
export type NumberLang = 'vi' | 'en';

const formats = new Map<string, Intl.NumberFormat>();

/**
 * `digits`: the fraction digits; `fixed` keeps them all (`6,0 kWh`, a column of figures that line
 * up), otherwise trailing zeros go (`62,5 %`, `40 °C`).
 */
export function formatNumber(value: number, lang: NumberLang = 'vi', digits = 1, fixed = false): string {
  const key = `${lang}:${digits}:${fixed}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
      maximumFractionDigits: digits,
      minimumFractionDigits: fixed ? digits : 0,
    });
    formats.set(key, format);
  }
  return format.format(value);
}
