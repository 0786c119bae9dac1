import type { IncomingHttpHeaders } from 'node:http';
import { escapeRegExp } from '../util/escape-reg-exp.js';

/**
 * Same-origin unless `allowedOrigins` says otherwise, as Spring. A request without `Origin` is not
 * from a browser page (browsers always send it on WebSocket and cross-origin XHR), so it passes.
 */
export class OriginPolicy {
  private readonly exact = new Set<string>();
  private readonly patterns: RegExp[] = [];
  private readonly anyOrigin: boolean;

  constructor(allowedOrigins: readonly string[]) {
    this.anyOrigin = allowedOrigins.includes('*');
    for (const origin of allowedOrigins) {
      if (origin.includes('*')) {
        const source = origin.toLowerCase().split('*').map(escapeRegExp).join('[^/]*');
        this.patterns.push(new RegExp(`^${source}$`));
      } else {
        this.exact.add(origin.toLowerCase().replace(/\/$/, ''));
      }
    }
  }

  allows(headers: IncomingHttpHeaders): boolean {
    const origin = headers.origin;
    if (origin === undefined || this.anyOrigin) return true;
    const normalized = origin.toLowerCase();
    if (this.exact.has(normalized) || this.patterns.some((p) => p.test(normalized))) return true;
    return isSameOrigin(normalized, headers.host);
  }
}

function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const { protocol, host: originHost } = new URL(origin);
    // Parsing the Host header under the Origin's scheme drops a default port (":443" for https).
    return originHost === new URL(`${protocol}//${host}`).host;
  } catch {
    return false;
  }
}
