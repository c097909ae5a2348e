import { ERROR_STATUS } from "@/lib/domain/errors";
import { ERROR_GUIDE } from "@/lib/domain/error-guide";

// docs/errors.md, generated: every code the OpenAPI document's Problem.code enum lists (both
// read ERROR_STATUS), its status, when it happens and what the reader does next.
// Regenerate with: CERTDOOR_WRITE_DOCS=1 npx vitest run lib/docs/error-table.test.ts

const cell = (text: string) => text.replace(/\|/g, "\\|");

export function errorTableMarkdown(): string {
  const rows = Object.entries(ERROR_STATUS).map(([code, status]) => {
    const guide = ERROR_GUIDE[code];
    if (!guide) throw new Error(`lib/domain/error-guide.ts has no entry for ${code}`);
    return `| \`${code}\` | ${status} | ${cell(guide.when)} | ${cell(guide.action)} |`;
  });
  return [
    "# Error codes",
    "",
    "Every error Certdoor's HTTP API answers is `application/problem+json`:",
    '`{ "type", "title", "status", "detail", "code" }`, plus `"errors": [{ "path", "message" }]` for',
    "`validation_failed`. Scripts branch on `code`, which is stable; `detail` is for people and may",
    "say more about the case at hand. The `certdoor` command line prints the same codes on stderr",
    "(`certdoor: token_expired: …`).",
    "",
    "This file is generated from `lib/domain/errors.ts` and `lib/domain/error-guide.ts`, the same",
    "source as the `Problem.code` enum in `/api/openapi.json`; `lib/docs/error-table.test.ts` fails",
    "when they disagree.",
    "",
    "| code | status | when | what to do |",
    "|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}
