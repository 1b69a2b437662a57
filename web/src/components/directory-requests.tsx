/**
 * The Microsoft Graph requests an administrator runs in Entra for a change Vigil made in its own
 * inventory only (the tenant has no Graph connection). Each is a request line, headers and a JSON
 * body, so it is shown preformatted.
 */
export function DirectoryRequests(props: { requests: readonly string[]; summary?: string; open?: boolean }) {
  return (
    <details class="directory-requests" open={props.open}>
      <summary>
        {props.summary ?? 'Requests to run in the directory'} ({props.requests.length})
      </summary>
      <ol>
        {props.requests.map((r) => (
          <li key={r}>
            <pre>
              <code>{r}</code>
            </pre>
          </li>
        ))}
      </ol>
    </details>
  );
}
