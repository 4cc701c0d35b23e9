/** Who did something, as the hub stored it (`operator demo`, `an (ubnd-na-hang)`), in the reader's words. */
import { parseActorLabel } from '../../api/actor.js';
import { t } from './i18n/i18n.js';

export function actorText(label: string, roomName: (id: string) => string): string {
  const actor = parseActorLabel(label);
  if (!actor) return label;
  if (actor.role === 'operator') return t('actor.operator', { name: actor.name });
  return t('actor.technician', { name: actor.name, room: roomName(actor.roomId) });
}
