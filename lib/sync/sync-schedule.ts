// The periodic sync as a cron expression. Cron steps only repeat evenly when they divide the hour
// (or the day): `*/7` fires at :56 and again at :00, `*/59` at :59 and :00. So the interval is
// rounded to the nearest step that divides 60 minutes, or for an hour and more, 24 hours.

const MINUTE_STEPS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30];
const HOUR_STEPS = [1, 2, 3, 4, 6, 8, 12, 24];
const DEFAULT_SECONDS = 120;

function nearest(steps: readonly number[], value: number): number {
  return steps.reduce((best, step) => (Math.abs(step - value) < Math.abs(best - value) ? step : best));
}

/** FERRY_SYNC_INTERVAL_SECONDS as a cron schedule that fires at even intervals. */
export function syncCron(env: Record<string, string | undefined> = process.env): string {
  const raw = Number(env.FERRY_SYNC_INTERVAL_SECONDS ?? DEFAULT_SECONDS);
  const seconds = Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_SECONDS;
  const minutes = seconds / 60;
  if (minutes < 45) {
    const step = nearest(MINUTE_STEPS, minutes);
    return step === 1 ? "* * * * *" : `*/${step} * * * *`;
  }
  const hours = nearest(HOUR_STEPS, minutes / 60);
  if (hours === 24) return "0 0 * * *";
  return hours === 1 ? "0 * * * *" : `0 */${hours} * * *`;
}
