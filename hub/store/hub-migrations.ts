/**
 * Every hub part's tables on the relational store, in the order their tables refer to each other:
 * what the hub applies at start, and what a move to PostgreSQL creates before the rows arrive.
 */
import { calendarSubscriptionsMigrations } from '../schedule/calendar-subscriptions.js';
import { meetingsMigrations } from '../schedule/meetings-repo.js';
import { rehearsalsMigrations } from '../schedule/rehearsals-repo.js';
import { auditMigrations } from '../security/audit-log.js';
import { leaseMigrations } from './lease.js';
import type { SqlMigration } from './sql.js';

export const hubMigrations: readonly SqlMigration[] = [
  ...leaseMigrations,
  ...auditMigrations,
  ...calendarSubscriptionsMigrations,
  ...meetingsMigrations,
  ...rehearsalsMigrations,
];
