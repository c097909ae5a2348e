import nodemailer, { type Transporter } from "nodemailer";
import type SMTPPool from "nodemailer/lib/smtp-pool";
import { env } from "@/lib/env";

// Outgoing mail through the SMTP server the operator configured (SMTP_URL, SMTP_FROM). One
// pooled transport per process and URL; a send never waits longer than the timeouts below,
// so a dead mail server slows a token's creation by seconds, not minutes.

export type Mail = { to: string; subject: string; text: string; html: string };

export function isMailConfigured(): boolean {
  return Boolean(env.SMTP_URL && env.SMTP_FROM);
}

/**
 * Host, port and credentials from SMTP_URL. (nodemailer reads a `url` option too, but then
 * drops every other option, pooling and timeouts included.) smtps:// is TLS from the first
 * byte (465); smtp:// upgrades with STARTTLS when the server offers it (587).
 */
function connectionOf(url: string) {
  const u = new URL(url);
  const secure = u.protocol === "smtps:";
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
  };
}

let cached: { url: string; transport: Transporter } | undefined;

function transport(url: string): Transporter {
  if (cached?.url !== url) {
    cached?.transport.close();
    cached = {
      url,
      // maxRequeues: a message whose connection closes is tried once more (a pooled connection
      // the server dropped while idle), not forever: nodemailer's default requeues without end,
      // so a server that accepts and hangs up held token creation indefinitely.
      // (@types/nodemailer does not know the option.)
      transport: nodemailer.createTransport({ ...connectionOf(url), pool: true, maxConnections: 5, maxRequeues: 1, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as SMTPPool.Options),
    };
  }
  return cached.transport;
}

/**
 * Sends one message; throws with the server's answer when it is refused. A server that could
 * not be talked to at all throws with one of nodemailer's connection codes (ECONNECTION,
 * ESOCKET, ETIMEDOUT, …); the pool's give-up after a dropped connection, which has none, gets
 * ECONNECTION too.
 */
export async function sendMail(mail: Mail): Promise<void> {
  if (!env.SMTP_URL || !env.SMTP_FROM) throw new Error("SMTP is not configured (SMTP_URL and SMTP_FROM)");
  try {
    await transport(env.SMTP_URL).sendMail({ from: env.SMTP_FROM, ...mail });
  } catch (error) {
    if (error instanceof Error && !("code" in error) && /connection was closed/.test(error.message)) Object.assign(error, { code: "ECONNECTION" });
    throw error;
  }
}

/** Closes the pooled connections (shutdown, and tests that stop their SMTP server). */
export function closeMailer(): void {
  cached?.transport.close();
  cached = undefined;
}
