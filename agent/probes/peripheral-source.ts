/**
 * The peripherals a codec reports (art. 5.1: the room lit, sound and picture clear; art. 5.3: no
 * equipment moved): one implementation per codec API (xapi-peripherals.ts, poly-peripherals.ts, the
 * simulated codec). `reported` names the kinds the API can list at all, so a kind it cannot list is
 * "not reported", never "none found".
 */
import type { Peripheral, PeripheralKind } from '../../shared/schemas.js';
import type { CallOutcome } from '../call/test-call-codec.js';

export interface PeripheralInventory {
  reported: PeripheralKind[];
  devices: Peripheral[];
}

export interface PeripheralSource {
  peripherals(): Promise<CallOutcome<PeripheralInventory>>;
}
