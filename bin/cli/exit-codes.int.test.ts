import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { commands } from "./commands/index";
import { helpFor } from "./main";

// The CLI's exit codes, command by command, with good and bad input (the real binary
// against this file's database): 0 done, 2 anything wrong with the invocation (found before
// anything runs), 1 a refusal or failure. 3 (renewal not due) needs a server: e2e/renewal.
// And help: every command's help lists every option of the table its parser reads.

const root = path.resolve(import.meta.dirname, "..", "..");
const certdoor = (args: string[]) => {
  const result = spawnSync(process.execPath, ["--conditions=react-server", path.join(root, "bin", "certdoor.mjs"), ...args], { cwd: root, env: { ...process.env }, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};
const nowhere = "http://127.0.0.1:9";
const none = "00000000-0000-4000-8000-000000000000";
const out = mkdtempSync(path.join(os.tmpdir(), "certdoor-exit-"));

const cases: [string, string[], number, RegExp?][] = [
  ["help", ["help"], 0, /^Usage: certdoor <command>/],
  ["help for one command", ["help", "redeem"], 0, /--p12-mode modern\|compatible/],
  ["--help after a command", ["redeem", "--help"], 0, /^Usage: certdoor redeem /],
  ["-h on a group", ["frontdoor", "-h"], 0, /certdoor frontdoor set ID/],
  ["no command at all", [], 2],
  ["unknown command", ["explode"], 2],
  ["unknown subcommand", ["frontdoor", "explode"], 2],
  ["help for an unknown command", ["help", "explode"], 2],
  ["unknown option", ["frontdoor", "list", "--all"], 2],
  ["unexpected argument", ["frontdoor", "list", "everything"], 2],
  ["missing required option", ["frontdoor", "create"], 2],
  ["option without its value", ["frontdoor", "create", "--name"], 2],
  ["good frontdoor create", ["frontdoor", "create", "--name", "exit-codes"], 0],
  ["taken name", ["frontdoor", "create", "--name", "exit-codes"], 1],
  ["good frontdoor list", ["frontdoor", "list"], 0],
  ["frontdoor set without a change", ["frontdoor", "set", "exit-codes"], 2],
  ["renewal window out of range", ["frontdoor", "set", "exit-codes", "--renewal-window-days", "900"], 2],
  ["unknown Frontdoor", ["frontdoor", "set", none, "--tcp-shares", "on"], 1, /frontdoor_not_found/],
  ["good frontdoor set", ["frontdoor", "set", "exit-codes", "--tcp-shares", "off"], 0],
  ["key type outside the list", ["frontdoor", "set", "exit-codes", "--key-types", "EC-P256,EC-P521"], 2, /--key-types Use EC-P256, EC-P384/],
  ["an EKU that is neither a name nor an OID", ["frontdoor", "set", "exit-codes", "--eku", "codeSigning?"], 2, /--eku Use clientAuth, serverAuth, emailProtection or a dotted OID/],
  ["longest life out of range", ["frontdoor", "set", "exit-codes", "--max-valid-days", "900"], 2, /--max-valid-days/],
  ["name policy file missing", ["frontdoor", "set", "exit-codes", "--name-policy", "/nonexistent/policy.json"], 2, /--name-policy cannot read/],
  ["good profile set", ["frontdoor", "set", "exit-codes", "--eku", "serverAuth", "--key-types", "EC-P256", "--max-valid-days", "90", "--allow-csr-sans", "on", "--allow-wildcards", "off"], 0, /extendedKeyUsage: clientAuth, serverAuth/],
  ["role outside the choices", ["user", "create", "--email", "boss@example.test", "--role", "boss"], 2],
  ["email the schema refuses", ["user", "create", "--email", "not-an-email", "--role", "auditor"], 2, /validation_failed: email/],
  ["password the schema refuses", ["user", "create", "--email", "short@example.test", "--role", "auditor", "--password", "short"], 2, /validation_failed: password/],
  ["membership in an unknown Frontdoor", ["user", "create", "--email", "m@example.test", "--role", "operator", "--frontdoor", none], 1],
  ["good user create", ["user", "create", "--email", "exit@example.test", "--role", "auditor"], 0],
  ["a user made for OIDC has no password", ["user", "create", "--email", "sso@example.test", "--role", "auditor", "--oidc", "--password", "a long enough password"], 2, /validation_failed: password/],
  ["good user create for OIDC", ["user", "create", "--email", "sso@example.test", "--role", "auditor", "--oidc"], 0, /^Created auditor sso@example\.test \([0-9a-f-]{36}\)\n?$/],
  ["API key for nobody", ["apikey", "create", "--email", "ghost@example.test", "--name", "x"], 1, /user_not_found/],
  ["good apikey create", ["apikey", "create", "--email", "exit@example.test", "--name", "x"], 0],
  ["bad retention", ["tokens", "purge", "--older-than", "soon"], 2],
  ["retention of no time at all", ["tokens", "purge", "--older-than", "PT0S"], 2, /from 1 hour/],
  ["retention past any date", ["tokens", "purge", "--older-than", "P99999999999D"], 2, /to 10 years/],
  ["good purge", ["tokens", "purge", "--frontdoor", "exit-codes"], 0],
  ["bad expiring", ["certificates", "list", "--expiring", "soon"], 2],
  ["good certificates list", ["certificates", "list"], 0],
  ["export format outside the choices", ["audit", "export", "--format", "xml"], 2],
  ["export since a non-date", ["audit", "export", "--since", "yesterday"], 2],
  ["checkpoint file missing", ["audit", "verify", "--checkpoint", "/nonexistent/checkpoint.json"], 2],
  ["good audit verify", ["audit", "verify"], 0],
  ["good audit checkpoint", ["audit", "checkpoint"], 0, /"mac": "[0-9a-f]{64}"/],
  ["good audit export", ["audit", "export", "--format", "csv"], 0, /^"id","at","actorKind"/],
  ["ca rotate without a Frontdoor", ["ca", "rotate"], 2],
  ["ca rotate of an unknown Frontdoor", ["ca", "rotate", "--frontdoor", "nowhere"], 1, /frontdoor_not_found/],
  ["backup without --out", ["backup"], 2],
  ["restore without a file", ["restore"], 2],
  ["redeem: key type not offered", ["redeem", "--server", nowhere, "--frontdoor", none, "--token", "crt_x", "--key", "ed25519"], 2],
  ["redeem: not a token", ["redeem", "--server", nowhere, "--frontdoor", none, "--token", "secret"], 2],
  ["redeem: p12 mode not offered", ["redeem", "--server", nowhere, "--frontdoor", none, "--token", "crt_x", "--p12-mode", "legacy"], 2],
  ["redeem: server unreachable", ["redeem", "--server", nowhere, "--frontdoor", none, "--token", "crt_x", "--out", out], 1, /network/],
  ["renew: certificate file missing", ["renew", "--server", nowhere, "--frontdoor", none, "--cert", "/nonexistent/cert.pem"], 2],
  ["redeem: an address without its scheme", ["redeem", "--server", "certdoor.example.com", "--frontdoor", none, "--token", "crt_x"], 2, /--server takes Certdoor's address with http/],
  ["renew: an address without its scheme", ["renew", "--server", "certdoor.example.com", "--frontdoor", none], 2, /--server takes Certdoor's address with http/],
];

describe("certdoor exit codes", () => {
  it.each(cases.map(([name, args, code, pattern]) => ({ name, args, code, pattern })))("$name → exit $code", ({ args, code, pattern }) => {
    const result = certdoor(args);
    expect(result.code, result.stderr).toBe(code);
    if (pattern) expect(code === 0 ? result.stdout : result.stderr).toMatch(pattern);
    if (code === 2 && args.length > 0 && args[0] !== "help") expect(result.stderr).toMatch(/Usage:|certdoor help/);
  });

  it("help for each command lists every option its parser takes, the same way each way it is asked for", () => {
    for (const [name, command] of Object.entries(commands)) {
      const help = helpFor(name.split(" "))!;
      for (const flag of [...Object.keys(command.options), "json", "help"]) expect(help, `${name} --${flag}`).toMatch(new RegExp(`^  (-h, )?--${flag}\\b`, "m"));
      for (const positional of command.positionals ?? []) expect(help, `${name} ${positional.name}`).toMatch(new RegExp(`^  ${positional.name} `, "m"));
    }
    const asked = [certdoor(["help", "frontdoor", "set"]), certdoor(["frontdoor", "set", "--help"]), certdoor(["frontdoor", "set", "-h"])];
    expect(asked.map((a) => [a.code, a.stdout])).toEqual(Array(3).fill([0, `${helpFor(["frontdoor", "set"])}\n`]));
  });
});
