/**
 * Why a room or the hub refused an operator's order from the room page (power on and off, keep
 * until, the remote actions), in the reader's words. The room says why in English for logs and
 * scripts, in fixed forms (power-controller.ts, remote-commands.ts, codec-standby-output.ts), which
 * are read here; a form not known here shows as the room wrote it. Pure, so it is tested without a
 * browser.
 */
import { formatTime } from '../../../shared/format-time.js';
import { t } from './i18n/i18n.js';

export interface OrderAnswer {
  code?: string;
  error?: string;
  field?: string;
  freeze?: { title: string; window: string; from: string; to: string };
}

/** `power` (on, off, keep until) or `action` (the remote actions): the refusal's words differ. */
export type OrderKind = 'power' | 'action';

/** A room whose codec cannot sleep on command: a Poly (its REST API has no standby) or one not set up for it. */
function noStandbyText(reason: string): string | null {
  if (!/^no codec standby/.test(reason)) return null;
  return t(/Poly/.test(reason) ? 'room.refusedNoStandbyPoly' : 'room.refusedNoStandby');
}

export function refusalText(body: OrderAnswer, kind: OrderKind): string {
  const reason = body.error ?? '';
  if (body.code === 'freeze' && body.freeze) {
    const f = body.freeze;
    const what =
      f.window === 'meeting' ? t('room.freezeMeeting') : t('room.freezeRehearsal', { slot: f.window });
    const words = { what, title: f.title, from: formatTime(f.from), to: formatTime(f.to) };
    return kind === 'power' ? t('room.freeze', words) : t('room.actionFreeze', words);
  }
  if (body.code === 'reason-required')
    return kind === 'power' ? t('room.reasonRequired') : t('room.actionReasonRequired');
  if (body.code === 'refused') {
    if (/call is in progress/.test(reason))
      return t('room.powerRefused', {
        reason: kind === 'power' ? t('room.refusedCall') : t('room.refusedCallAction'),
      });
    if (/^change freeze/.test(reason)) return t('room.powerRefused', { reason: t('room.refusedFreeze') });
    if (/on battery/.test(reason)) return t('room.powerRefused', { reason: t('room.refusedUps') });
    return t('room.powerRefused', { reason: noStandbyText(reason) ?? reason });
  }
  // A controller older than the action: it does not know the command at all.
  if (body.code === 'unknown-command')
    return t('room.powerRefused', { reason: t('room.refusedUnknownCommand') });
  return t('room.powerFailed', { code: body.code ?? '?', reason });
}
