/**
 * Contacts as CSV, for the operator's spreadsheet: one row per contact, a header row naming the
 * columns. Parsing and writing are csv-parse and csv-stringify (the `csv` project): RFC 4180 quoting,
 * BOM from Excel, line numbers in their errors, and actively maintained. An import is checked row by
 * row; every bad row is reported by its line, and nothing is written unless all rows are good.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { type Fleet, partners } from '../../shared/fleet.js';
import { type Contact, type ContactErrorCode, checkContactInput, type OwnerKind } from './contact-rules.js';

export const csvColumns = [
  'kind',
  'id',
  'name',
  'unit',
  'position',
  'phone',
  'email',
  'updatedAt',
  'confirmedAt',
  'bounced',
] as const;

/** Why a row is refused: a field's own reason, or one of the file's. */
export type CsvErrorCode =
  | ContactErrorCode
  | 'csv-syntax'
  | 'missing-column'
  | 'unknown-column'
  | 'kind'
  | 'unknown-owner'
  | 'duplicate'
  | 'bounced'
  | 'no-rows';

export interface CsvRowError {
  /** Line in the file, 1 for the header. */
  line: number;
  field: string;
  error: string;
  code: CsvErrorCode;
}

export type CsvImport = { ok: true; contacts: Contact[] } | { ok: false; errors: CsvRowError[] };

export function contactsToCsv(contacts: readonly Contact[]): string {
  return stringify(
    contacts.map((c) => [
      c.kind,
      c.ownerId,
      c.name,
      c.unit,
      c.position,
      c.phone,
      c.email,
      c.updatedAt,
      c.confirmedAt,
      c.bounced ? 'true' : 'false',
    ]),
    { header: true, columns: [...csvColumns] },
  );
}

/**
 * Parses an export (or a hand-made file with the same columns); `now` dates rows without times.
 * A row names a room of `fleet` or a partner.
 */
export function parseContactsCsv(text: string, now: Date, fleet: Fleet): CsvImport {
  const ownerKnown = (kind: OwnerKind, id: string) =>
    kind === 'room' ? fleet.has(id) : partners.some((p) => p.id === id);
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, { columns: true, bom: true, trim: true, skip_empty_lines: true, info: true });
  } catch (err) {
    const line = err instanceof CsvError ? Number((err as CsvError & { lines?: number }).lines ?? 1) : 1;
    return {
      ok: false,
      errors: [{ line, field: '(file)', error: (err as Error).message, code: 'csv-syntax' }],
    };
  }
  const header = Object.keys(records[0]?.record ?? {});
  const missing = csvColumns.filter((c) => !['updatedAt', 'confirmedAt', 'bounced', 'position'].includes(c));
  const absent = records.length > 0 ? missing.filter((c) => !header.includes(c)) : [];
  if (absent.length > 0) {
    return {
      ok: false,
      errors: absent.map((c) => ({
        line: 1,
        field: c,
        error: `column ${c} is missing`,
        code: 'missing-column',
      })),
    };
  }
  const errors: CsvRowError[] = [];
  const contacts: Contact[] = [];
  const seen = new Map<string, number>();
  const stamp = now.toISOString();
  for (const { record, info } of records) {
    const line = info.lines;
    const fail = (field: string, error: string, code: CsvErrorCode) =>
      errors.push({ line, field, error, code });
    const unknown = Object.keys(record).filter((k) => !(csvColumns as readonly string[]).includes(k));
    if (unknown.length > 0) {
      fail(unknown[0]!, `unknown column ${unknown.join(', ')}`, 'unknown-column');
      continue;
    }
    const kind = record.kind;
    if (kind !== 'room' && kind !== 'partner') {
      fail('kind', `must be room or partner, not "${kind ?? ''}"`, 'kind');
      continue;
    }
    const id = record.id ?? '';
    if (!ownerKnown(kind, id)) {
      fail('id', `"${id}" is not a ${kind} of the fleet`, 'unknown-owner');
      continue;
    }
    const earlier = seen.get(`${kind}:${id}`);
    if (earlier !== undefined) {
      fail('id', `${kind} "${id}" is already on line ${earlier}`, 'duplicate');
      continue;
    }
    seen.set(`${kind}:${id}`, line);
    const bounced = record.bounced ?? '';
    if (!['', 'true', 'false'].includes(bounced)) {
      fail('bounced', `must be true or false, not "${bounced}"`, 'bounced');
      continue;
    }
    const checked = checkContactInput({
      name: record.name,
      unit: record.unit,
      position: record.position ?? '',
      phone: record.phone,
      email: record.email,
      ...(record.updatedAt ? { updatedAt: record.updatedAt } : {}),
      ...(record.confirmedAt ? { confirmedAt: record.confirmedAt } : {}),
    });
    if (!checked.ok) {
      fail(checked.field, checked.error, checked.code);
      continue;
    }
    const v = checked.value;
    contacts.push({
      kind,
      ownerId: id,
      name: v.name,
      unit: v.unit,
      position: v.position,
      phone: v.phone,
      email: v.email,
      updatedAt: v.updatedAt ?? stamp,
      confirmedAt: v.confirmedAt ?? stamp,
      bounced: bounced === 'true',
    });
  }
  if (records.length === 0)
    errors.push({ line: 1, field: '(file)', error: 'no contact rows', code: 'no-rows' });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, contacts };
}
