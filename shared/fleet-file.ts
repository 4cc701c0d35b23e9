/**
 * The fleet as data (hub option `fleet.file`): a JSON list of the rooms one hub serves, for a
 * province past the 28 rooms of the regulation (every district and commune, several provinces).
 * The schema here is the single source of a room's shape; `shared/fleet.ts` holds the built-in 28.
 *
 *   [{ "no": 1, "id": "tinh-uy", "name": "Văn phòng Tỉnh ủy", "nameEn": "…", "kind": "party" }, …]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError } from './config-file.js';
import { builtInFleet, Fleet } from './fleet.js';
import { isValidRoomIdSyntax } from './topics.js';
import * as z from './zod-mini.js';

/** Most rooms one fleet file may list; beyond it one hub is the wrong tool (DESIGN.md, "Defaults and scale"). */
export const MAX_FLEET_ROOMS = 100_000;

/**
 * What a room belongs to, in the order the dashboard groups rooms: the regulation's five (its
 * appendix), and a province's communes, wards and towns (xã, phường, thị trấn) past them.
 */
const roomKinds = ['party', 'council', 'committee', 'district', 'commune', 'department'] as const;

export const roomSchema = z.pipe(
  z.strictObject({
    /** Position in the regulation's appendix, or in the province's own list; unique. */
    no: z.number().check(z.int(), z.gte(1)),
    /** Stable id, also the MQTT topic level, client id and username of the room's agent. */
    id: z.string().check(
      z.refine(isValidRoomIdSyntax, {
        message:
          'must be 1 to 64 lower-case letters, digits and dashes, not starting with a dash: it is an MQTT topic level and the room’s broker username',
      }),
    ),
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    /** The English name; the Vietnamese one when absent. */
    nameEn: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
    kind: z.enum(roomKinds),
    /** True for the room of the department that runs the network (Sở TT&TT). */
    operatesNetwork: z.optional(z.boolean()),
  }),
  z.transform(({ nameEn, ...room }) => ({ ...room, nameEn: nameEn ?? room.name })),
);

/** A room of the fleet, as the hub uses it (the English name filled in). */
export type Room = z.output<typeof roomSchema>;
export type RoomKind = Room['kind'];

/** A fleet file: at least one room, ids and numbers unique, at most one room running the network. */
export const fleetFileSchema = z
  .array(roomSchema, { error: 'must be a JSON list of rooms: [{"no", "id", "name", "kind"}, …]' })
  .check(
    z.minLength(1, 'must list at least one room'),
    z.maxLength(MAX_FLEET_ROOMS, `must list at most ${MAX_FLEET_ROOMS} rooms`),
    z.superRefine((rooms, ctx) => {
      const ids = new Map<string, number>();
      const numbers = new Map<number, number>();
      let operator: number | null = null;
      rooms.forEach((room, i) => {
        const sameId = ids.get(room.id);
        if (sameId !== undefined)
          ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `already the id of entry [${sameId}]` });
        else ids.set(room.id, i);
        const sameNo = numbers.get(room.no);
        if (sameNo !== undefined)
          ctx.addIssue({ code: 'custom', path: [i, 'no'], message: `already the no of entry [${sameNo}]` });
        else numbers.set(room.no, i);
        if (room.operatesNetwork) {
          if (operator !== null)
            ctx.addIssue({
              code: 'custom',
              path: [i, 'operatesNetwork'],
              message: `entry [${operator}] already runs the network; at most one room does`,
            });
          else operator = i;
        }
      });
    }),
  );

/** Issues listed in one error; a file of 100,000 bad rooms needs the first few, not all. */
const SHOWN_ISSUES = 20;

/**
 * The rooms of a fleet file, checked; `reservedIds` are ids the caller uses for something else, each
 * with the ids it starts with a dash (the hubs' own broker accounts: `hnth-hub`, `hnth-hub-a`). An unreadable file, broken JSON or a schema violation is a
 * ConfigError naming the file and each bad entry by index and id.
 */
export function readFleetFile(file: string, reservedIds: readonly string[] = []): Room[] {
  const fail = (what: string, separator = ' ') =>
    new ConfigError(`invalid fleet file ${file} (fleet.file, HNTH_FLEET_FILE):${separator}${what}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw fail(e.code === 'ENOENT' ? 'not found' : `cannot be read: ${e.message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw fail(`not valid JSON: ${(err as Error).message}`);
  }
  const parsed = fleetFileSchema.safeParse(json);
  const issues = parsed.success
    ? parsed.data.flatMap((room, i) =>
        reservedIds.some((r) => room.id === r || room.id.startsWith(`${r}-`))
          ? [{ path: [i, 'id'], message: 'is reserved for the hubs’ own broker accounts' }]
          : [],
      )
    : parsed.error.issues;
  if (parsed.success && issues.length === 0) return parsed.data;
  const lines = issues.slice(0, SHOWN_ISSUES).map(({ path, message }) => {
    const [index, ...field] = path;
    if (typeof index !== 'number') return message;
    const id = Array.isArray(json) ? (json[index] as { id?: unknown } | null)?.id : undefined;
    const shown = typeof id === 'string' ? ` (id "${id.length > 64 ? `${id.slice(0, 64)}…` : id}")` : '';
    const entry = `entry [${index}]${shown}`;
    return `${entry}${field.length > 0 ? ` ${field.map(String).join('.')}` : ''}: ${message}`;
  });
  if (issues.length > SHOWN_ISSUES) lines.push(`… and ${issues.length - SHOWN_ISSUES} more`);
  throw fail(lines.join('\n  '), lines.length > 1 ? '\n  ' : ' ');
}

/** The fleet a hub serves: the file's rooms, or the built-in 28 when `file` is empty. */
export function loadFleet(file: string, reservedIds: readonly string[] = []): Fleet {
  return file ? new Fleet(readFleetFile(file, reservedIds)) : builtInFleet;
}

/** Writes `rooms` as a fleet file (the load generator's rooms, a province's export). */
export function writeFleetFile(file: string, rooms: readonly Room[]): void {
  writeFileSync(file, `${JSON.stringify(rooms, null, 2)}\n`);
}
