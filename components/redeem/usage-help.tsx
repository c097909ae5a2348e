/** How to use the files: shown once the certificate is issued. */
export function UsageHelp({ hasKey }: { hasKey: boolean }) {
  return (
    <section aria-labelledby="usage-heading" className="space-y-2 text-sm">
      <h2 id="usage-heading" className="text-lg font-semibold">
        Using them
      </h2>
      <p>With curl:</p>
      <pre className="overflow-x-auto rounded-md bg-zinc-900 p-3 text-xs text-zinc-100">
        <code>curl --cert cert.pem --key key.pem https://your-service.example.com/</code>
      </pre>
      {hasKey ? (
        <ul className="list-disc space-y-1 pl-5">
          <li>Windows: double-click client.p12 and follow the import wizard (choose the compatible format for older versions).</li>
          <li>macOS: double-click client.p12 to add it to Keychain Access (choose the compatible format).</li>
          <li>Firefox and Chrome on Linux: Settings → Certificates → Import, then pick client.p12.</li>
        </ul>
      ) : null}
    </section>
  );
}
