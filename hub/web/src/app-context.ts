/**
 * What every page shares: who is logged in (and so what they may do), the rooms and the MCU as the
 * live feed last told them, and the feed itself.
 */
import type { RoomView } from '../../fleet-state.js';
import type { McuState } from '../../mcu/mcu-monitor.js';
import type { SessionInfo } from '../../security/session-routes.js';
import type { LiveFeed } from './live.js';

export interface AppContext {
  session: SessionInfo;
  live: LiveFeed;
  rooms: Map<string, RoomView>;
  mcu: McuState | null;
  roomName(roomId: string | null): string;
}

/** Everything that changes state, the server enforcing it again: hidden from who may not. */
export const mayOperate = (s: SessionInfo) => s.role === 'operator';

/** A technician acts for their own room; an operator for every room. */
export const mayActForRoom = (s: SessionInfo, roomId: string) =>
  s.role === 'operator' || (s.role === 'technician' && s.roomId === roomId);

/** A page draws itself into `root` and returns what stops its timers and listeners. */
export type Page = (app: AppContext, root: HTMLElement, params: string[]) => (() => void) | undefined;
