/**
 * A form's refusals where they belong: a refusal that names a field (the hub's answer carries
 * `field`, the booking check knows its rule's field) is written under that field (at the end of its
 * nearest `data-error-slot` box, else right after it), which is marked invalid, described by the
 * words and focused; one about no field of the form goes under the form. `clear()` before each
 * check or submit puts every field back as it was.
 */
import { errorText } from './api-error-text.js';
import { h } from './dom.js';

export interface FieldErrors {
  clear(): void;
  /** `field` one of the form's names, or null for the form as a whole; `focus` moves to the field. */
  showAt(field: string | null, text: string, focus?: boolean): void;
  /** The hub's refusal, by its `field`. */
  show(answer: { status: number; body: unknown }): void;
}

export function fieldErrors(form: HTMLElement, fields: Record<string, HTMLElement>): FieldErrors {
  const general = h('p', { class: 'error', role: 'alert' });
  form.append(general);
  const clear = () => {
    general.textContent = '';
    for (const el of Array.from(form.querySelectorAll('.field-error'))) el.remove();
    for (const el of Object.values(fields)) {
      if (!el.classList.contains('has-error')) continue;
      el.classList.remove('has-error');
      el.removeAttribute('aria-invalid');
      const described = el.dataset.describedBy;
      if (described) el.setAttribute('aria-describedby', described);
      else el.removeAttribute('aria-describedby');
    }
  };
  const showAt = (field: string | null, text: string, focus = true) => {
    const target = field ? fields[field] : undefined;
    if (!target) {
      general.textContent = text;
      return;
    }
    const note = h('span', { class: 'field-error error', id: `${target.id}-error`, role: 'alert' }, text);
    const slot = target.closest('[data-error-slot]');
    if (slot) slot.append(note);
    else target.after(note);
    // What described the field before (its hint) is kept, and restored by `clear()`.
    if (!target.hasAttribute('aria-invalid'))
      target.dataset.describedBy = target.getAttribute('aria-describedby') ?? '';
    target.setAttribute('aria-invalid', 'true');
    target.setAttribute('aria-describedby', [note.id, target.dataset.describedBy].filter(Boolean).join(' '));
    if (focus) target.focus();
  };
  const show = (answer: { status: number; body: unknown }) => {
    const field = (answer.body as { field?: string } | null)?.field;
    showAt(field ?? null, errorText(answer));
  };
  return { clear, showAt, show };
}
