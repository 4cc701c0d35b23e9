/**
 * A throwaway TLS certificate for 127.0.0.1 and localhost, made by `openssl` in a temporary folder
 * at test time (no key is ever committed). Self-signed, so the certificate is its own CA.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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

/**
 * A department CA and a broker certificate it signed (for 127.0.0.1 and localhost), as a real
 * deployment has them: the client trusts the CA, never the broker's own certificate.
 */
export function makeDepartmentCa(): TestCertificate {
  const dir = tempDir('hnth-ca-');
  const file = (name: string) => path.join(dir.path, name);
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run([
    ...['req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', '1'],
    ...['-subj', '/CN=hnth-test-department-ca'],
  ]);
  run(['req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=hnth-broker']);
  writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run([
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.crt'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-out',
    file('server.crt'),
    '-days',
    '1',
    '-extfile',
    file('san.ext'),
  ]);
  return {
    certFile: file('server.crt'),
    keyFile: file('server.key'),
    caFile: file('ca.crt'),
    remove: dir.remove,
  };
}
