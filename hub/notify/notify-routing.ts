/**
 * Who is told about an incident, and how (art. 4.2, 13.1b, 13.2b). Pure: from the notice, the
 * contacts on file, the configuration and the time.
 *
 * - the operator (Sở TT&TT) hears of everything at or above `minSeverity`;
 * - the room's technician hears of their room's incidents;
 * - the partner on call for the kind of fault: the line to the telecom partner, the mains to the
 *   power partner, the MCU or uplink to both;
 * - every webhook hears of what reaches its own minimum severity.
 *
 * Quiet hours hold back everything but critical incidents: a mains loss or a room gone dark at
 * night still wakes someone, a humidity warning is postponed to the end of the quiet hours, when
 * the notifier sends each recipient the night's notices in one digest.
 */
import { toProvinceWall } from '../../shared/province-time.js';
import type { Severity } from '../../shared/schemas.js';
import type { IncidentContacts } from '../contacts/contact-directory.js';
import type { IncidentFault } from '../contacts/incident-faults.js';

export interface Notice {
  incidentId: number;
  event: 'opened' | 'closed';
  roomId: string | null;
  cause: string;
  faultKind: IncidentFault;
  severity: Severity;
  /** When the incident opened, or closed. */
  at: string;
  recoverSec: number | null;
}

export interface WebhookTarget {
  url: string;
  minSeverity: Severity;
}

export interface RoutingConfig {
  operatorEmails: readonly string[];
  minSeverity: Severity;
  /** Local times `HH:mm` in Asia/Ho_Chi_Minh; both empty for none. The span may cross midnight. */
  quietHours: { start: string; end: string };
  webhooks: readonly WebhookTarget[];
}

export type RecipientRole = 'operator' | 'technician' | 'partner';

/**
 * `skip`: why nothing is sent (nobody on file, a bounced address); `postponeUntil`: the end of the
 * quiet hours (ISO, UTC), when it goes out in that recipient's digest.
 */
export type Delivery =
  | { channel: 'email'; role: RecipientRole; to: string; name: string; skip?: string; postponeUntil?: string }
  | { channel: 'webhook'; to: string; skip?: string; postponeUntil?: string };

const rank: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
const DAY_MIN = 24 * 60;
const MINUTE_MS = 60_000;

function minutesInVietnam(now: Date): number {
  const wall = toProvinceWall(now);
  return wall.getUTCHours() * 60 + wall.getUTCMinutes();
}

function minutes(hhmm: string): number {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

export function inQuietHours(now: Date, quiet: RoutingConfig['quietHours']): boolean {
  if (!quiet.start || !quiet.end) return false;
  const t = minutesInVietnam(now);
  const start = minutes(quiet.start);
  const end = minutes(quiet.end);
  return start <= end ? t >= start && t < end : t >= start || t < end;
}

/**
 * When the quiet hours `now` falls in end: the first minute at which `inQuietHours` no longer holds
 * (the end minute itself, which is outside the window), or null outside quiet hours. Vietnam keeps
 * UTC+7 all year, with no daylight saving, so a count of local minutes is a count of real ones.
 */
export function quietHoursEnd(now: Date, quiet: RoutingConfig['quietHours']): Date | null {
  if (!inQuietHours(now, quiet)) return null;
  const wait = (minutes(quiet.end) - minutesInVietnam(now) + DAY_MIN) % DAY_MIN;
  const minuteStart = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
  return new Date(minuteStart + wait * MINUTE_MS);
}

export function routeNotice(
  notice: Notice,
  contacts: IncidentContacts,
  config: RoutingConfig,
  now: Date,
): Delivery[] {
  const deliveries: Delivery[] = [];
  if (rank[notice.severity] >= rank[config.minSeverity]) {
    for (const to of config.operatorEmails)
      deliveries.push({ channel: 'email', role: 'operator', to, name: 'Sở TT&TT' });
    if (notice.roomId) {
      const t = contacts.technician;
      if (!t)
        deliveries.push({
          channel: 'email',
          role: 'technician',
          to: '',
          name: '',
          skip: 'no technician on file',
        });
      else
        deliveries.push({
          channel: 'email',
          role: 'technician',
          to: t.email,
          name: t.name,
          ...(t.bounced ? { skip: 'email bounced' } : {}),
        });
    }
    for (const p of contacts.partners) {
      const c = p.contact;
      if (!c)
        deliveries.push({
          channel: 'email',
          role: 'partner',
          to: '',
          name: p.partnerName,
          skip: 'no on-call contact on file',
        });
      else
        deliveries.push({
          channel: 'email',
          role: 'partner',
          to: c.email,
          name: `${c.name}, ${p.partnerName}`,
          ...(c.bounced ? { skip: 'email bounced' } : {}),
        });
    }
  }
  for (const w of config.webhooks) {
    if (rank[notice.severity] >= rank[w.minSeverity]) deliveries.push({ channel: 'webhook', to: w.url });
  }
  const until = notice.severity === 'critical' ? null : quietHoursEnd(now, config.quietHours);
  if (until) {
    // A delivery skipped already (nobody on file, a bounced address) has nobody to wait for.
    const postponeUntil = until.toISOString();
    return deliveries.map((d) => (d.skip ? d : { ...d, postponeUntil }));
  }
  return deliveries;
}
