/** A cookie's value in a request's Cookie header, for code that runs before Next's cookies() applies (Auth.js providers). */
export function requestCookie(headers: Headers, name: string): string | null {
  for (const pair of (headers.get("cookie") ?? "").split(/;\s*/)) {
    const at = pair.indexOf("=");
    if (at > 0 && pair.slice(0, at) === name) return pair.slice(at + 1);
  }
  return null;
}
