/** Builds DOM nodes from code: no HTML strings, so nothing the hub sends is ever parsed as markup. */
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;
export type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[] | Child[][])[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') node.addEventListener(key.replace(/^on/, ''), value);
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  for (const c of children.flat(2)) {
    if (c === null || c === undefined || c === false) continue;
    node.append(typeof c === 'number' ? String(c) : c);
  }
  return node;
}

/** Replaces a node's children, skipping the empty ones (a section a role does not see is null). */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(
    ...children.flatMap((c) =>
      c === null || c === undefined || c === false ? [] : [typeof c === 'number' ? String(c) : c],
    ),
  );
}

/** Appends children, skipping the empty ones. */
export function add(parent: Element, ...children: Child[]): void {
  for (const c of children)
    if (c !== null && c !== undefined && c !== false) parent.append(typeof c === 'number' ? String(c) : c);
}

/** Marks one button of a group (its siblings) as the pressed one. */
export function pressOnly(button: Element): void {
  for (const b of Array.from(button.parentElement?.children ?? []))
    b.setAttribute('aria-pressed', String(b === button));
}

/**
 * A wide table in a box that scrolls sideways on a phone; the box takes keyboard focus and is named,
 * so a keyboard user can scroll it too (WCAG 2.1.1).
 */
export function scrollBox(label: string, table: HTMLElement): HTMLElement {
  return h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': label }, table);
}
