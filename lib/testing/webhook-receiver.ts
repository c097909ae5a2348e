import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

// A webhook endpoint for tests: a real HTTP server on 127.0.0.1 that records what arrives
// and checks every signature the way a receiver would, with the standardwebhooks package.
// Its answers can be scripted (500, 500, then 200…). The secret is learnt after
// registration (setSecret), as a real receiver learns it from the console.

export type Received = {
  id: string;
  timestamp: number;
  body: string;
  event: { type: string; timestamp: string; data: Record<string, unknown> };
  /** null when the signature verified; the verification error otherwise. */
  signatureError: string | null;
  at: number;
};

export async function startReceiver(answers: number[] = []) {
  let secret: string | null = null;
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      let signatureError: string | null = "no secret set";
      if (secret) {
        try {
          new Webhook(secret).verify(body, headers);
          signatureError = null;
        } catch (error) {
          signatureError = (error as Error).message;
        }
      }
      received.push({ id: headers["webhook-id"] ?? "", timestamp: Number(headers["webhook-timestamp"]), body, event: JSON.parse(body), signatureError, at: Date.now() });
      const status = answers.shift() ?? 200;
      res.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "thanks" : `no thanks (${status})`);
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;

  /** Waits until `predicate` holds for what arrived (or fails after `timeoutMs`). */
  async function waitFor(predicate: (all: Received[]) => boolean, timeoutMs = 20_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(received)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the receiver got ${received.length} deliveries: ${received.map((r) => r.event.type).join(", ")}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return received;
  }

  return {
    url,
    received,
    waitFor,
    setSecret: (value: string) => void (secret = value),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
