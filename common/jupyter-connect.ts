/**
 * How a stock Jupyter client on someone's own machine runs its kernels on Lattice: JupyterLab
 * or `jupyter server` (which VS Code's Jupyter extension can then use) with the gateway's URL,
 * and a personal API token in the environment — not on the command line, where other users of
 * that machine could read it in the process list. The profile page shows it, and the
 * conformance tests start JupyterLab with exactly this, so what the page says is what works.
 */
export interface TJupyterConnect {
  /** Environment for the client process. */
  env: { JUPYTER_GATEWAY_AUTH_TOKEN: string };
  /** Arguments after `jupyter lab` / `jupyter server`. */
  args: string[];
}

export function jupyterConnect(gatewayUrl: string, token: string): TJupyterConnect {
  return { env: { JUPYTER_GATEWAY_AUTH_TOKEN: token }, args: [`--gateway-url=${gatewayUrl}`] };
}

/** The same as shell lines to copy: `export …` then the command. */
export function jupyterConnectShell(app: 'lab' | 'server', gatewayUrl: string, token: string): string {
  const c = jupyterConnect(gatewayUrl, token);
  return [...Object.entries(c.env).map(([k, v]) => `export ${k}='${v}'`), `jupyter ${app} ${c.args.join(' ')}`].join('\n');
}
