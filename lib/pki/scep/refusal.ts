import type { FailInfo } from "@/lib/pki/scep/attributes";

/** A SCEP request refused with a failInfo: answered as a signed CertRep FAILURE, never as an HTTP error. */
export class ScepRefusal extends Error {
  constructor(
    readonly failInfo: FailInfo,
    detail: string,
  ) {
    super(detail);
    this.name = "ScepRefusal";
  }
}

/** Not a SCEP message at all (no CMS SignedData, or no transactionID/senderNonce to answer to): the door answers 400 text. */
export class NotScepMessage extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = "NotScepMessage";
  }
}
