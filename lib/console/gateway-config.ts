import { envoySanMatch, nginxNameMap } from "@/lib/console/gateway-names";
import type { NamePolicy } from "@/lib/domain/names/policy";
import { type Pointers, pointersFor } from "@/lib/pki/pointers";

// How a gateway checks certificates from one Frontdoor: the addresses every certificate
// names, and configuration to paste into nginx and Envoy. Shown on the Frontdoor's page.

export type GatewayConfig = Pointers & { caChainPem: string; crlPem: string; nginx: string; envoy: string; crlRefresh: string };

/** A file-name-safe form of a Frontdoor's name. */
const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "frontdoor";

export function gatewayConfig(publicUrl: string, frontdoor: { id: string; name: string; namePolicy?: NamePolicy }): GatewayConfig {
  const policy = frontdoor.namePolicy ?? {};
  const pointers = pointersFor(publicUrl, frontdoor.id);
  const base = `${publicUrl}/frontdoor/${frontdoor.id}`;
  const file = `/etc/certdoor/${slug(frontdoor.name)}`;
  const caChainPem = `${base}/ca.pem`;
  const crlPem = `${pointers.crl}?format=pem`;
  // ca.pem is refreshed too: after a CA rotation it holds the new issuing CA beside the old one.
  const crlRefresh = [
    `# Once, then hourly from cron: the CA chain and the CRLs (each issuing CA's in use, and its root's).`,
    `curl -fsS ${caChainPem} -o ${file}-ca.pem`,
    `0 * * * * curl -fsS ${caChainPem} -o ${file}-ca.pem.new && curl -fsS '${crlPem}' -o ${file}-crl.pem.new && mv ${file}-ca.pem.new ${file}-ca.pem && mv ${file}-crl.pem.new ${file}-crl.pem && nginx -s reload`,
  ].join("\n");
  const nginx = `${nginxNameMap(policy)}

server {
    listen 443 ssl;
    ssl_certificate     /etc/nginx/tls/server.pem;
    ssl_certificate_key /etc/nginx/tls/server.key;

    # Client certificates issued by Certdoor for Frontdoor "${frontdoor.name}"
    ssl_client_certificate ${file}-ca.pem;
    ssl_verify_client on;
    ssl_verify_depth 2;

    # Revocation: the CRL (refreshed by the cron line above; read on reload) ...
    ssl_crl ${file}-crl.pem;

    # ... or OCSP at the handshake (nginx 1.19+). "leaf": only the client's certificate is
    # asked about. With the cache, an answer is reused until its nextUpdate (an hour), so a
    # revocation can take that long to show; without it, every handshake asks.
    # ssl_ocsp leaf;
    # ssl_ocsp_responder ${pointers.ocsp};
    # ssl_ocsp_cache shared:certdoor_ocsp:10m;
    # resolver 127.0.0.53;

    # ssl_stapling staples OCSP for nginx's own server certificate; it does not check clients.
}`;
  const envoy = `# listener filter_chains[].transport_socket
transport_socket:
  name: envoy.transport_sockets.tls
  typed_config:
    "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
    require_client_certificate: true
    common_tls_context:
      tls_certificates:
        - certificate_chain: { filename: /etc/envoy/tls/server.pem }
          private_key: { filename: /etc/envoy/tls/server.key }
      validation_context:
        trusted_ca: { filename: ${file}-ca.pem }
        # Envoy checks client certificates against CRLs only (no OCSP for clients);
        # the file holds the Frontdoor's CRLs and its roots'. Refresh it as above.
        crl: { filename: ${file}-crl.pem }
${envoySanMatch(policy)}`;
  return { ...pointers, caChainPem, crlPem, nginx, envoy, crlRefresh };
}
