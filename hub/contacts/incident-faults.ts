/**
 * An incident's fault, as far as which partners are called goes (art. 4.2, 13.1b, 13.2b): the line
 * is the telecom partner's, the mains the power partner's, everything else the room's and the
 * operator's. (A rehearsal check's failure names its `ResponsibleParty` instead, shared/schemas.ts.)
 */
import { partners } from '../../shared/fleet.js';

export const incidentFaults = [
  'mains',
  'line',
  'equipment',
  'climate',
  'config',
  'offline',
  'network',
] as const;
export type IncidentFault = (typeof incidentFaults)[number];

function partnerId(id: string): string {
  if (!partners.some((p) => p.id === id)) throw new Error(`partner ${id} is not in shared/fleet.ts`);
  return id;
}

export const TELECOM_PARTNER = partnerId('vnpt-tuyen-quang');
export const POWER_PARTNER = partnerId('dien-luc-tuyen-quang');

const partnersByKind: Record<IncidentFault, readonly string[]> = {
  mains: [POWER_PARTNER],
  line: [TELECOM_PARTNER],
  // A room gone silent is most often its line; the power partner is told by the mains incident.
  offline: [TELECOM_PARTNER],
  // The MCU or the uplink at the data centre: its line and its supply (art. 13.2: the central server).
  network: [TELECOM_PARTNER, POWER_PARTNER],
  equipment: [],
  climate: [],
  config: [],
};

/** The partners on call for a kind of fault. */
export function partnersFor(kind: IncidentFault): readonly string[] {
  return partnersByKind[kind];
}
