import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

// A real nginx running the configuration the console shows for a Frontdoor: its paths moved
// into a test folder, on a free port, with one location that names the client certificate.

/** Debian puts nginx in /usr/sbin, which is not on every user's PATH. */
const NGINX = existsSync("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";

/** The processes whose parent is `pid` (nginx's workers), from /proc. */
function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/stat`, "utf8").replace(/^.*\) \S+ /, "").split(" ")[0] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The console's nginx server block, runnable from `dir`; `ocsp` switches from the CRL to
 * OCSP (without the answer cache, so that a revocation shows at the next handshake).
 * Only the port, the folder and the location are changed.
 */
function runnable(snippet: string, dir: string, port: number, ocsp: boolean): string {
  let block = snippet.replaceAll("/etc/certdoor/", `${dir}/`).replaceAll("/etc/nginx/tls/", `${dir}/`).replace("listen 443 ssl;", `listen 127.0.0.1:${port} ssl;`);
  // This machine has no DNS server for the snippet's resolver: the responder is named by address.
  if (ocsp) block = block.replace(/^(\s*)ssl_crl /m, "$1# ssl_crl ").replace(/^(\s*)# (ssl_ocsp|ssl_ocsp_responder) /gm, "$1$2 ").replace("//localhost:", "//127.0.0.1:");
  return block.replace(/}\s*$/, '    location / { return 200 "hello $ssl_client_s_dn\\n"; }\n}\n');
}

export async function startNginx(snippet: string, dir: string, options: { ocsp?: boolean } = {}) {
  const port = await freePort();
  for (const temp of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(path.join(dir, temp), { recursive: true });
  const conf = path.join(dir, "nginx.conf");
  writeFileSync(
    conf,
    `${process.getuid?.() === 0 ? "user root;\n" : ""}worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
${runnable(snippet, dir, port, options.ocsp ?? false)}
}
`,
  );
  execFileSync(NGINX, ["-t", "-q", "-p", dir, "-c", conf], { stdio: "pipe" });
  const child: ChildProcess = spawn(NGINX, ["-p", dir, "-c", conf, "-g", "daemon off;"], { stdio: "ignore" });
  const url = `https://127.0.0.1:${port}/`;
  for (let i = 0; i < 50; i++) {
    try {
      execFileSync("curl", ["-sk", "-o", "/dev/null", url], { stdio: "ignore" });
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    /** What nginx answers to a client presenting this certificate: its status and body. */
    request(files: { cert: string; key: string }): { status: number; body: string } {
      const out = execFileSync("curl", ["-sk", "--cert", files.cert, "--key", files.key, "-w", "\n%{http_code}", url], { encoding: "utf8" });
      const at = out.lastIndexOf("\n");
      return { status: Number(out.slice(at + 1)), body: out.slice(0, at).trim() };
    },
    /** Rereads the configuration and files, and returns once the workers that had the old ones are gone. */
    async reload() {
      const workers = childrenOf(child.pid!);
      execFileSync(NGINX, ["-p", dir, "-c", conf, "-s", "reload"], { stdio: "pipe" });
      const alive = (pid: number) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      for (let i = 0; i < 100 && workers.some(alive); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    },
    stop: () => child.kill("SIGQUIT"),
  };
}
