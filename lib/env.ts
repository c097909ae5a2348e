import { availableParallelism } from "node:os";
import { z } from "zod";
import { isRetentionMs, parseDurationMs, RETENTION_BOUNDS_MESSAGE } from "@/lib/validation/duration";

// The one place that reads process.env. Everything else imports `env`.
// The launcher (lib/runtime/launch.ts) fills DATABASE_URL, AUTH_SECRET and
// CERTDOOR_MASTER_KEY for the embedded default before the server or CLI code loads.

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

/** A duration setting (P7D, PT8H, 7d, 8h), in milliseconds. */
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDurationMs(value);
      if (ms === null || ms <= 0) {
        ctx.addIssue({ code: "custom", message: "must be a duration such as 8h, 7d or PT8H" });
        return z.NEVER;
      }
      return ms;
    });

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: optionalString,
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    /** Server worker processes sharing the port; the number of cores unless set. */
    WORKERS: z.coerce.number().int().min(1).max(64).default(availableParallelism()),
    /** Reverse proxies in front of Certdoor whose X-Forwarded-For entries are trusted (0: none). */
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    PUBLIC_URL: optionalString,
    /** Set by the launcher (lib/runtime/launch.ts) when PUBLIC_URL is not: the address it chose at start for the pointers in certificates (kept when already set). */
    CERTDOOR_LAUNCH_URL: optionalString.pipe(z.string().regex(/^https?:\/\/[^/\s]+$/, "must be an origin such as http://192.0.2.10:3000").optional()),
    /** Made fresh by bin/server.mjs in its own process: proves the client address header is its own. */
    CERTDOOR_CLIENT_IP_SECRET: optionalString,
    AUTH_SECRET: optionalString,
    CERTDOOR_MASTER_KEY: optionalString,
    /** Where new CA keys are made: "database" (sealed under CERTDOOR_MASTER_KEY) or a PKCS#11 URI (lib/domain/ca/key-store). */
    CA_KEY_STORE: optionalString,
    /** `off` when DATABASE_URL goes through a transaction-mode pooler (PgBouncer < 1.21, Supavisor) that cannot keep named prepared statements. */
    DATABASE_PREPARED_STATEMENTS: z.enum(["on", "off"]).default("on"),
    /** The PKCS#11 token's user PIN (or pin-source=file:… in CA_KEY_STORE); taken as written. */
    CA_KEY_STORE_PIN: z.string().optional(),
    CERTDOOR_DATA_DIR: z.string().default("./data"),
    ADMIN_EMAIL: z.string().regex(/^[^@\s]+@[^@\s]+$/, "must be an email address").default("admin@localhost"),
    ADMIN_PASSWORD: optionalString,
    OIDC_ISSUER: optionalString,
    OIDC_CLIENT_ID: optionalString,
    OIDC_CLIENT_SECRET: optionalString,
    OIDC_NAME: z.string().default("Single sign-on"),
    /** How long expired and revoked tokens are kept before purge (ISO 8601 duration or 7d). */
    TOKEN_RETENTION: z.string().default("P7D").refine((v) => isRetentionMs(parseDurationMs(v)), RETENTION_BOUNDS_MESSAGE),
    /** Minutes between scheduled purges inside the server; 0 turns the schedule off. */
    PURGE_INTERVAL_MINUTES: z.coerce.number().int().min(0).default(60),
    /** A console session ends after this long without a request (ISO 8601 duration or 8h). */
    SESSION_IDLE_TIMEOUT: duration("8h"),
    /** …and this long after sign-in, however active (ISO 8601 duration or 7d). */
    SESSION_MAX_AGE: duration("7d"),
    /** On SIGTERM, how long requests in flight may take to finish (read by bin/server.mjs too). */
    /** pino's levels: fatal, error, warn, info, debug, trace, silent. */
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Bearer token for GET /metrics; unset: only loopback callers may scrape. */
    METRICS_TOKEN: optionalString,
    SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
    /** Where links are emailed from: smtp://user:pass@host:587 (STARTTLS) or smtps://…:465. */
    SMTP_URL: optionalString.pipe(z.string().regex(/^smtps?:\/\//, "must start with smtp:// or smtps://").optional()),
    SMTP_FROM: optionalString,
    /** Webhooks may target http:// and private, loopback and link-local addresses (tests, labs); off: https:// to public addresses only. */
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: z.enum(["true", "false"], "must be true or false").default("false").transform((v) => v === "true"),
    /** Microsoft Entra ID's sign-in endpoint for Intune's SCEP validation (other clouds, tests). */
    INTUNE_LOGIN_URL: z.string().url("must be a URL").default("https://login.microsoftonline.com").transform((v) => v.replace(/\/+$/, "")),
    /** Microsoft Graph, where Intune's SCEP validation service is discovered (other clouds, tests). */
    INTUNE_GRAPH_URL: z.string().url("must be a URL").default("https://graph.microsoft.com").transform((v) => v.replace(/\/+$/, "")),
  })
  .transform((e) => ({
    ...e,
    PUBLIC_URL: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    /** False: links carry the address of the request that made them (lib/runtime/public-url.ts). */
    isPublicUrlSet: Boolean(e.PUBLIC_URL),
    isOidcConfigured: Boolean(e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET),
  }));

export type Env = z.infer<typeof schema>;

/** Parses an environment; exported for tests, which pass their own. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

export const env: Env = parseEnv(process.env);

/** The value or a clear error naming the variable (for values the launcher must have set). */
export function requireEnv(name: "DATABASE_URL" | "AUTH_SECRET" | "CERTDOOR_MASTER_KEY"): string {
  const value = env[name];
  if (!value) {
    throw new Error(
      `${name} is not set. Start Certdoor with \`npm start\` (which provides it for the embedded database) or set ${name}.`,
    );
  }
  return value;
}

/** Called once by the launcher and the CLI after resolving the embedded default. */
export function applyRuntime(values: { DATABASE_URL: string; AUTH_SECRET: string; CERTDOOR_MASTER_KEY: string }): void {
  Object.assign(env, values);
}
