/**
 * Kinds of fault, as far as who must act on them goes (art. 4.2, 13.1b, 13.2b): the line is the
 * telecom partner's, the mains the power partner's, everything else the room's and the operator's.
 */
import { partners } from '../../shared/fleet.js';

export const faultKinds = ['mains', 'line', 'equipment', 'climate', 'config', 'offline', 'network'] as const;
export type FaultKind = (typeof faultKinds)[number];

function partnerId(id: string): string {
  if (!partners.some((p) => p.id === id)) throw new Error(`partner ${id} is not in shared/fleet.ts`);
  return id;
}

export const TELECOM_PARTNER = partnerId('vnpt-tuyen-quang');
export const POWER_PARTNER = partnerId('dien-luc-tuyen-quang');

const partnersByKind: Record<FaultKind, readonly string[]> = {
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
export function partnersFor(kind: FaultKind): readonly string[] {
  return partnersByKind[kind];
}
