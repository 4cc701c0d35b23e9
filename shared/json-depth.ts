/**
 * How deeply JSON text nests, read from the raw text in one pass without parsing it. The decoder
 * checks this before anything walks the parsed value recursively (the schema check, the scan for
 * unstorable text, a store's JSON.stringify): 16 KiB of `[` is 16,000 levels, enough to overflow
 * the stack of any recursive walk, and each level of a walk that copies its path costs more than
 * the one before. A linear scan with an early stop costs one pass over at most the size limit.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

export type DepthScan =
  | { ok: true; depth: number }
  /** Nested deeper than the limit; the scan stopped there. */
  | { ok: false; code: 'too-deep'; at: number }
  /** A closing bracket with nothing open: not JSON, whatever follows. */
  | { ok: false; code: 'unbalanced'; at: number };

/**
 * Scans `text` for the nesting depth of its arrays and objects, brackets inside strings (and
 * escaped quotes, RFC 8259 §7) not counted. Stops at the first level past `limit`.
 */
export function scanJsonDepth(text: string, limit: number): DepthScan {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return { ok: false, code: 'too-deep', at: i };
      if (depth > deepest) deepest = depth;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth < 0) return { ok: false, code: 'unbalanced', at: i };
    }
  }
  return { ok: true, depth: deepest };
}
