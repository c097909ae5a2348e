import type { Mail } from "@/lib/email/mailer";

// The message that carries a redemption link: what it is for, what the certificate will
// say, until when it works and what to do, as plain text and as HTML (every value escaped:
// token fields are the administrator's words, but a name is not markup).

export type LinkMessage = {
  to: string;
  frontdoorName: string;
  tokenName: string;
  subject: { commonName: string | null; organization: string | null; organizationalUnit: string | null };
  expiresAt: Date;
  validDays: number;
  redemptionUrl: string;
  isNewLink?: boolean;
};

const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function subjectLine(subject: LinkMessage["subject"]): string {
  const parts = [subject.commonName && `CN=${subject.commonName}`, subject.organizationalUnit && `OU=${subject.organizationalUnit}`, subject.organization && `O=${subject.organization}`].filter(Boolean);
  return parts.length > 0 ? parts.join(", ") : "the name your request gives (the token fixes none)";
}

export function linkMail(m: LinkMessage): Mail {
  const expires = m.expiresAt.toISOString().replace("T", " ").slice(0, 16) + " UTC";
  const intro = m.isNewLink
    ? `A new link was made for your client certificate on ${m.frontdoorName}; any link you had before no longer works.`
    : `You can get a client certificate for ${m.frontdoorName}.`;
  const facts: [string, string][] = [
    ["For", m.tokenName],
    ["Certificate subject", subjectLine(m.subject)],
    ["Certificate valid for", `${m.validDays} days`],
    ["Link works until", `${expires}, once`],
  ];
  const steps = [
    "Open the link in a browser on the device that will use the certificate.",
    "The page makes a private key in your browser; it never leaves your device.",
    "Download the certificate and key (or the .p12 file) and keep the password you choose.",
  ];
  const text = [
    intro,
    "",
    ...facts.map(([k, v]) => `${k}: ${v}`),
    "",
    "Open this link (it works once):",
    m.redemptionUrl,
    "",
    ...steps.map((s, i) => `${i + 1}. ${s}`),
    "",
    "Do not forward this message: whoever opens the link first gets the certificate. If you did not expect it, tell your administrator.",
  ].join("\n");
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5">
<p>${escape(intro)}</p>
<table>${facts.map(([k, v]) => `<tr><th align="left" style="padding-right:1em">${escape(k)}</th><td>${escape(v)}</td></tr>`).join("")}</table>
<p><a href="${escape(m.redemptionUrl)}" style="display:inline-block;padding:.5em 1em;background:#4f46e5;color:#fff;border-radius:6px;text-decoration:none">Get the certificate</a></p>
<ol>${steps.map((s) => `<li>${escape(s)}</li>`).join("")}</ol>
<p style="color:#555">Do not forward this message: whoever opens the link first gets the certificate. If you did not expect it, tell your administrator.</p>
</body></html>`;
  return { to: m.to, subject: `${m.isNewLink ? "New link: " : ""}your client certificate for ${m.frontdoorName}`, text, html };
}
