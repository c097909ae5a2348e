import { answerOcsp } from "@/lib/domain/certificates/ocsp";
import { readBytes } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { ocspResponse, withOcspLimit } from "@/lib/http/ocsp";

/** OCSP (RFC 6960): an application/ocsp-request body in, a signed application/ocsp-response out. Public. */
export const POST = route<{ frontdoorId: string }>((request, { frontdoorId }) =>
  withOcspLimit(request, async (beforeSigning) => ocspResponse(await answerOcsp(frontdoorId, await readBytes(request), beforeSigning))),
);
