// A hint, not a gate: how hard a PKCS#12 password would be to guess offline.

export type Strength = { score: 0 | 1 | 2 | 3; label: "too short" | "weak" | "fair" | "strong" };

export function passwordStrength(password: string): Strength {
  if (password.length < 8) return { score: 0, label: "too short" };
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  const unique = new Set(password).size;
  if (password.length >= 16 && unique >= 8) return { score: 3, label: "strong" };
  if (password.length >= 12 && classes >= 3 && unique >= 6) return { score: 3, label: "strong" };
  if (password.length >= 10 && classes >= 2 && unique >= 5) return { score: 2, label: "fair" };
  return { score: 1, label: "weak" };
}
