import { randomUUID, timingSafeEqual } from "node:crypto";
import { isLoopback } from "@/bin/client-ip.mjs";
import { AppError } from "@/lib/domain/errors";
import { env } from "@/lib/env";
import { forwardingHeaderSent, requestContextFrom } from "@/lib/http/client-info";
import { processMetrics } from "@/lib/observability/metrics";

// Who may scrape, and what one scrape sees. With METRICS_TOKEN set, the bearer must match;
// without, only loopback callers (the address bin/server.mjs proved). Under several
// workers the answer is the primary's aggregate of all of them, asked for over IPC.

export function assertMayScrape(request: Request): void {
  const expected = env.METRICS_TOKEN;
  if (expected) {
    const given = Buffer.from(/^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1] ?? "");
    const wanted = Buffer.from(expected);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw new AppError("unauthenticated", "Send Authorization: Bearer <METRICS_TOKEN>.");
    return;
  }
  const ip = requestContextFrom(request.headers).ip;
  // A request with forwarding headers came through a proxy, whoever its socket peer is: a
  // local proxy with TRUST_PROXY_HOPS=0 would otherwise open /metrics to every client.
  const forwarded = forwardingHeaderSent(request.headers);
  if (forwarded) throw new AppError("forbidden", `This request came through a proxy (${forwarded}); without METRICS_TOKEN, /metrics answers only direct requests from this machine. Set METRICS_TOKEN to scrape through a proxy.`);
  if (!isLoopback(ip)) throw new AppError("forbidden", "Without METRICS_TOKEN, /metrics answers only this machine (loopback). Set METRICS_TOKEN to scrape from elsewhere.");
}

/** This process's metrics, or, in a cluster, every worker's as the primary aggregates them. */
export function scrape(): Promise<string> {
  if (!process.send || process.env.CERTDOOR_CLUSTER !== "1") return processMetrics();
  processMetrics(); // this worker's metrics exist before the primary asks for them
  const id = randomUUID();
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type?: string; id?: string; text?: string; error?: string }) => {
      if (message?.type !== "certdoor:metrics" || message.id !== id) return;
      process.off("message", onMessage);
      clearTimeout(timer);
      if (message.error) reject(new Error(message.error));
      else resolve(message.text ?? "");
    };
    const timer = setTimeout(() => {
      process.off("message", onMessage);
      reject(new Error("the primary did not answer with the cluster's metrics within 10 s"));
    }, 10_000);
    process.on("message", onMessage);
    process.send!({ type: "certdoor:metrics-request", id });
  });
}
