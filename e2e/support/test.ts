import { test as base, expect } from "@playwright/test";

// Every spec's browser runs under the production Content-Security-Policy, and a test fails
// on any violation the browser reports (Chromium logs each as a console error), so a page
// that needs an inline script or a foreign origin cannot slip in.

export * from "@playwright/test";

export const test = base.extend({
  context: async ({ context }, use) => {
    const violations: string[] = [];
    context.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy/i.test(message.text())) violations.push(`${message.location().url}: ${message.text()}`);
    });
    await use(context);
    expect(violations, "Content-Security-Policy violations").toEqual([]);
  },
});
