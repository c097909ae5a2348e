import { AppError, type FieldError } from "@/lib/domain/errors";
import { refusalPath } from "@/lib/domain/names/field-errors";
import { checkNames, compileNamePolicy, type NameCheck, type NamePolicy, namePolicySchema, type NameRefusal, nameRefusalDetail } from "@/lib/domain/names/policy";
import type { KeyAlgorithm } from "@/lib/pki/csr";
import { DEFAULT_PROFILE, type FrontdoorProfile, frontdoorProfileSchema, KEY_TYPES, type KeyType } from "@/lib/validation/frontdoors";
import { fieldErrors } from "@/lib/validation/parse";
import { type SubjectAltNames, subjectAltNamesSchema } from "@/lib/validation/subject-alt-names";

// The one rule set for names and profiles (STYLE "one rule set … applied in the pipeline"):
// token creation (API, console, batch, PATCH) and the issuing pipeline call these and
// nothing else decides whether a name or a lifetime fits a Frontdoor. The same policy code
// runs in the browser (names/policy.ts), so the form's as-you-type answer is this answer.

/** A Frontdoor's profile and name policy, the policy compiled once. */
export type FrontdoorRules = {
  profile: FrontdoorProfile;
  namePolicy: NamePolicy;
  check: NameCheck;
  /** The stored JSON these rules came from, for a claim that must see them unchanged (certificates/claim.ts). */
  stored: { profile: string; namePolicy: string };
};

// Keyed by the stored JSON: a redemption reads the policy with its token and compiles it
// only when this process has not seen that exact policy yet. Bounded; cleared when full.
const compiled = new Map<string, FrontdoorRules>();
const MAX_COMPILED = 256;

/** The rules of a Frontdoor as stored. The stored values passed the schemas: a failure here is a bug, not input. */
export function rulesOf(stored: { profile: unknown; namePolicy: unknown }): FrontdoorRules {
  const key = JSON.stringify([stored.profile, stored.namePolicy]);
  let rules = compiled.get(key);
  if (!rules) {
    const profile = frontdoorProfileSchema.parse({ ...DEFAULT_PROFILE, ...(stored.profile as object | null) });
    const namePolicy = namePolicySchema.parse(stored.namePolicy ?? {});
    rules = { profile, namePolicy, check: compileNamePolicy(namePolicy), stored: { profile: JSON.stringify(stored.profile ?? null), namePolicy: JSON.stringify(stored.namePolicy ?? null) } };
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(key, rules);
  }
  return rules;
}

/** The lifetime a token gets: what it asks for (checked by tokenProblems), else 365 days or the profile's maxValidDays when lower. */
export const validDaysUnder = (rules: FrontdoorRules, asked: number | undefined) => asked ?? Math.min(365, rules.profile.maxValidDays);

/** The names and lifetime a token asks for (a PATCH gives only what it changes). */
export type TokenAsk = { commonName?: string | null; subjectAltNames?: SubjectAltNames | null; validDays?: number };

/** Everything the rules refuse in one token: field errors (validation_failed) and the first name outside the policy. */
export function tokenProblems(rules: FrontdoorRules, ask: TokenAsk): { errors: FieldError[]; refusal: (NameRefusal & { path: string }) | null } {
  const errors: FieldError[] = [];
  const { maxValidDays, allowWildcards } = rules.profile;
  if (ask.validDays !== undefined && ask.validDays > maxValidDays) {
    errors.push({ path: "validDays", message: `At most ${maxValidDays} days on this Frontdoor (its profile's maxValidDays)` });
  }
  // The door parsed the SANs without knowing the profile; wildcards are the profile's to allow.
  if (ask.subjectAltNames) {
    const parsed = subjectAltNamesSchema({ allowWildcards }).safeParse(ask.subjectAltNames);
    if (!parsed.success) errors.push(...fieldErrors(parsed.error).map((e) => ({ path: `subjectAltNames.${e.path}`, message: e.message })));
  }
  const refusal = checkNames(rules.check, ask);
  return { errors, refusal: refusal && { ...refusal, path: refusalPath(refusal, ask.subjectAltNames) } };
}

/** name_not_allowed, its detail naming the value and the rule. */
export const nameNotAllowed = (refusal: NameRefusal, path?: string) =>
  new AppError("name_not_allowed", nameRefusalDetail(refusal), path ? [{ path, message: nameRefusalDetail(refusal) }] : undefined);

/** Throws validation_failed (profile limits) or name_not_allowed (policy) for a token the Frontdoor's rules refuse. */
export function assertTokenWithinRules(rules: FrontdoorRules, ask: TokenAsk): void {
  const { errors, refusal } = tokenProblems(rules, ask);
  if (errors.length) throw new AppError("validation_failed", errors.map((e) => `${e.path}: ${e.message}`).join("; "), errors);
  if (refusal) throw nameNotAllowed(refusal, refusal.path);
}

/**
 * The same for every row of a batch, all or nothing: every row's errors, with the batch's
 * paths (`tokens[3].validDays`, `row 5: commonName`). Field errors first, as validation does.
 */
export function assertBatchWithinRules(rules: FrontdoorRules, asks: TokenAsk[], pathOf: (index: number, field: string) => string): void {
  const problems = asks.map((ask) => tokenProblems(rules, ask));
  const errors = problems.flatMap((p, i) => p.errors.map((e) => ({ path: pathOf(i, e.path), message: e.message })));
  if (errors.length) throw new AppError("validation_failed", `${new Set(errors.map((e) => e.path.replace(/[.:].*$/, ""))).size} of ${asks.length} tokens break this Frontdoor's profile; nothing was created.`, errors);
  const refused = problems.flatMap((p, i) => (p.refusal ? [{ path: pathOf(i, p.refusal.path), message: nameRefusalDetail(p.refusal) }] : []));
  if (refused.length) throw new AppError("name_not_allowed", `${refused.length} of ${asks.length} tokens name what this Frontdoor's name policy refuses; nothing was created. ${refused[0]!.path}: ${refused[0]!.message}`, refused);
}

/** The profile's key type of a CSR key: an RSA key is in the size class it reaches among the five (2560 bits: RSA-2048; 3072 bits: RSA-3072, refused where only RSA-2048 and RSA-4096 are allowed). */
export function keyTypeOf(keyAlgorithm: KeyAlgorithm): KeyType | null {
  if (!keyAlgorithm.startsWith("RSA-")) return (KEY_TYPES as readonly string[]).includes(keyAlgorithm) ? (keyAlgorithm as KeyType) : null;
  const bits = Number(keyAlgorithm.slice(4));
  return bits >= 4096 ? "RSA-4096" : bits >= 3072 ? "RSA-3072" : bits >= 2048 ? "RSA-2048" : null;
}

/** unsupported_key naming the allowed types, for a key the profile does not list. */
export function assertKeyTypeAllowed(profile: FrontdoorProfile, keyAlgorithm: KeyAlgorithm): void {
  const type = keyTypeOf(keyAlgorithm);
  if (type && profile.keyTypes.includes(type)) return;
  throw new AppError("unsupported_key", `This Frontdoor accepts only ${profile.keyTypes.join(", ")} keys; the request's key is ${keyAlgorithm}.`);
}

