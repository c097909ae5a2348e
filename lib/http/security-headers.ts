// The console's and the redemption page's Content-Security-Policy: scripts only from this
// origin with this response's nonce (Next.js puts it on its own scripts when the request
// carries the policy), nothing framed, no plugins, no <base>, forms and fetches to this
// origin only. A page that holds a freshly made private key in JavaScript must not run a
// script anyone else wrote.
//
// Styles allow 'unsafe-inline': React style attributes and the toast library's injected
// <style> need it, and a style cannot read a key. Development adds 'unsafe-eval', which
// React's dev build needs for its stack traces; production never has it.

export function contentSecurityPolicy(nonce: string, isDevelopment: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDevelopment ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join("; ");
}

/**
 * Every feature the pages do not use, switched off for them and anything they embed. Only
 * features Chromium knows (security-headers.test.ts): it logs each unknown one on every page,
 * and Web Bluetooth is not a policy-controlled feature there.
 */
export const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "autoplay=()",
  "camera=()",
  "display-capture=()",
  "geolocation=()",
  "gyroscope=()",
  "magnetometer=()",
  "microphone=()",
  "midi=()",
  "payment=()",
  "usb=()",
  "serial=()",
  "hid=()",
  "browsing-topics=()",
  // Passkeys on this origin only (the second factor).
  "publickey-credentials-get=(self)",
  "publickey-credentials-create=(self)",
].join(", ");
