import { DetailItem } from "@/components/ui/detail-item";
import { sanRows } from "@/lib/format/subject-alt-names";
import type { SubjectAltNames } from "@/lib/validation/subject-alt-names";

/** A token's or certificate's SANs as detail rows, one per kind; one "none" row when there are none. */
export function SubjectAltNameItems({ sans }: { sans: SubjectAltNames }) {
  const rows = sanRows(sans);
  if (rows.length === 0) return <DetailItem label="Alternative names">none</DetailItem>;
  return rows.map(({ kind, label, values }) => (
    <DetailItem key={kind} label={label}>
      <ul data-testid={`san-${kind}`} className="font-mono text-xs">
        {values.map((value) => <li key={value}>{value}</li>)}
      </ul>
    </DetailItem>
  ));
}
