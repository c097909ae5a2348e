import { answerOcsp } from "@/lib/domain/certificates/ocsp";
import { route } from "@/lib/http/handler";
import { ocspResponse, withOcspLimit } from "@/lib/http/ocsp";

/**
 * OCSP's GET form (RFC 5019 §5): the DER request, base64 and URL-encoded, as the path's last
 * part. Clients that do not encode "/" split it into several segments, so they are joined.
 * Next.js hands the segments over URL-decoded already: decoding again would be wrong, and
 * threw (a 500) on any "%" left in them.
 */
export const GET = route<{ frontdoorId: string; request: string[] }>((httpRequest, { frontdoorId, request }) =>
  withOcspLimit(httpRequest, async (beforeSigning) => ocspResponse(await answerOcsp(frontdoorId, Buffer.from(request.join("/"), "base64"), beforeSigning))),
);
