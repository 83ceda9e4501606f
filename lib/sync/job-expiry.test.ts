import { describe, expect, it } from "vitest";
import { jobTimeoutSeconds, maintenanceIntervalSeconds } from "./job-expiry";

describe("jobTimeoutSeconds", () => {
  it("is 5 minutes unless FERRY_JOB_TIMEOUT_SECONDS says otherwise", () => {
    expect(jobTimeoutSeconds({})).toBe(300);
    expect(jobTimeoutSeconds({ FERRY_JOB_TIMEOUT_SECONDS: "20" })).toBe(20);
    expect(jobTimeoutSeconds({ FERRY_JOB_TIMEOUT_SECONDS: " 90.4 " })).toBe(90);
  });

  it("ignores values pg-boss would refuse", () => {
    for (const raw of ["0", "-5", "soon", "", "0.2"]) expect(jobTimeoutSeconds({ FERRY_JOB_TIMEOUT_SECONDS: raw })).toBe(300);
  });
});

describe("maintenanceIntervalSeconds", () => {
  it("checks for expired jobs a few times per timeout, at most every 30 s and at least every second", () => {
    expect(maintenanceIntervalSeconds(300)).toBe(30);
    expect(maintenanceIntervalSeconds(20)).toBe(5);
    expect(maintenanceIntervalSeconds(2)).toBe(1);
  });
});
