import { describe, expect, it } from "vitest";
import { dependencyOrder, type ForeignKey } from "@/lib/db/backup/catalog";

const key = (table: string, references: string): ForeignKey => ({ name: `${table}_${references}_fkey`, table, references, isDeferrable: false, isDeferred: false });

describe("dependencyOrder", () => {
  it("puts every table after the tables it references, ties by name", () => {
    const keys = [key("Token", "Certificate"), key("Token", "Frontdoor"), key("Certificate", "Frontdoor"), key("Certificate", "Authority"), key("Authority", "Frontdoor")];
    expect(dependencyOrder(["Token", "Certificate", "Frontdoor", "Authority", "AuditEvent"], keys)).toEqual(["AuditEvent", "Frontdoor", "Authority", "Certificate", "Token"]);
  });

  it("places a table that references itself by its other references, and a cycle by name after what it needs", () => {
    const keys = [key("Certificate", "Certificate"), key("Certificate", "Frontdoor"), key("A", "B"), key("B", "A"), key("A", "Frontdoor")];
    expect(dependencyOrder(["Certificate", "Frontdoor", "B", "A"], keys)).toEqual(["Frontdoor", "Certificate", "A", "B"]);
  });

  it("ignores keys to tables it does not order", () => {
    expect(dependencyOrder(["Token"], [key("Token", "Elsewhere")])).toEqual(["Token"]);
  });
});
