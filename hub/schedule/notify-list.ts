/**
 * Who must be told about a meeting (art. 8.1: the department, the telecom and the power partners,
 * two days ahead; art. 13: their technicians on call) and who must fix a failing room. Recipients
 * are references, not addresses: the contacts directory resolves them when notifications are sent.
 *
 * @pure: the dashboard bundles it, so it imports only shared/ and other @pure modules (types aside).
 */
import { partners } from '../../shared/fleet.js';
import type { ResponsibleParty } from '../../shared/schemas.js';

export type Recipient =
  | { kind: 'room-technician'; roomId: string }
  | { kind: 'partner'; partnerId: string }
  /** The department's operators (Sở TT&TT), who hold a room off or on. */
  | { kind: 'operator' };

function partnerId(rolePrefix: string): string {
  const found = partners.find((p) => p.role.startsWith(rolePrefix));
  if (!found) throw new Error(`the fleet has no partner whose role starts with "${rolePrefix}"`);
  return found.id;
}

/** Art. 13.1: Viễn thông Tuyên Quang, the line. */
export const telecomPartnerId = partnerId('telecom');
/** Art. 13.2: Công ty Điện lực, the mains supply. */
export const powerPartnerId = partnerId('power');

/** Each participating room's technician, then both partners (art. 8.1). */
export function notifyList(roomIds: readonly string[]): Recipient[] {
  return [
    ...roomIds.map((roomId): Recipient => ({ kind: 'room-technician', roomId })),
    { kind: 'partner', partnerId: telecomPartnerId },
    { kind: 'partner', partnerId: powerPartnerId },
  ];
}

/**
 * Line → telecom partner, mains → power partner, equipment → the room's technician (art. 4.2, 13),
 * a room the operator holds off → the operator.
 */
export function responsibleFor(fault: ResponsibleParty, roomId: string): Recipient {
  switch (fault) {
    case 'line':
      return { kind: 'partner', partnerId: telecomPartnerId };
    case 'mains':
      return { kind: 'partner', partnerId: powerPartnerId };
    case 'equipment':
      return { kind: 'room-technician', roomId };
    case 'operator':
      return { kind: 'operator' };
  }
}
