/**
 * A throwaway TLS certificate for 127.0.0.1 and localhost, made by `openssl` in a temporary folder
 * at test time (no key is ever committed). Self-signed, so the certificate is its own CA.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { tempDir } from './temp-dir.js';

export interface TestCertificate {
  certFile: string;
  keyFile: string;
  /** What a client trusts: the certificate itself. */
  caFile: string;
  remove(): void;
}

export function makeTestCertificate(): TestCertificate {
  const dir = tempDir('hnth-tls-');
  const certFile = path.join(dir.path, 'server.crt');
  const keyFile = path.join(dir.path, 'server.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=hnth-test-broker',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'pipe' },
  );
  return { certFile, keyFile, caFile: certFile, remove: dir.remove };
}
