// Calls route handlers the way Next.js does: a Request and a params promise.

type Handler<P> = (request: Request, context: { params: Promise<P> }) => Promise<Response>;

export type Call = { status: number; headers: Headers; body: any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of any shape

export async function call<P>(
  handler: Handler<P>,
  params: P,
  init: { method?: string; path?: string; key?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Call> {
  const headers = new Headers(init.headers);
  if (init.key) headers.set("Authorization", `Bearer ${init.key}`);
  let body: string | undefined = init.rawBody;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers.set("Content-Type", "application/json");
  }
  const request = new Request(`http://localhost${init.path ?? "/"}`, { method: init.method ?? "GET", headers, body });
  return answerOf(await handler(request, { params: Promise.resolve(params) }));
}

/** A response's status, headers and body (parsed JSON, else the text). */
export async function answerOf(response: Response): Promise<Call> {
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Headers as bin/server.mjs sets them for a client at `ip` (with this process's proof). */
export function fromAddress(ip: string, sentForwardingHeader = ""): Record<string, string> {
  const proof = process.env.CERTDOOR_CLIENT_IP_SECRET;
  if (!proof) throw new Error("CERTDOOR_CLIENT_IP_SECRET is not set (lib/testing/database-per-file.ts sets it)");
  // What bin/server.mjs writes: the address, its proof, and which forwarding header the client sent.
  return { "x-certdoor-client-ip": ip, "x-certdoor-client-ip-proof": proof, "x-certdoor-forwarded": sentForwardingHeader };
}
