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
 * night still wakes someone, a humidity warning waits in the notification log for the morning.
 */
import type { Severity } from '../../shared/schemas.js';
import type { IncidentContacts } from '../contacts/contact-directory.js';
import type { FaultKind } from '../contacts/fault-kinds.js';

export interface Notice {
  incidentId: number;
  event: 'opened' | 'closed';
  roomId: string | null;
  cause: string;
  faultKind: FaultKind;
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

export type Role = 'operator' | 'technician' | 'partner';

export type Delivery =
  | { channel: 'email'; role: Role; to: string; name: string; skip?: string }
  | { channel: 'webhook'; to: string; skip?: string };

const rank: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

function minutesInVietnam(now: Date): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
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
  if (notice.severity !== 'critical' && inQuietHours(now, config.quietHours)) {
    return deliveries.map((d) => ({ ...d, skip: d.skip ?? 'quiet hours' }));
  }
  return deliveries;
}
