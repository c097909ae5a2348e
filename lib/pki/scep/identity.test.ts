import "reflect-metadata";
import { IssuerAndSerialNumber } from "@peculiar/asn1-cms";
import { AsnConvert } from "@peculiar/asn1-schema";
import { type Certificate, Name } from "@peculiar/asn1-x509";
import { describe, expect, it } from "vitest";
import { tlv } from "@/lib/pki/der";
import { names } from "@/lib/pki/scep/identity";

// A SCEP client names the RA (recipient) or itself (signer) by issuer and serial, copying
// the issuer's bytes; names() must match them for every attribute type, also those the
// @peculiar types keep as raw octets (NumericString, BIT STRING), which are compared by
// their octets rather than serialized again.

const OID = { commonName: "0603550403", serialNumber: "0603550405", x500UniqueIdentifier: "060355042d" };
const attribute = (type: string, tag: number, value: Buffer) => tlv(0x31, tlv(0x30, Buffer.from(type, "hex"), tlv(tag, value)));
const name = (...rdns: Buffer[]) => AsnConvert.parse(tlv(0x30, ...rdns), Name);
const serial = new Uint8Array([1, 2, 3]).buffer;
const certificateIssuedBy = (issuer: Name) => ({ tbsCertificate: { issuer, serialNumber: serial } }) as unknown as Certificate;
const idFor = (issuer: Name, serialNumber = serial) => ({ issuerAndSerialNumber: new IssuerAndSerialNumber({ issuer, serialNumber }) });

describe("names: issuer and serial", () => {
  const rdns = () => [
    attribute(OID.serialNumber, 0x12, Buffer.from("0042")), // NumericString: a raw ANY value
    attribute(OID.x500UniqueIdentifier, 0x03, Buffer.from([0, 0xa5])), // BIT STRING: a raw ANY value
    attribute(OID.commonName, 0x0c, Buffer.from("RA")), // UTF8String
  ];

  it("matches the same name parsed twice, raw-octet attributes included", () => {
    const issuer = name(...rdns());
    expect(issuer[0]![0]!.value.anyValue).toBeDefined(); // the case this test is about
    expect(names(idFor(name(...rdns())), certificateIssuedBy(issuer))).toBe(true);
  });

  it("tells apart a raw-octet value, a string value, the serial and the string type", () => {
    const issuer = certificateIssuedBy(name(...rdns()));
    const [numeric, unique, common] = rdns();
    expect(names(idFor(name(attribute(OID.serialNumber, 0x12, Buffer.from("0043")), unique!, common!)), issuer)).toBe(false);
    expect(names(idFor(name(numeric!, attribute(OID.x500UniqueIdentifier, 0x03, Buffer.from([0, 0xa4])), common!)), issuer)).toBe(false);
    expect(names(idFor(name(numeric!, unique!, attribute(OID.commonName, 0x0c, Buffer.from("RB")))), issuer)).toBe(false);
    expect(names(idFor(name(numeric!, unique!, attribute(OID.commonName, 0x13, Buffer.from("RA")))), issuer)).toBe(false); // PrintableString
    expect(names(idFor(name(...rdns()), new Uint8Array([1, 2, 4]).buffer), issuer)).toBe(false);
  });
});
