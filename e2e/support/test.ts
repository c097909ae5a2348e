import { type Browser, type BrowserContext, test as base, expect } from "@playwright/test";

// Every spec's browser runs under the production Content-Security-Policy, and a test fails
// on any violation the browser reports (Chromium logs each as a console error), so a page
// that needs an inline script or a foreign origin cannot slip in. That holds for the default
// context and for every context or page a test opens itself with `browser.newContext()` or
// `browser.newPage()` (second users, other instances). A test that provokes a violation on
// purpose says so with `test.use({ expectsCspViolations: true })`.

export * from "@playwright/test";

/** What the guard collected, and how a context comes under it (every context does by itself). */
type CspGuard = { violations: string[]; watch: (context: BrowserContext) => void };

export const test = base.extend<{ expectsCspViolations: boolean; csp: CspGuard }>({
  expectsCspViolations: [false, { option: true }],
  csp: [
    async ({ browser, expectsCspViolations }, use) => {
      const violations: string[] = [];
      const watched = new WeakSet<BrowserContext>();
      const watch = (context: BrowserContext) => {
        if (watched.has(context)) return;
        watched.add(context);
        context.on("console", (message) => {
          if (message.type() === "error" && /Content Security Policy/i.test(message.text())) violations.push(`${message.location().url}: ${message.text()}`);
        });
      };
      const patched = browser as Browser & { newContext: Browser["newContext"]; newPage: Browser["newPage"] };
      const { newContext, newPage } = patched;
      patched.newContext = async (...args) => {
        const context = await newContext.apply(browser, args);
        watch(context);
        return context;
      };
      patched.newPage = async (...args) => {
        const page = await newPage.apply(browser, args);
        watch(page.context());
        return page;
      };
      try {
        await use({ violations, watch });
      } finally {
        patched.newContext = newContext;
        patched.newPage = newPage;
      }
      if (!expectsCspViolations) expect(violations, "Content-Security-Policy violations").toEqual([]);
    },
    { auto: true },
  ],
  context: async ({ context, csp }, use) => {
    csp.watch(context);
    await use(context);
  },
});
