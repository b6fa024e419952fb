import type { Config } from '../config/schema.js';
import type { CertificateFiles, CertificatePair } from '../http/tls/certificate-pair.js';
import { tlsProfiles, type TlsProfile } from '../http/tls/profile.js';

/** The pair served at start, with its files and profile; undefined for plain HTTP. */
export interface TlsSetup {
  readonly files: CertificateFiles;
  readonly pair: CertificatePair;
  readonly profile: TlsProfile;
}

/**
 * Loads --tls-cert and --tls-key (both or neither; the configuration checked that); a pair that does not load
 * stops the start with the file and the reason.
 */
export async function loadTls(config: Config): Promise<TlsSetup | undefined> {
  if (config.tlsCert === '' && config.tlsKey === '') return undefined;
  const files = { cert: config.tlsCert, key: config.tlsKey };
  const profile = tlsProfiles[config.tlsProfile];
  const { CertificateError, loadPair } = await import('../http/tls/certificate-pair.js');
  try {
    return { files, profile, pair: await loadPair(files, profile) };
  } catch (err) {
    if (err instanceof CertificateError) throw new Error(`TLS certificate not loaded: ${err.message}`);
    throw err;
  }
}
