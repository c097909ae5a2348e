"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import type { IntuneSettingsView } from "@/lib/domain/scep/intune/settings";
import { useFrontdoorUpdate } from "./use-frontdoor-update";

// The Frontdoor's Intune settings (admins): the client secret is write-only. The box is
// always empty; left empty, a save keeps the stored secret. Checked with the schema the
// action (and PATCH) uses, so the same messages show beside the same fields.

export function IntuneForm({ frontdoorId, intune }: { frontdoorId: string; intune: IntuneSettingsView | null }) {
  const [tenantId, setTenantId] = useState(intune?.tenantId ?? "");
  const [clientId, setClientId] = useState(intune?.clientId ?? "");
  const [clientSecret, setClientSecret] = useState("");
  const update = useFrontdoorUpdate(frontdoorId);
  const { errors, isPending } = update;

  function save(settings: { tenantId: string; clientId: string; clientSecret?: string } | null) {
    update.save({ scep: { intune: settings } }, settings ? "Intune settings saved" : "Intune settings removed", () => {
      setClientSecret("");
      if (!settings) [setTenantId, setClientId].forEach((set) => set(""));
    });
  }

  function submit(event: React.FormEvent) {
    event.preventDefault();
    save({ tenantId, clientId, ...(clientSecret ? { clientSecret } : {}) });
  }

  const error = (field: string) => errors[`scep.intune.${field}`];
  return (
    <form onSubmit={submit} aria-label="Microsoft Intune settings" className="space-y-3">
      <fieldset disabled={isPending} className="space-y-3">
        <Field id="intune-tenant" label="Tenant (directory) id or domain" error={error("tenantId")}>
          <Input id="intune-tenant" value={tenantId} onChange={(e) => setTenantId(e.target.value)} error={error("tenantId")} placeholder="contoso.onmicrosoft.com" autoComplete="off" />
        </Field>
        <Field id="intune-client" label="Application (client) id" error={error("clientId")}>
          <Input id="intune-client" value={clientId} onChange={(e) => setClientId(e.target.value)} error={error("clientId")} placeholder="00000000-0000-0000-0000-000000000000" autoComplete="off" />
        </Field>
        <Field id="intune-secret" label="Client secret (value)" error={error("clientSecret")} hint={intune ? "A secret is stored; it is never shown. Leave this empty to keep it." : "Sealed under the master key; never shown again."}>
          <Input id="intune-secret" type="password" value={clientSecret} onChange={(e) => setClientSecret(e.target.value)} error={error("clientSecret")} autoComplete="new-password" />
        </Field>
      </fieldset>
      <div className="flex gap-2">
        <Button type="submit" disabled={isPending}>{isPending ? "Saving…" : "Save Intune settings"}</Button>
        {intune ? <Button variant="secondary" disabled={isPending} onClick={() => save(null)}>Remove Intune</Button> : null}
      </div>
    </form>
  );
}
