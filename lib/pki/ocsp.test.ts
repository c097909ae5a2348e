import "reflect-metadata";
import { AsnAnyConverter, AsnConvert } from "@peculiar/asn1-schema";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_RESERIALIZED_ANY_OCTETS } from "@/lib/pki/asn1-parse";
import { tlv } from "@/lib/pki/der";
import { MAX_OCSP_CERT_IDS, MAX_OCSP_NONCE_OCTETS, parseOcspRequest } from "@/lib/pki/ocsp";

// What an OCSP request's bounds refuse on its bytes alone, and that they keep asn1js from
// re-reading a client's raw ANY values with its defaults (lib/pki/asn1-parse.ts): a request
// whose CertID hash parameters were OCTET STRING { BOOLEAN of 40,000 octets } cost ~0.9 s to
// read, one whose nonce was such a BOOLEAN ~0.4 s. Asserted by what is called, not by time.

const hex = (text: string) => Buffer.from(text, "hex");
const SHA1 = hex("06052b0e03021a");
const certId = (parameters?: Buffer) => tlv(0x30, tlv(0x30, SHA1, ...(parameters ? [parameters] : [])), tlv(0x04, Buffer.alloc(20, 1)), tlv(0x04, Buffer.alloc(20, 2)), hex("020101"));
const nonce = (extnValue: Buffer) => tlv(0x30, tlv(0x30, hex("06092b0601050507300102"), tlv(0x04, extnValue)));
const request = (certIds: Buffer[], extensions?: Buffer) => tlv(0x30, tlv(0x30, tlv(0x30, ...certIds.map((c) => tlv(0x30, c))), ...(extensions ? [tlv(0xa2, extensions)] : [])));
/** OCTET STRING { BOOLEAN of `octets` }: a parse with asn1js's defaults decodes the BOOLEAN, in time quadratic in its length. */
const embeddedBoolean = (octets: number) => tlv(0x04, tlv(0x01, Buffer.alloc(octets, 0xff)));

afterEach(() => vi.restoreAllMocks());

describe("an OCSP request's bounds", () => {
  it("read real requests: hash parameters NULL or absent, up to 10 CertIDs, a nonce of up to 32 octets in either form", () => {
    const read = (certIds: Buffer[], extensions?: Buffer) => parseOcspRequest(request(certIds, extensions));
    const tenCertIds = Array.from({ length: MAX_OCSP_CERT_IDS }, () => certId());
    expect(read([certId(hex("0500"))])?.certIds).toHaveLength(1);
    expect(read(tenCertIds)?.certIds).toHaveLength(MAX_OCSP_CERT_IDS);
    expect(read([certId()], nonce(tlv(0x04, Buffer.alloc(MAX_OCSP_NONCE_OCTETS, 7))))?.nonce).not.toBeNull();
    expect(read([certId()], nonce(Buffer.alloc(MAX_OCSP_NONCE_OCTETS, 7)))?.nonce).not.toBeNull();
    expect(read([certId()], nonce(tlv(0x04, Buffer.alloc(MAX_OCSP_NONCE_OCTETS + 1, 7))))).toBeNull();
  });

  it("refuse hash parameters of more than 1 KiB in all before any CertID is serialized", () => {
    const serialize = vi.spyOn(AsnConvert, "serialize");
    const reread = vi.spyOn(AsnAnyConverter, "toASN");
    expect(parseOcspRequest(request([certId(embeddedBoolean(MAX_RESERIALIZED_ANY_OCTETS))]))).toBeNull();
    // Ten CertIDs that are each small but together over the bound: the answer would serialize all of them.
    const smallEach = Array.from({ length: MAX_OCSP_CERT_IDS }, () => certId(embeddedBoolean(MAX_RESERIALIZED_ANY_OCTETS / 8)));
    expect(parseOcspRequest(request(smallEach))).toBeNull();
    expect(serialize).not.toHaveBeenCalled();
    expect(reread).not.toHaveBeenCalled();
  });

  it("refuse a nonce longer than any nonce in either form without parsing it", () => {
    const parse = vi.spyOn(AsnConvert, "parse");
    const der = request([certId()], nonce(tlv(0x01, Buffer.alloc(2_000, 0xff))));
    expect(parseOcspRequest(der)).toBeNull();
    // The request itself, by parseClientAsn1; never the nonce's value with asn1js's defaults.
    expect(parse).toHaveBeenCalledTimes(1);
    expect(parse.mock.calls[0]![0]).toBe(der);
  });
});
