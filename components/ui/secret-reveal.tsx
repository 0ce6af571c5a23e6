import { Alert } from './alert';
import { CopyButton } from './copy-button';

/** A secret shown exactly once (a new token or password), with a copy button. */
export function SecretReveal({ title, secret, note }: { title: string; secret: string; note?: string }) {
  return (
    <Alert tone="success" title={title}>
      <div className="mt-2 flex items-center gap-2">
        <code className="min-w-0 flex-1 select-all truncate rounded border border-emerald-200 bg-white px-2 py-1 font-mono text-xs text-slate-900" data-testid="secret">
          {secret}
        </code>
        <CopyButton value={secret} />
      </div>
      <p className="mt-2 text-xs">{note ?? 'Copy it now: it will not be shown again.'}</p>
    </Alert>
  );
}
