/**
 * A refusal from the hub in the reader's words. The hub answers `{error, code?, rule?, field?}` with
 * `error` in English for logs and scripts; the page never shows that text. It says the `code` (or
 * the regulation's `rule`) when the dashboard knows it, else what the status means and which field
 * was wrong, so an operator never reads "wrong username or password" or "no room \"x\"".
 */
import type { ApiAnswer } from './api.js';
import { hasKey, t } from './i18n/i18n.js';

interface ErrorBody {
  code?: unknown;
  rule?: unknown;
  field?: unknown;
}

/** A field of a form or a query (`emergency.reason` is its form's `emergency`), named as the form names it; an unknown field is "a field". */
export function fieldName(field: string): string {
  const key = `field.${field.split('.')[0]}`;
  return hasKey(key) ? t(key) : t('field.unknown');
}

const statusKeys: Record<
  number,
  'error.400' | 'error.401' | 'error.403' | 'error.404' | 'error.409' | 'error.429'
> = {
  400: 'error.400',
  401: 'error.401',
  403: 'error.403',
  404: 'error.404',
  409: 'error.409',
  429: 'error.429',
};

export function errorText(answer: Pick<ApiAnswer<unknown>, 'status' | 'body'>): string {
  if (answer.status === 0) return t('error.network');
  const body = (typeof answer.body === 'object' && answer.body !== null ? answer.body : {}) as ErrorBody;
  for (const [prefix, value] of [
    ['error', body.code],
    ['rule', body.rule],
  ] as const) {
    const key = `${prefix}.${String(value)}`;
    if (typeof value !== 'string' || !hasKey(key)) continue;
    // A rule whose words need figures (the hours of notice) is the booking form's to say.
    const text = t(key);
    if (!/\{\w+\}/.test(text)) return text;
  }
  if (answer.status === 400 && typeof body.field === 'string')
    return t('error.field', { field: fieldName(body.field) });
  const key = statusKeys[answer.status];
  if (key) return t(key);
  return t('error.server', { status: answer.status });
}
