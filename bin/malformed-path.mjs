// Next.js decodes every dynamic path segment with decodeURIComponent and answers a segment
// that is not valid percent-encoding (`%E0%A4%A`, `%zz`) with its own plain-text 500 before any
// route runs. Such a path is the client's mistake (RFC 3986 §2.1), so bin/server.mjs answers
// it here, as the REST doors answer bad input: 400 problem+json, validation_failed.

/**
 * @param {string | undefined} url the request target (path and query)
 * @returns {boolean} whether its path cannot be percent-decoded
 */
export function hasMalformedPath(url) {
  const path = String(url ?? "").split("?")[0] ?? "";
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

const DETAIL = "The path is not valid percent-encoding (RFC 3986 §2.1).";

/** The body lib/http/problem.ts would write for validation_failed (a test keeps the two equal). */
export const malformedPathProblem = {
  type: "https://certdoor.dev/problems/validation-failed",
  title: "Validation failed",
  status: 400,
  detail: DETAIL,
  code: "validation_failed",
  errors: [{ path: "(path)", message: DETAIL }],
};

/** @param {import("node:http").ServerResponse} res */
export function answerMalformedPath(res) {
  res.writeHead(400, { "Content-Type": "application/problem+json", "Cache-Control": "no-store" });
  res.end(JSON.stringify(malformedPathProblem));
}
