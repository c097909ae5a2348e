import type { RequestContext } from "@/lib/domain/principal";
import { env } from "@/lib/env";

// The address absolute links carry (redemption links, commands, emails, the pointers in
// certificates): PUBLIC_URL when it is set; otherwise the address of the request that made
// them, so a console opened at 192.0.2.10:3000 makes links others can open. Without either
// (schedules, the CLI), the localhost default.

export function publicUrl(context?: RequestContext | null): string {
  if (env.isPublicUrlSet) return env.PUBLIC_URL;
  return context?.origin ?? env.PUBLIC_URL;
}
