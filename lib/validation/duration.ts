// Retention periods: ISO 8601 durations in days/hours/minutes/seconds (P7D, PT12H, P1DT6H)
// or the shorthand the CLI takes (7d, 12h, 30m). Months and years are refused: their
// length is ambiguous.

const ISO = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i;
const SHORT = /^(\d+)\s*(d|h|m|s)$/i;

export function parseDurationMs(value: string): number | null {
  const text = value.trim();
  const short = SHORT.exec(text);
  if (short) {
    const n = Number(short[1]);
    const unit = short[2]!.toLowerCase();
    return n * { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[unit as "d"];
  }
  const iso = ISO.exec(text);
  if (!iso || text === "P" || text.toUpperCase().endsWith("T")) return null;
  const [, w, d, h, m, s] = iso.map((x) => Number(x ?? 0));
  return (((w! * 7 + d!) * 24 + h!) * 60 + m!) * 60_000 + s! * 1000;
}

// How long expired and revoked tokens are kept before a purge (TOKEN_RETENTION, a purge's
// olderThan). Under an hour a purge erases tokens whose expiry a person has barely seen, and
// the hashes kept to answer their redemptions; past ten years the cutoff leaves the range of
// a date (P99999999999D was a 500).
export const MIN_RETENTION_MS = 3_600_000;
export const MAX_RETENTION_MS = 3650 * 86_400_000;
export const RETENTION_BOUNDS_MESSAGE = "Use a duration from 1 hour (PT1H) to 10 years (P3650D), such as P7D or 12h";

export const isRetentionMs = (ms: number | null): ms is number => ms !== null && ms >= MIN_RETENTION_MS && ms <= MAX_RETENTION_MS;
