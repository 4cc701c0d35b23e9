/**
 * What a contact must hold, and when it is stale (art. 4.3, 9.4, 11.4: each room's technician is
 * named with unit, position, phone and email, and replaced promptly when moved). Pure.
 */
import { z } from 'zod';

/** Whose contact: a room's technician or a partner's on-call technician. */
export type OwnerKind = 'room' | 'partner';

export interface Contact {
  kind: OwnerKind;
  /** Room id of the hub's fleet, or partner id from shared/fleet.ts. */
  ownerId: string;
  name: string;
  unit: string;
  position: string;
  phone: string;
  email: string;
  updatedAt: string;
  /** When the contact last confirmed the details still hold. */
  confirmedAt: string;
  /** Mail to `email` came back undeliverable. */
  bounced: boolean;
}

const isoTime = z.iso.datetime({ offset: false, message: 'must be an ISO 8601 UTC time' });

/** The fields an operator writes; the times default to now, `bounced` to false. */
export const contactInput = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(100, 'is longer than 100 characters'),
  unit: z.string().trim().min(1, 'is required').max(200, 'is longer than 200 characters'),
  position: z.string().trim().max(100, 'is longer than 100 characters').default(''),
  // Vietnamese numbers: 0 or +84 then 9 or 10 digits; spaces, dots and dashes are allowed.
  phone: z
    .string()
    .trim()
    .refine((v) => /^(\+84|0)\d{9,10}$/.test(v.replace(/[\s.-]/g, '')), {
      message: 'must be a phone number such as 0912 345 678 or +84 912 345 678',
    }),
  email: z.email({ message: 'must be an email address such as ten@tuyenquang.gov.vn' }),
  confirmedAt: isoTime.optional(),
  updatedAt: isoTime.optional(),
  bounced: z.boolean().optional(),
});
export type ContactInput = z.input<typeof contactInput>;

/** Why a field is refused, for the dashboard to say in words. */
export type ContactErrorCode =
  | 'required'
  | 'too-long'
  | 'phone'
  | 'email'
  | 'time'
  | 'unknown-field'
  | 'type';

export type Checked<T> =
  | { ok: true; value: T }
  | { ok: false; field: string; error: string; code: ContactErrorCode };

function issueCode(issue: z.core.$ZodIssue, field: string): ContactErrorCode {
  if (issue.code === 'unrecognized_keys') return 'unknown-field';
  if (issue.code === 'too_big') return 'too-long';
  if (issue.code === 'too_small') return 'required';
  if (field === 'phone') return 'phone';
  if (field === 'email') return 'email';
  if (field === 'confirmedAt' || field === 'updatedAt') return 'time';
  if (issue.code === 'invalid_type') return issue.input === undefined ? 'required' : 'type';
  return 'type';
}

/** Checks an operator's input; the error names the field and why, as the API's 400 does. */
export function checkContactInput(body: unknown): Checked<z.output<typeof contactInput>> {
  const result = contactInput.safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0]!;
  const field =
    issue.code === 'unrecognized_keys'
      ? issue.keys[0]!
      : issue.path.length > 0
        ? issue.path.join('.')
        : '(body)';
  const message =
    issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue.message;
  return { ok: false, field, error: message, code: issueCode(issue, field) };
}

export interface Staleness {
  stale: boolean;
  reasons: string[];
}

const DAY_MS = 86_400_000;

/** Stale when the email bounced or the details were not confirmed for `maxAgeDays`. */
export function staleness(
  contact: Pick<Contact, 'confirmedAt' | 'bounced'>,
  now: Date,
  maxAgeDays: number,
): Staleness {
  const reasons: string[] = [];
  if (contact.bounced) reasons.push('email bounced');
  const ageDays = Math.floor((now.getTime() - Date.parse(contact.confirmedAt)) / DAY_MS);
  if (ageDays >= maxAgeDays) reasons.push(`not confirmed for ${ageDays} days`);
  return { stale: reasons.length > 0, reasons };
}
