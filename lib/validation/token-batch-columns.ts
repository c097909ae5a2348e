// The CSV header of a token batch, shared by the server's parser and the console's import
// page (which must not pull the parser into the browser).
export const BATCH_CSV_COLUMNS = ["name", "commonName", "organization", "organizationalUnit", "recipientEmail", "expiresAt", "validDays"] as const;
