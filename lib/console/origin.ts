import "server-only";
import { headers } from "next/headers";
import { requestContextFrom } from "@/lib/http/client-info";
import { publicUrl } from "@/lib/runtime/public-url";

/** The address links made on this console page carry (PUBLIC_URL, or the address in use). */
export async function linkOrigin(): Promise<string> {
  return publicUrl(requestContextFrom(await headers()));
}

const LOOPBACK = /^https?:\/\/(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i;

/**
 * Why links made here may not reach their readers, or null: PUBLIC_URL names another
 * address than the one in use, or, with PUBLIC_URL unset, the address in use is this
 * machine's loopback, which nobody else can open.
 */
export async function linkAddressNotice(): Promise<string | null> {
  const origin = requestContextFrom(await headers()).origin;
  const links = await linkOrigin();
  if (!origin) return null;
  if (origin !== links) return `Links made here carry PUBLIC_URL, ${links}, not the address you are using (${origin}). Set PUBLIC_URL to the address people and systems should use.`;
  if (LOOPBACK.test(links)) return `PUBLIC_URL is not set, so links made here carry ${links}, which only this machine can open. Open the console at an address others can reach, or set PUBLIC_URL.`;
  return null;
}
