// A real SMTP server for the end-to-end run (smtp-server, with login), and an HTTP page
// that lists what arrived, parsed as a mail client would (mailparser): the specs read the
// messages the production build sent. Loopback only.
//
// Usage: node e2e/support/mailbox.mjs --smtp-port 3297 --http-port 3298
import http from "node:http";
import { parseArgs } from "node:util";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

const { values } = parseArgs({ options: { "smtp-port": { type: "string", default: "3297" }, "http-port": { type: "string", default: "3298" } } });
const messages = [];

const smtp = new SMTPServer({
  authOptional: false,
  allowInsecureAuth: true,
  disabledCommands: ["STARTTLS"],
  onAuth: (auth, _session, callback) => (auth.username === "certdoor" && auth.password === "e2e-mail" ? callback(null, { user: "certdoor" }) : callback(new Error("Invalid login"))),
  onData: (stream, session, callback) => {
    simpleParser(stream)
      .then((mail) => {
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: mail.subject, text: mail.text, html: mail.html, at: new Date().toISOString() });
        callback();
      })
      .catch(callback);
  },
});
smtp.listen(Number(values["smtp-port"]), "127.0.0.1");

http
  .createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/health") return res.end("ok");
    if (url.pathname === "/messages") {
      const to = url.searchParams.get("to");
      res.writeHead(200, { "Content-Type": "application/json" });
      return res.end(JSON.stringify(messages.filter((m) => !to || m.to.includes(to))));
    }
    res.writeHead(404).end();
  })
  .listen(Number(values["http-port"]), "127.0.0.1");
