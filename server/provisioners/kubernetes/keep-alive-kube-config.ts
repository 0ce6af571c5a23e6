import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

type TRequestContext = Parameters<KubeConfig['applySecurityAuthentication']>[0];

/**
 * A KubeConfig whose API clients share one keep-alive TLS agent. client-node 1.x builds a new
 * `https.Agent` (and so a new TLS context and connection) for every request; at a thousand
 * launches that was a quarter of the gateway's CPU (bench/README.md, Kubernetes scale).
 * Headers (tokens, which may rotate) are still set per request by the base class; only the
 * agent — the same CA, client certificate and server name each time — is reused. Proxied
 * clusters keep the base behaviour.
 */
export class KeepAliveKubeConfig extends KubeConfig {
  private agent: https.Agent | null = null;

  override async applySecurityAuthentication(context: TRequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getAgent();
    if (!(fresh instanceof https.Agent) || fresh.constructor !== https.Agent) return;
    this.agent ??= new https.Agent({ ...fresh.options, keepAlive: true });
    context.setAgent(this.agent);
  }

  /** Closes the kept-alive connections (gateway exit). */
  close(): void {
    this.agent?.destroy();
    this.agent = null;
  }
}
