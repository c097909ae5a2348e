import { CliError, UsageError } from "../io";

// What the two commands a system runs against Certdoor over HTTP (redeem, renew) share: the
// --server option, its check, and the POST. No database imports: both are bundled into the
// standalone certdoor-redeem.mjs.

export const serverOption = { type: "string", value: "URL", help: "Certdoor's address, e.g. https://certdoor.example.com", required: true } as const;

/** Refuses a --server that is not an http(s) address: a wrong invocation, named as such (exit 2). */
export function checkServer(server: string, command: string): void {
  if (/^https?:\/\//i.test(server) && URL.canParse(server)) return;
  throw new UsageError(`${command}: --server takes Certdoor's address with http:// or https://, e.g. https://certdoor.example.com (got "${server}")`, command);
}

/** `{server}/frontdoor/{id}/…` for a checked --server. */
export const frontdoorUrl = (server: string, frontdoorId: string, rest: string) => `${server.replace(/\/+$/, "")}/frontdoor/${encodeURIComponent(frontdoorId)}/${rest}`;

/** POSTs JSON and returns the body of a 201; anything else is a CliError, as postJson says. */
export async function postForCreated(url: string, body: unknown, headers: Record<string, string> = {}, message = (_code: string, detail: string) => detail): Promise<Record<string, unknown>> {
  return (await postJson(url, body, [201], headers, message)).body;
}

/**
 * POSTs JSON and returns the status and body of an answer whose status is `accepted`;
 * anything else is a CliError with the contract's code (or http_<status>) and its detail,
 * passed through `message` for the command's words.
 */
export async function postJson(url: string, body: unknown, accepted: readonly number[], headers: Record<string, string> = {}, message = (_code: string, detail: string) => detail): Promise<{ status: number; body: Record<string, unknown> }> {
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers: { ...headers, "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(body) });
  } catch (error) {
    throw new CliError("network", `Could not reach ${new URL(url).origin}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!accepted.includes(response.status)) {
    const code = typeof answer.code === "string" ? answer.code : `http_${response.status}`;
    throw new CliError(code, message(code, typeof answer.detail === "string" ? answer.detail : `The server answered ${response.status}.`));
  }
  return { status: response.status, body: answer };
}
