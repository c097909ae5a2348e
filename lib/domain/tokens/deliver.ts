import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit/events";
import type { Principal } from "@/lib/domain/access/principal";
import { isMailConfigured, sendMail } from "@/lib/email/mailer";
import { linkMail } from "@/lib/email/token-link";

// A token's link, emailed to its recipient at the only moments the secret exists: creation
// and rotation. The token stands whatever happens to the message; the answer says what did,
// and the audit trail keeps each attempt (never the link).

export type Delivery = { channel: "email"; to: string; status: "sent" | "failed" | "not_configured"; error?: string };

export type Deliverable = {
  id: string;
  frontdoorId: string;
  name: string;
  commonName: string | null;
  organization: string | null;
  organizationalUnit: string | null;
  expiresAt: Date;
  validDays: number;
  recipientEmail: string | null;
  redemptionUrl: string;
};

/** The SMTP server's answer, short and on one line. */
const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").slice(0, 300);

/** nodemailer's codes for a mail server that could not be reached or talked to at all (not a refused recipient). */
const UNREACHABLE = new Set(["ECONNECTION", "ETIMEDOUT", "ESOCKET", "EDNS", "EAUTH", "ETLS", "EGREETING"]);
const isUnreachable = (error: unknown) => UNREACHABLE.has((error as { code?: unknown } | null)?.code as string);

export type DeliverOptions = {
  isNewLink?: boolean;
  /** Record the link as not sent with this reason, without trying (a batch whose mail server is gone). */
  notTried?: string;
  /** Told, with the reason, when this send found the mail server unreachable, so a batch stops trying. */
  onUnreachable?: (reason: string) => void;
};

/** One attempt to send the link: sent, or failed with the server's reason. */
async function send(token: Deliverable, to: string, frontdoorName: string, options: DeliverOptions): Promise<Delivery> {
  try {
    await sendMail(
      linkMail({
        to,
        frontdoorName,
        tokenName: token.name,
        subject: token,
        expiresAt: token.expiresAt,
        validDays: token.validDays,
        redemptionUrl: token.redemptionUrl,
        isNewLink: options.isNewLink,
      }),
    );
    return { channel: "email", to, status: "sent" };
  } catch (error) {
    const reason = reasonOf(error);
    if (isUnreachable(error)) options.onUnreachable?.(reason);
    return { channel: "email", to, status: "failed", error: reason };
  }
}

export async function deliverLink(principal: Principal, token: Deliverable, frontdoorName: string, options: DeliverOptions = {}): Promise<Delivery | undefined> {
  const to = token.recipientEmail;
  if (!to) return undefined;
  if (!isMailConfigured()) return { channel: "email", to, status: "not_configured" };
  const delivery: Delivery = options.notTried ? { channel: "email", to, status: "failed", error: options.notTried } : await send(token, to, frontdoorName, options);
  await recordAudit(getDb(), principal, {
    action: delivery.status === "sent" ? "token.link_emailed" : "token.link_email_failed",
    frontdoorId: token.frontdoorId,
    targetKind: "token",
    targetId: token.id,
    details: { to, ...(delivery.error ? { error: delivery.error } : {}) },
  });
  return delivery;
}
