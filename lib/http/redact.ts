/** Removes token secrets and API keys from text bound for a log. */
export function redactSecrets(text: string): string {
  return text.replace(/\b(crt|cdk)_[0-9A-Za-z]{6,}/g, "$1_…");
}
