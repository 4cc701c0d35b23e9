/** The format of a setting that names a header line (a UPS contact, a speak button): GPIO0-GPIO27. */
export function gpioLine(value: unknown): void {
  if (value === '') return;
  const n = typeof value === 'string' ? /^GPIO(\d{1,2})$/.exec(value)?.[1] : undefined;
  if (n === undefined || Number(n) > 27) {
    throw new Error('must be a header line GPIO0 to GPIO27 (BCM numbering), or empty for none');
  }
}
