import { afterAll, beforeAll } from "vitest";
import { redeemToken } from "@/lib/domain/certificates";
import { createToken } from "@/lib/domain/tokens";
import { createWebhook } from "@/lib/domain/webhooks";
import { startWebhookWorker, stopWebhookWorker } from "@/lib/domain/webhooks/worker";
import { env } from "@/lib/env";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "@/lib/validation/webhooks";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";
import { opensslCsr } from "@/lib/testing/openssl";
import { startReceiver } from "@/lib/testing/webhook-receiver";

// Webhook tests share this setup: the real worker pool of this process (polling often, so
// retries show up on time), private targets allowed (receivers listen on 127.0.0.1), and
// a Frontdoor with an endpoint pointing at a fresh receiver.

const receivers: { close: () => Promise<void> }[] = [];

/** For a test file: the worker runs, and the receivers its tests started are closed after them. */
export function withWebhookWorker(): void {
  beforeAll(async () => {
    Object.assign(env, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: true });
    await startWebhookWorker({ pollInterval: 200 });
  });
  afterAll(async () => {
    await stopWebhookWorker();
    await Promise.all(receivers.splice(0).map((r) => r.close()));
    Object.assign(env, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: false });
  });
}

/** A Frontdoor, a receiver, and an endpoint for `events` (all of them by default) pointing at it. */
export async function endpointWithReceiver(options: { answers?: number[]; events?: WebhookEventType[]; frontdoorId?: string; validDays?: number } = {}) {
  const frontdoorId = options.frontdoorId ?? (await makeFrontdoor()).id;
  const receiver = await startReceiver(options.answers);
  receivers.push(receiver);
  const webhook = await createWebhook(system, frontdoorId, { url: receiver.url, events: options.events ?? [...WEBHOOK_EVENT_TYPES] });
  receiver.setSecret(webhook.secret);
  return { frontdoorId, receiver, webhook };
}

/** A token created and redeemed on the Frontdoor. */
export async function redeemNew(frontdoorId: string, fields: { commonName?: string; validDays?: number } = {}) {
  const token = await createToken(system, frontdoorId, { name: "webhook test", commonName: fields.commonName ?? "device.example.com", validDays: fields.validDays });
  const certificate = await redeemToken({ frontdoorId, secret: token.token, body: { type: "CSR", value: opensslCsr("ec-p256").csrPem }, context: { ip: "192.0.2.7" } });
  return { token, certificate };
}
