/**
 * Every hub part's tables on the relational store, in the order their tables refer to each other:
 * what the hub applies at start, and what a move to PostgreSQL creates before the rows arrive.
 */
import { liveRelayMigrations } from '../api/live-relay.js';
import { approvedConfigsMigrations } from '../codec-config/approved-configs-repo.js';
import { contactsMigrations } from '../contacts/contacts-repo.js';
import { incidentsMigrations } from '../incidents/incidents-repo.js';
import { roomEdgesMigrations } from '../incidents/room-edges-repo.js';
import { notificationsMigrations } from '../notify/notifications-repo.js';
import { calendarSubscriptionsMigrations } from '../schedule/calendar-subscriptions.js';
import { meetingsMigrations } from '../schedule/meetings-repo.js';
import { rehearsalsMigrations } from '../schedule/rehearsals-repo.js';
import { securityMigrations } from '../security/security.js';
import { speakMigrations } from '../speak/speak-repo.js';
import { leaseMigrations } from './lease.js';
import type { SqlMigration } from './sql.js';

export const hubMigrations: readonly SqlMigration[] = [
  ...leaseMigrations,
  ...securityMigrations,
  ...contactsMigrations,
  ...approvedConfigsMigrations,
  ...speakMigrations,
  ...notificationsMigrations,
  ...incidentsMigrations,
  ...calendarSubscriptionsMigrations,
  ...meetingsMigrations,
  ...rehearsalsMigrations,
  ...liveRelayMigrations,
  ...roomEdgesMigrations,
];
