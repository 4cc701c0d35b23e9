/** When a fault becomes an incident and when it ends (hub/incidents/incident-rules.ts). */
import { defaultRulesConfig } from './incident-rules.js';

export const incidentSettings = {
  raiseAfterSec: {
    doc: 'A fault must last this long before an incident opens (a flapping signal opens one, not twenty).',
    format: 'nat',
    default: defaultRulesConfig.raiseAfterSec,
  },
  clearAfterSec: {
    doc: 'A fault must be gone this long before its incident closes.',
    format: 'nat',
    default: defaultRulesConfig.clearAfterSec,
  },
  networkOfflineFraction: {
    doc: 'This share of the rooms offline at once is one network incident (uplink, MCU), not one per room.',
    format: (v: unknown) => {
      if (typeof v !== 'number' || !(v > 0 && v <= 1))
        throw new Error('must be a number above 0 and at most 1');
    },
    default: defaultRulesConfig.networkOfflineFraction,
  },
  startupGraceSec: {
    doc: 'After the hub starts, a room not heard from yet counts as offline only after this long.',
    format: 'nat',
    default: 120,
  },
  checkSec: {
    doc: 'How often the incident rules run without news, so waits end on time.',
    format: 'nat',
    default: 5,
  },
};
