/**
 * The dashboard's words: Vietnamese first, English on request (remembered in this browser).
 * `t(key, params)` fills `{name}` placeholders.
 */
import { formatNumber } from '../../../../shared/format-number.js';
import { en } from './en.js';
import { type Key, vi } from './vi.js';

export type Lang = 'vi' | 'en';
export type { Key };

const dictionaries: Record<Lang, Record<Key, string>> = { vi, en };
const STORAGE_KEY = 'hnth-lang';

let lang: Lang | null = null;

export function currentLang(): Lang {
  // Read on first use: the pure modules that translate are also run by unit tests, without a browser.
  lang ??= globalThis.localStorage?.getItem(STORAGE_KEY) === 'en' ? 'en' : 'vi';
  return lang;
}

export function setLang(next: Lang): void {
  lang = next;
  globalThis.localStorage?.setItem(STORAGE_KEY, next);
  if (typeof document !== 'undefined') document.documentElement.lang = next;
}

export function hasKey(key: string): key is Key {
  return key in vi;
}

/** A number as the reader writes it: a decimal comma in Vietnamese (62,5 %), to two places at most. */
export const numberText = (value: number, digits = 2) => formatNumber(value, currentLang(), digits);

/**
 * The words of `key` in a given language; the hub's notices write both, the dashboard its reader's.
 * `{name}` is the value; `{name|one|other}` is the word for it (English "1 notice", "2 notices";
 * Vietnamese has no plural and never needs it).
 */
export function translate(to: Lang, key: Key, params: Record<string, string | number> = {}): string {
  return dictionaries[to][key].replace(
    /\{(\w+)(?:\|([^|}]*)\|([^}]*))?\}/g,
    (all, name: string, one?: string, other?: string) => {
      if (!(name in params)) return all;
      const value = params[name]!;
      if (one !== undefined) return value === 1 ? one : other!;
      return typeof value === 'number' ? formatNumber(value, to, 2) : value;
    },
  );
}

export function t(key: Key, params: Record<string, string | number> = {}): string {
  return translate(currentLang(), key, params);
}
