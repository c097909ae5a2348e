import type { Metadata } from "next";
import Link from "next/link";
import { linkOrigin } from "@/lib/console/origin";
import { ApiReference } from "./api-reference";

export const metadata: Metadata = { title: "API guide" };
export const dynamic = "force-dynamic";

function Step({ n, title, code }: { n: number; title: string; code: string }) {
  return (
    <li className="space-y-2">
      <h3 className="font-semibold">
        {n}. {title}
      </h3>
      <pre className="overflow-x-auto rounded-md bg-zinc-900 p-4 text-xs text-zinc-100">
        <code>{code}</code>
      </pre>
    </li>
  );
}

export default async function DocsPage() {
  const origin = await linkOrigin();
  return (
    <main>
      <section className="mx-auto max-w-4xl space-y-6 px-4 py-10" aria-labelledby="quickstart">
        <p className="text-sm font-semibold uppercase tracking-widest text-indigo-600 dark:text-indigo-400">
          <Link href="/">Certdoor</Link> · API guide
        </p>
        <h1 id="quickstart" className="text-3xl font-semibold tracking-tight">
          Certificate request tokens over HTTP
        </h1>
        <p className="text-zinc-700 dark:text-zinc-300">
          Every endpoint answers JSON; errors are <code>application/problem+json</code> with a stable <code>code</code>. Management
          calls take an API key (<code>Authorization: Bearer cdk_…</code>) from Settings → API keys or{" "}
          <code>npx certdoor apikey create</code>. The machine-readable document is{" "}
          <a className="underline" href="/api/openapi.json">
            /api/openapi.json
          </a>
          .
        </p>
        <ol className="space-y-6">
          <Step
            n={1}
            title="Create a token (administrator or automation)"
            code={`export CERTDOOR=${origin}
export FRONTDOOR_ID=<your Frontdoor id>
curl -X POST "$CERTDOOR/frontdoor/$FRONTDOOR_ID/certificate-request-tokens" \\
  -H "Authorization: Bearer $CERTDOOR_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"name": "Build agent 7", "commonName": "build-agent-7.ci.example.com", "organization": "Example Corp", "organizationalUnit": "CI"}'`}
          />
          <Step
            n={2}
            title="Make a key and CSR where the certificate will live"
            code={`openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \\
  -keyout key.pem -out req.csr -subj "/CN=build-agent-7.ci.example.com"`}
          />
          <Step
            n={3}
            title="Redeem the token with the CSR"
            code={`curl -X POST "$CERTDOOR/frontdoor/$FRONTDOOR_ID/client-certificates/token" \\
  -H "Authorization: Bearer $TOKEN" \\
  -H "Content-Type: application/json" \\
  -d "$(jq -n --arg csr "$(cat req.csr)" '{type: "CSR", value: $csr}')"`}
          />
        </ol>
      </section>
      <section aria-label="API reference">
        <ApiReference />
      </section>
    </main>
  );
}
