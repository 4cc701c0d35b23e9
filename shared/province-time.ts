/**
 * The province's time zone, written once for hub, agent, dashboard and scripts. Vietnam has kept
 * UTC+7 all year since 1975 (no summer time), so a wall time there is always the instant plus seven
 * hours: plain arithmetic on the offset is exact, and Intl or cron take the IANA name.
 */
export const PROVINCE_TIME_ZONE = 'Asia/Ho_Chi_Minh';
/** The offset as ISO 8601 writes it after a wall time (`2027-01-07T08:00:00+07:00`). */
export const PROVINCE_UTC_OFFSET = '+07:00';
export const PROVINCE_OFFSET_MS = 7 * 3_600_000;

/** The province's wall clock at `instant`, as a Date whose UTC fields (getUTCHours, …) read it. */
export function toProvinceWall(instant: Date | number): Date {
  return new Date(+instant + PROVINCE_OFFSET_MS);
}

/** The instant at which the province's wall clock reads the UTC fields of `wall` (undoes toProvinceWall). */
export function fromProvinceWall(wall: Date | number): Date {
  return new Date(+wall - PROVINCE_OFFSET_MS);
}
