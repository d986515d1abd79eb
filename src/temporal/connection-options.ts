/**
 * How to reach Temporal: the address, and for Temporal Cloud (or any TLS-terminated cluster) TLS with an
 * API key or an mTLS client certificate. Used by every client and worker connection.
 */
import fs from 'node:fs';
import type { Config } from '../config/config';

export interface TemporalConnectionOptions {
  address: string;
  apiKey?: string;
  tls?: boolean | { clientCertPair: { crt: Buffer; key: Buffer } };
}

export function connectionOptions(config: Pick<Config, 'temporal'>): TemporalConnectionOptions {
  const { address, apiKey, tls } = config.temporal;
  if (!tls) return { address };
  const certs =
    tls.certPath && tls.keyPath ? { clientCertPair: { crt: fs.readFileSync(tls.certPath), key: fs.readFileSync(tls.keyPath) } } : true;
  return { address, tls: certs, ...(apiKey ? { apiKey } : {}) };
}
