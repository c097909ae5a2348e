import { z } from "zod";
import { compilePattern, NAME_KINDS, type NameKind, type NamePattern } from "@/lib/domain/names/patterns";
import { SAN_KINDS, type SubjectAltNames } from "@/lib/validation/subject-alt-names";

// A Frontdoor's name policy `{ allow?: { kind: [patterns] }, deny?: { kind: [patterns] } }`
// (CONTRACT "Subject alternative names, certificate profiles and name policy"), groundwork
// for issue 20, which stores it on the Frontdoor (GET/PATCH /frontdoor/{id}, the console,
// `certdoor frontdoor set`) and calls checkNames at token creation (API, console, batch) and
// in the issuing pipeline for names taken from a CSR, mapping a refusal to `name_not_allowed`
// with nameRefusalDetail. Pure and browser-safe: the token form checks as you type.
// Deny wins; a kind without an allow list allows every value not denied, and a kind whose
// allow list is empty allows none (the only way to say "no email SANs at all").

export { NAME_KINDS, type NameKind } from "@/lib/domain/names/patterns";

export const MAX_PATTERNS_PER_KIND = 100;

const patternList = (kind: NameKind) =>
  z
    .array(
      z.string().transform((pattern, ctx) => {
        const compiled = compilePattern(kind, pattern);
        if ("text" in compiled) return compiled.text;
        ctx.addIssue({ code: "custom", message: compiled.error });
        return z.NEVER;
      }),
    )
    .max(MAX_PATTERNS_PER_KIND, `At most ${MAX_PATTERNS_PER_KIND} patterns`)
    .optional();

const patternsByKind = z
  .object({ commonName: patternList("commonName"), dns: patternList("dns"), ip: patternList("ip"), uri: patternList("uri"), email: patternList("email") })
  .strict();

/** The policy as the API, the console and the CLI take it; patterns leave it normalised. */
export const namePolicySchema = z.object({ allow: patternsByKind.optional(), deny: patternsByKind.optional() }).strict();
export type NamePolicy = z.output<typeof namePolicySchema>;
export type NamePolicyInput = z.input<typeof namePolicySchema>;

/** Why a name is refused: the value, its kind and the rule, e.g. `deny *.prod.example.com`. */
export type NameRefusal = { value: string; kind: NameKind; rule: string };

export type NameCheck = (kind: NameKind, value: string) => NameRefusal | null;

/**
 * The policy's patterns compiled once, as a check of one name of one kind (a batch compiles
 * once for all its rows). A stored policy passed the schema; a pattern that no longer does is
 * an error, never read as "no rule".
 */
export function compileNamePolicy(policy: NamePolicy | null | undefined): NameCheck {
  const compiled = (side: "allow" | "deny") =>
    new Map(
      NAME_KINDS.flatMap((kind) => {
        const list = policy?.[side]?.[kind];
        if (!list) return [];
        const patterns = list.map((pattern): NamePattern => {
          const result = compilePattern(kind, pattern);
          if ("error" in result) throw new Error(`name policy ${side}.${kind}: "${pattern}": ${result.error}`);
          return result;
        });
        return [[kind, patterns] as const];
      }),
    );
  const [allow, deny] = [compiled("allow"), compiled("deny")];
  return (kind, value) => {
    const denied = deny.get(kind)?.find((pattern) => pattern.matches(value, true));
    if (denied) return { value, kind, rule: `deny ${denied.text}` };
    const allowed = allow.get(kind);
    if (allowed && !allowed.some((pattern) => pattern.matches(value, false))) {
      return { value, kind, rule: `not in allow list (${allowed.map((p) => p.text).join(", ")})` };
    }
    return null;
  };
}

/** The first name a certificate would carry that the policy refuses: the CN, then dns, ip, uri, email in list order. */
export function checkNames(policy: NamePolicy | NameCheck | null | undefined, names: { commonName?: string | null; subjectAltNames?: SubjectAltNames | null }): NameRefusal | null {
  if (!policy) return null;
  const check = typeof policy === "function" ? policy : compileNamePolicy(policy);
  if (names.commonName) {
    const refusal = check("commonName", names.commonName);
    if (refusal) return refusal;
  }
  for (const kind of SAN_KINDS) {
    for (const value of names.subjectAltNames?.[kind] ?? []) {
      const refusal = check(kind, value);
      if (refusal) return refusal;
    }
  }
  return null;
}

const KIND_LABEL: Record<NameKind, string> = { commonName: "common name", dns: "DNS name", ip: "IP address", uri: "URI", email: "email address" };

/** The `detail` of a `name_not_allowed` answer. */
export const nameRefusalDetail = (refusal: NameRefusal) => `The ${KIND_LABEL[refusal.kind]} "${refusal.value}" is outside this Frontdoor's name policy: ${refusal.rule}.`;
