import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import tls from "node:tls";

// A gateway in miniature: a TLS server on a loopback port that demands a client certificate
// chaining to the CAs it is given (as nginx's ssl_verify_client does), and a client that
// presents a certificate and reads what the server says. Refused handshakes read as "".

export type ClientFiles = { cert: string; key: string };

export async function mtlsServer(caPem: string, dir: string, onClient: (socket: tls.TLSSocket) => void) {
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path.join(dir, "gw.key"), "-out", path.join(dir, "gw.pem"), "-subj", "/CN=gateway", "-days", "1"], { stdio: "ignore" });
  const server = tls.createServer({ key: readFileSync(path.join(dir, "gw.key")), cert: readFileSync(path.join(dir, "gw.pem")), ca: caPem, requestCert: true, rejectUnauthorized: true }, onClient);
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  /** Everything the server sent to a client presenting these files, once the connection closes. */
  const connect = (files: ClientFiles) =>
    new Promise<string>((resolve) => {
      let data = "";
      const socket = tls.connect({ host: "127.0.0.1", port, cert: readFileSync(files.cert), key: readFileSync(files.key), rejectUnauthorized: false });
      socket.on("data", (chunk) => (data += chunk));
      socket.on("close", () => resolve(data));
      socket.on("error", () => resolve(data));
    });
  return { connect, close: () => server.close() };
}

/** The CN of the client certificate, as "CN=…". */
export const peerCn = (socket: tls.TLSSocket) => socket.getPeerX509Certificate()!.subject.split("\n").find((l) => l.startsWith("CN="));
