import { Badge } from "@/components/ui/badge";

const TONES = {
  active: "green",
  valid: "green",
  redeemed: "blue",
  expired: "zinc",
  revoked: "red",
  pending_approval: "amber",
  rejected: "red",
} as const;

/** A token's or certificate's status, as text with a colour that repeats it. */
export function StatusBadge({ status }: { status: keyof typeof TONES }) {
  return <Badge tone={TONES[status]}>{status === "pending_approval" ? "pending approval" : status}</Badge>;
}
