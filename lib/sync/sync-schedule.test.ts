import { describe, expect, it } from "vitest";
import { syncCron } from "./sync-schedule";

describe("syncCron", () => {
  it.each([
    [undefined, "*/2 * * * *"],
    ["30", "* * * * *"],
    ["60", "* * * * *"],
    ["120", "*/2 * * * *"],
    ["300", "*/5 * * * *"],
    ["420", "*/6 * * * *"], // 7 minutes does not divide the hour: the nearest step that does
    ["1800", "*/30 * * * *"],
    ["3540", "0 * * * *"], // 59 minutes: hourly, never :59 and :00 back to back
    ["3600", "0 * * * *"],
    ["7200", "0 */2 * * *"],
    ["18000", "0 */4 * * *"], // 5 hours: nearest step dividing the day
    ["86400", "0 0 * * *"],
    ["999999", "0 0 * * *"],
    ["0", "*/2 * * * *"],
    ["-5", "*/2 * * * *"],
    ["soon", "*/2 * * * *"],
  ])("FERRY_SYNC_INTERVAL_SECONDS=%s → %s", (value, cron) => {
    expect(syncCron({ FERRY_SYNC_INTERVAL_SECONDS: value })).toBe(cron);
  });
});
