import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { closeMailer } from "@/lib/email/mailer";
import { env } from "@/lib/env";

// A real SMTP server for tests (smtp-server, the nodemailer project's), with login, that
// keeps every message it accepts, parsed as a mail client would. `refuse` makes it answer
// 550 to every recipient.

export async function startSmtp(options: { refuse?: boolean } = {}) {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    onAuth: (auth, _session, callback) =>
      auth.username === "certdoor" && auth.password === "mail-secret" ? callback(null, { user: "certdoor" }) : callback(new Error("Invalid username or password")),
    onRcptTo: (address, _session, callback) => {
      if (!options.refuse) return callback();
      const error = Object.assign(new Error(`Mailbox ${address.address} unavailable`), { responseCode: 550 });
      callback(error);
    },
    onData: (stream, _session, callback) => {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    received,
    url: `smtp://certdoor:mail-secret@127.0.0.1:${port}`,
    /** Points Certdoor's mailer at this server (what SMTP_URL/SMTP_FROM do in production). */
    use() {
      Object.assign(env, { SMTP_URL: this.url, SMTP_FROM: "Certdoor <certdoor@example.com>" });
    },
    close: () => {
      closeMailer();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Turns mail off again, as when SMTP_URL is not set. */
export function withoutSmtp(): void {
  Object.assign(env, { SMTP_URL: undefined, SMTP_FROM: undefined });
}
