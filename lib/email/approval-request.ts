import type { Mail } from "@/lib/email/mailer";

// The message that tells an approver tokens wait for them: which Frontdoor, which tokens
// (name and CN, at most a screenful), and the Approvals page. Never a secret or a
// redemption link: approving happens in the console, signed in, where the whole
// certificate is shown.

export type ApprovalRequestMessage = {
  to: string;
  frontdoorName: string;
  tokens: { name: string; commonName: string | null; expiresAt: Date }[];
  approvalsUrl: string;
};

const SHOWN = 20;
const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const when = (at: Date) => `${at.toISOString().replace("T", " ").slice(0, 16)} UTC`;
const line = (t: ApprovalRequestMessage["tokens"][number]) => `${t.name}${t.commonName ? ` (CN=${t.commonName})` : ""}, expires ${when(t.expiresAt)}`;

export function approvalRequestMail(m: ApprovalRequestMessage): Mail {
  const n = m.tokens.length;
  const what = n === 1 ? "A certificate request token waits" : `${n} certificate request tokens wait`;
  const intro = `${what} for your approval on ${m.frontdoorName}. Review exactly what each certificate will say, then approve or reject it on the Approvals page.`;
  const shown = m.tokens.slice(0, SHOWN).map(line);
  const more = n > SHOWN ? [`… and ${n - SHOWN} more`] : [];
  const text = [intro, "", ...shown.map((s) => `- ${s}`), ...more, "", `Approvals: ${m.approvalsUrl}`, "", "A token that is not approved before it expires can never be used."].join("\n");
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5">
<p>${escape(intro)}</p>
<ul>${[...shown, ...more].map((s) => `<li>${escape(s)}</li>`).join("")}</ul>
<p><a href="${escape(m.approvalsUrl)}" style="display:inline-block;padding:.5em 1em;background:#4f46e5;color:#fff;border-radius:6px;text-decoration:none">Open Approvals</a></p>
<p style="color:#555">A token that is not approved before it expires can never be used.</p>
</body></html>`;
  return { to: m.to, subject: `Approval needed: ${n === 1 ? "1 token" : `${n} tokens`} on ${m.frontdoorName}`, text, html };
}
