import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throw-away PKI made with the openssl CLI in a temp dir: CAs and leaf certificates. */
export class TestPki {
  readonly dir = mkdtempSync(join(tmpdir(), 'eapd-pki-'));

  #openssl(args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  }

  /** A self-signed CA; returns the path of its certificate. */
  ca(name: string): string {
    this.#openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
    ]);
    return join(this.dir, `${name}.crt`);
  }

  /**
   * A leaf certificate signed by `caName` with dNSName SANs `sans` (none: CN only).
   * Returns the certificate and key paths.
   */
  leaf(
    name: string,
    caName: string,
    cn: string,
    sans: readonly string[],
  ): { certFile: string; keyFile: string } {
    const ext = join(this.dir, `${name}.ext`);
    const lines = [
      'basicConstraints=CA:FALSE',
      'keyUsage=digitalSignature',
      'extendedKeyUsage=serverAuth,clientAuth',
    ];
    if (sans.length > 0) lines.push('subjectAltName=' + sans.map((s) => `DNS:${s}`).join(','));
    writeFileSync(ext, lines.join('\n') + '\n');
    this.#openssl([
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      `/CN=${cn}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
    ]);
    this.#openssl([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${caName}.crt`,
      '-CAkey',
      `${caName}.key`,
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      ext,
      '-out',
      `${name}.crt`,
    ]);
    return { certFile: join(this.dir, `${name}.crt`), keyFile: join(this.dir, `${name}.key`) };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
