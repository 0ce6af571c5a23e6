'use client';

import { useState } from 'react';
import type { TStdinRequest } from './notebook-model';

/**
 * The kernel's question (`input()`, `getpass()`, pdb's `(Pdb) `) in the cell that asked, as
 * JupyterLab shows it: the prompt, then a field that has the focus; Enter sends the answer.
 * A password field is never echoed (the cell then shows dots, see the model's `input-answered`).
 */
export function StdinPrompt({ request, onAnswer }: { request: TStdinRequest; onAnswer: (value: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <form
      className="flex items-center gap-2 py-1 pl-16 pr-3 font-mono text-[13px]"
      data-testid="stdin"
      onSubmit={(e) => {
        e.preventDefault();
        onAnswer(value);
      }}
    >
      {request.prompt && <span className="whitespace-pre text-slate-800">{request.prompt}</span>}
      <input
        autoFocus
        type={request.password ? 'password' : 'text'}
        autoComplete={request.password ? 'off' : undefined}
        spellCheck={false}
        aria-label={request.password ? 'Password requested by the kernel' : 'Input requested by the kernel'}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        className="min-w-0 flex-1 rounded border border-indigo-300 bg-white px-2 py-0.5 outline-none focus:ring-2 focus:ring-indigo-400"
      />
    </form>
  );
}
