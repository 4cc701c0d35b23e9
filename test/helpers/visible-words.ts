/**
 * "Every string a person sees is Vietnamese": the words a page shows (its visible text, the labels
 * and hints a screen reader or a hover reveals, the options of its lists, the tab title) held
 * against the words of the Vietnamese catalogue (hub/web/src/i18n/vi.ts, which draws on the
 * glossary) and the data the page shows (room and people's names, titles typed in). A word from
 * neither (the hub's English error, a raw code, a role's English name, JSON) is reported.
 */
import type { Page } from 'playwright-core';
import { vi } from '../../hub/web/src/i18n/vi.js';

/** Letters only: numbers, times and punctuation are the same in every language. */
export function words(text: string): string[] {
  return (text.toLocaleLowerCase('vi').match(/\p{L}+/gu) ?? []).filter((w) => w.length > 0);
}

/**
 * Symbols of units are not words of a language (SI, and kWh as Vietnam writes it too); `c` is what
 * is left of °C.
 */
const unitSymbols = ['c', 'ms', 'wh', 'kwh', 'w'];

export function catalogueWords(): Set<string> {
  const all = new Set<string>(unitSymbols);
  for (const text of Object.values(vi)) for (const w of words(text.replace(/\{\w+\}/g, ' '))) all.add(w);
  return all;
}

/** What the page shows a person now, as texts. */
export function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const shown = (el: Element | null): boolean => {
      for (let e = el; e; e = e.parentElement) {
        const style = getComputedStyle(e);
        if (style.display === 'none' || style.visibility === 'hidden' || (e as HTMLElement).hidden)
          return false;
      }
      return true;
    };
    const texts: string[] = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest('script, style') || !node.textContent?.trim()) continue;
      // An option is not laid out until its list opens; it is seen all the same.
      if (parent.closest('option') ? shown(parent.closest('select')) : shown(parent))
        texts.push(node.textContent);
    }
    for (const el of Array.from(document.querySelectorAll('[aria-label], [title], [placeholder], [alt]'))) {
      if (!shown(el)) continue;
      for (const name of ['aria-label', 'title', 'placeholder', 'alt'])
        if (el.getAttribute(name)) texts.push(el.getAttribute(name)!);
    }
    return texts;
  });
}

/** The words of the page that are neither the catalogue's nor the data's, each with a text it came from. */
export async function foreignWords(page: Page, data: Iterable<string>): Promise<string[]> {
  const allowed = catalogueWords();
  for (const text of data) for (const w of words(text)) allowed.add(w);
  const found = new Map<string, string>();
  for (const text of await visibleTexts(page))
    for (const w of words(text)) if (!allowed.has(w) && !found.has(w)) found.set(w, text.trim().slice(0, 80));
  return [...found].map(([w, text]) => `${w} (in "${text}")`);
}
