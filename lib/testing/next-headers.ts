import { encode } from "next-auth/jwt";
import { startSession } from "@/lib/domain/access/sessions";

// `next/headers` for code that tests call in-process (vi.mock("next/headers", () =>
// import("@/lib/testing/next-headers"))): route handlers and server actions read the request
// they run in through it (Auth.js's auth(), getSessionPrincipal). A test sets the headers of
// the request it simulates before each call, one request at a time.

let current = new Headers();

/** The request's headers, with the Host and X-Forwarded-Proto that Next.js's server adds (Auth.js builds its URLs from them). */
export function setRequestHeaders(headers: HeadersInit): void {
  current = new Headers(headers);
  if (!current.has("host")) current.set("host", "localhost");
  if (!current.has("x-forwarded-proto")) current.set("x-forwarded-proto", "http");
}

export async function headers(): Promise<Headers> {
  return current;
}

export async function cookies() {
  const jar = new Map<string, string>();
  for (const pair of (current.get("cookie") ?? "").split(/;\s*/)) {
    const at = pair.indexOf("=");
    if (at > 0) jar.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return {
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name)! } : undefined),
    getAll: () => [...jar].map(([name, value]) => ({ name, value })),
    has: (name: string) => jar.has(name),
    set: () => undefined,
    delete: () => undefined,
  };
}

export async function draftMode() {
  return { isEnabled: false };
}

/** The Cookie header of a signed-in browser: a server-side session, named by an Auth.js token sealed with AUTH_SECRET. */
export async function sessionCookie(userId: string): Promise<string> {
  const salt = "authjs.session-token";
  const sid = await startSession(userId);
  return `${salt}=${await encode({ token: { sub: userId, sid }, secret: process.env.AUTH_SECRET!, salt, maxAge: 3600 })}`;
}
