/**
 * Reads the stored history a report needs through the parts that own it (readiness transitions and
 * telemetry in the store, the calendar, rehearsals, incidents) and hands it to the pure report.
 */
import type { IncidentsRepo } from '../incidents/incidents-repo.js';
import type { MeetingsRepo } from '../schedule/meetings-repo.js';
import type { RehearsalsRepo } from '../schedule/rehearsals-repo.js';
import type { HubStore } from '../store/store.js';
import type { ReportPeriod } from './report-period.js';
import { buildYearlyReport, type YearlyReport } from './yearly-report.js';

export interface ReportSources {
  store: Pick<HubStore, 'listTransitions' | 'listEnergy'>;
  meetings: Pick<MeetingsRepo, 'list'>;
  rehearsals: Pick<RehearsalsRepo, 'roomResults' | 'callResults'>;
  incidents: Pick<IncidentsRepo, 'list'>;
  rooms: readonly { id: string; name: string }[];
  now: () => Date;
}

export async function reportFor(sources: ReportSources, period: ReportPeriod): Promise<YearlyReport> {
  const { from, to } = period;
  const transitions = await sources.store.listTransitions(from, to);
  const incidents = await sources.incidents.list({ from, to });
  const energy = (
    await Promise.all(sources.rooms.map((r) => sources.store.listEnergy(r.id, from, to)))
  ).flat();
  return buildYearlyReport({
    period,
    now: sources.now(),
    rooms: sources.rooms,
    transitions,
    meetings: await sources.meetings.list({ from, to }),
    rehearsalResults: await sources.rehearsals.roomResults(from, to),
    callResults: (await sources.rehearsals.callResults({ from, to })).map((c) => ({
      roomId: c.roomId,
      at: c.at,
      testCall: c.calls.testCall?.outcome ?? null,
      lineTested: c.calls.lineTest !== undefined && c.calls.lineTest.outcome !== 'not-placed',
      line: c.checks.find((x) => x.check === 'line')?.status ?? null,
    })),
    incidents,
    energy,
  });
}
