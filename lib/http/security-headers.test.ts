import { describe, expect, it } from "vitest";
import { PERMISSIONS_POLICY } from "@/lib/http/security-headers";

// Chromium logs "Error with Permissions-Policy header: Unrecognized feature: '…'" on every
// page for a feature it does not know, which buries real console errors (and the e2e CSP
// guard reads the console). These are the features Chromium 156 accepted without that
// message when served in a Permissions-Policy header; it refused bluetooth,
// ambient-light-sensor, battery, web-share and attribution-reporting.
const CHROMIUM_KNOWS = new Set([
  "accelerometer", "autoplay", "browsing-topics", "camera", "clipboard-read", "clipboard-write", "compute-pressure",
  "display-capture", "encrypted-media", "fullscreen", "gamepad", "geolocation", "gyroscope", "hid", "idle-detection",
  "interest-cohort", "local-fonts", "magnetometer", "microphone", "midi", "otp-credentials", "payment", "picture-in-picture",
  "publickey-credentials-create", "publickey-credentials-get", "screen-wake-lock", "serial", "storage-access", "sync-xhr",
  "usb", "window-management", "xr-spatial-tracking",
]);

describe("Permissions-Policy", () => {
  const directives = PERMISSIONS_POLICY.split(", ").map((d) => d.split("=") as [string, string]);

  it("names only features Chromium knows", () => {
    expect(directives.map(([feature]) => feature).filter((feature) => !CHROMIUM_KNOWS.has(feature))).toEqual([]);
  });

  it("still switches off the powerful features and keeps passkeys to this origin", () => {
    const policy = Object.fromEntries(directives);
    for (const feature of ["camera", "microphone", "geolocation", "usb", "serial", "hid", "payment"]) expect(policy[feature], feature).toBe("()");
    expect(policy["publickey-credentials-get"]).toBe("(self)");
    expect(policy["publickey-credentials-create"]).toBe("(self)");
  });
});
