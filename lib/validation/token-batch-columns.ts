// The CSV header of a token batch, shared by the server's parser and the console's import
// page (which must not pull the parser into the browser). The last four hold a token's
// subject alternative names, space-separated (SAN_CSV_COLUMNS).
export const BATCH_CSV_COLUMNS = ["name", "commonName", "organization", "organizationalUnit", "recipientEmail", "expiresAt", "validDays", "dnsNames", "ipAddresses", "uris", "emails"] as const;
