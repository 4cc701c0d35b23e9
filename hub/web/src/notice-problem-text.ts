/**
 * A notice problem in the reader's words, for the operator's banner and the notification log, with
 * the rooms it concerns. A missing technician whose deliveries name no room (stored before rooms
 * were kept) is said without the list, not with an empty one.
 */
import type { NoticeProblem } from '../../api/notice-problems.js';
import type { AppContext } from './app-context.js';
import { t } from './i18n/i18n.js';

export function problemText(p: NoticeProblem, app: Pick<AppContext, 'roomName'>): string {
  if (p.code === 'no-technician' && p.roomIds.length === 0)
    return t('banner.no-technician.unnamed', { n: p.count });
  return t(`banner.${p.code}`, { n: p.count, rooms: p.roomIds.map((id) => app.roomName(id)).join(', ') });
}
