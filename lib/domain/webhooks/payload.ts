import { WEBHOOK_TEST_EVENT } from "@/lib/validation/webhooks";

// The one place a webhook body is built, from an audit event (and, for certificate events,
// the certificate's fixed facts). Fields are picked by name, never copied wholesale: audit
// details hold things a receiver must not get (token hints are 4 characters of a secret,
// actor labels of token holders are such hints), so a new detail stays private until it is
// added here on purpose.

export type EventRow = {
  eventId: bigint;
  at: Date;
  action: string;
  frontdoorId: string | null;
  targetId: string | null;
  details: unknown;
  certificate: {
    tokenId: string | null;
    name: string;
    commonName: string;
    organization: string | null;
    organizationalUnit: string | null;
    serialNumber: string;
    keyAlgorithm: string;
    notBefore: Date;
    notAfter: Date;
  } | null;
};

export type WebhookBody = { type: string; timestamp: string; data: Record<string, unknown> };

/** The event type an audit action announces (they share names, except the console's test). */
export const eventTypeOf = (action: string) => (action === "webhook.test_sent" ? WEBHOOK_TEST_EVENT : action);

/** The Standard Webhooks message id: the same on every attempt and redelivery, for receivers to deduplicate. */
export const messageIdOf = (eventId: bigint) => `msg_${eventId}`;

function pick(details: unknown, keys: readonly string[]): Record<string, unknown> {
  const source = details && typeof details === "object" ? (details as Record<string, unknown>) : {};
  return Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));
}

const DETAILS_BY_TYPE: Record<string, readonly string[]> = {
  "token.created": ["name", "commonName", "organization", "organizationalUnit", "expiresAt", "validDays"],
  "token.redeemed": ["clientCertificateId"],
  "token.redeem_failed": ["code", "count"],
  "token.approval_requested": ["approvalsRequired", "reason"],
  "token.approved": ["approvals", "approvalsRequired"],
  "token.rejected": ["comment"],
  "certificate.renewed": ["renewedFromId"],
  "certificate.revoked": ["reason"],
  "certificate.expiring": ["daysBefore"],
  "ca.expiring": ["daysLeft", "generation", "subject", "notAfter"],
};

function certificateData(row: EventRow): Record<string, unknown> {
  const c = row.certificate;
  if (!c) return { certificateId: row.targetId };
  return {
    certificateId: row.targetId,
    tokenId: c.tokenId,
    name: c.name,
    commonName: c.commonName,
    organization: c.organization,
    organizationalUnit: c.organizationalUnit,
    serialNumber: c.serialNumber,
    keyAlgorithm: c.keyAlgorithm,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
  };
}

/** `{ type, timestamp, data }` for one audit event. */
export function webhookBody(row: EventRow): WebhookBody {
  const type = eventTypeOf(row.action);
  const subject =
    type === WEBHOOK_TEST_EVENT
      ? { webhookId: row.targetId, message: "A test event sent from the Certdoor console." }
      : type.startsWith("certificate.")
        ? certificateData(row)
        : type.startsWith("ca.")
          ? { caId: row.targetId }
          : { tokenId: row.targetId };
  return {
    type,
    timestamp: row.at.toISOString(),
    data: { frontdoorId: row.frontdoorId, ...subject, ...pick(row.details, DETAILS_BY_TYPE[type] ?? []) },
  };
}
