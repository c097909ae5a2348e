import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gatewayConfig } from "@/lib/console/gateway-config";
import { envoySanMatch, nginxNameMap } from "@/lib/console/gateway-names";

// The Frontdoor page's gateway snippets match names the way the policy says, as far as
// nginx and Envoy can: nginx's map is checked by nginx itself, Envoy's by its keys and matchers.

const policy = {
  allow: { commonName: ["*.ci.example.com", ".corp.example.com"], dns: ["*.ci.example.com", "api.example.com"], uri: ["spiffe://example.org/ns/prod/*"], email: ["*@example.com"], ip: ["10.0.0.0/8", "192.0.2.7/32"] },
};

describe("nginx", () => {
  it("turns the CN allow list into a map on $ssl_client_s_dn that nginx accepts and that matches as the policy does", () => {
    const map = nginxNameMap(policy);
    const dir = mkdtempSync(path.join(os.tmpdir(), "certdoor-nginx-map-"));
    mkdirSync(path.join(dir, "logs"));
    const conf = path.join(dir, "nginx.conf");
    writeFileSync(conf, `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  access_log off;\n${map}\n  server { listen 127.0.0.1:1; location / { if ($certdoor_name_allowed = 0) { return 403; } } }\n}\n`);
    execFileSync("/usr/sbin/nginx", ["-t", "-q", "-p", dir, "-c", conf], { stdio: "pipe" });

    // As nginx reads them: "~*" is case-insensitive, and a quoted "\\" is one backslash.
    const regexes = [...map.matchAll(/"~\*(.*)" 1;/g)].map((m) => new RegExp(m[1]!.replace(/\\\\/g, "\\"), "i"));
    const allowed = (dn: string) => regexes.some((r) => r.test(dn));
    expect(allowed("CN=agent-1.ci.example.com,O=Example")).toBe(true);
    expect(allowed("CN=a.b.corp.example.com")).toBe(true);
    expect(allowed("CN=a.b.ci.example.com")).toBe(false);
    expect(allowed("CN=evil.example.com,OU=x.ci.example.com")).toBe(false);
    expect(allowed("CN=corp.example.com")).toBe(false);
    // As case-insensitive as the policy; and "CN=" after an escaped comma is inside another value, not an RDN.
    expect(allowed("CN=Agent-1.CI.example.com")).toBe(true);
    expect(allowed("CN=evil.example.com,O=x\\,CN=agent-1.ci.example.com")).toBe(false);
  });

  it("says honestly that nginx cannot match SANs itself", () => {
    expect(nginxNameMap({})).toContain("nginx has no variable for a client certificate's subject alternative names");
    expect(nginxNameMap({})).not.toContain("map ");
  });
});

describe("Envoy", () => {
  it("lists the SAN allow lists as match_typed_subject_alt_names under the validation context", () => {
    const config = gatewayConfig("https://certdoor.example.com", { id: "00000000-0000-4000-8000-000000000000", name: "edge", namePolicy: policy });
    // Under validation_context: at the indentation of its crl key.
    const indentOf = (key: string) => /^( *)/.exec(config.envoy.split("\n").find((line) => line.trimStart().startsWith(key))!)![1]!.length;
    expect(indentOf("match_typed_subject_alt_names:")).toBe(indentOf("crl:"));
    const matchers = [...config.envoy.matchAll(/- san_type: (\S+).*\n\s+matcher: \{ (\w+): "([^"]+)" \}/g)].map((m) => [m[1], m[2], m[3]]);
    expect(matchers).toEqual([
      ["DNS", "suffix", ".ci.example.com"],
      ["DNS", "exact", "api.example.com"],
      ["URI", "prefix", "spiffe://example.org/ns/prod/"],
      ["EMAIL", "suffix", "@example.com"],
      ["IP_ADDRESS", "exact", "192.0.2.7"],
    ]);
    expect(config.envoy).toContain("enforced by Certdoor at issuance only: ip 10.0.0.0/8");
  });

  it("shows a commented example when the policy has no SAN allow list", () => {
    const text = envoySanMatch({ deny: { dns: [".prod.example.com"] } });
    expect(text.split("\n").every((line) => line.trim().startsWith("#"))).toBe(true);
    expect(text).toContain("match_typed_subject_alt_names");
  });
});
