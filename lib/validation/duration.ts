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
