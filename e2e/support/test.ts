import { type Browser, type BrowserContext, test as base, expect } from "@playwright/test";

// Every spec's browser runs under the production Content-Security-Policy, and a test fails
// on any violation the browser reports (Chromium logs each as a console error), so a page
// that needs an inline script or a foreign origin cannot slip in. That holds for the default
// context and for every context or page a test opens itself with `browser.newContext()` or
// `browser.newPage()` (second users, other instances). A test that provokes a violation on
// purpose says so with `test.use({ expectsCspViolations: true })`.

export * from "@playwright/test";

const isViolation = (type: string, text: string) => type === "error" && /Content Security Policy/i.test(text);

export const test = base.extend<{ expectsCspViolations: boolean; cspViolations: string[] }>({
  expectsCspViolations: [false, { option: true }],
  cspViolations: [
    async ({ browser, expectsCspViolations }, use) => {
      const violations: string[] = [];
      const watch = (context: BrowserContext) =>
        context.on("console", (message) => {
          if (isViolation(message.type(), message.text())) violations.push(`${message.location().url}: ${message.text()}`);
        });
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
        await use(violations);
      } finally {
        patched.newContext = newContext;
        patched.newPage = newPage;
      }
      if (!expectsCspViolations) expect(violations, "Content-Security-Policy violations").toEqual([]);
    },
    { auto: true },
  ],
  context: async ({ context, cspViolations }, use) => {
    context.on("console", (message) => {
      if (isViolation(message.type(), message.text())) cspViolations.push(`${message.location().url}: ${message.text()}`);
    });
    await use(context);
  },
});
