// The commands a system runs to fetch certdoor-redeem.mjs, check it against the SHA-256 the
// console shows, and redeem with it. Shared by the once-shown panel (a client component) and
// the token page, so it imports nothing server-only.

/** The three lines; `token` is the secret where it is known (only at creation and rotation). */
export function redeemToolCommands(origin: string, frontdoorId: string, sha256: string, token = "crt_…"): string {
  return [
    `curl -fsSO "${origin}/tools/certdoor-redeem.mjs"`,
    `echo "${sha256}  certdoor-redeem.mjs" | sha256sum -c -`,
    `node certdoor-redeem.mjs --server "${origin}" --frontdoor ${frontdoorId} --token ${token} --out ./mtls`,
  ].join("\n");
}
