"use server";

import { revalidatePath } from "next/cache";
import { runAction, textArg } from "@/lib/console/action";
import { revokeCertificate } from "@/lib/domain/certificates";
import type { RevokeCertificateInput } from "@/lib/validation/certificates";

export async function revokeCertificateAction(frontdoorId: string, certificateId: string, input: RevokeCertificateInput) {
  const result = await runAction((p) => revokeCertificate(p, textArg(frontdoorId), textArg(certificateId), input));
  if (result.ok) revalidatePath(`/certificates/${certificateId}`);
  return result;
}
