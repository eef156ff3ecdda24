import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

import type { Rig } from './rig.js';

/** A certificate and its private key (PEM files). The key never leaves the rig's dir. */
export interface PkiFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface LeafOptions {
  /** Subject CN. */
  readonly cn: string;
  /** dNSName subjectAltNames (RFC 6733 §13: what eapd holds against the CER's Origin-Host). */
  readonly dnsNames: readonly string[];
}

/** The Debian package that ships the openssl CLI (node:crypto can create keys but not sign certificates). */
export const OPENSSL_PACKAGE = 'openssl';
const SEARCH_DIRS = ['/usr/local/bin', '/usr/bin', '/bin'] as const;
/** The certificates only have to outlive one test run. */
const VALIDITY_DAYS = '2';
const CURVE = 'ec_paramgen_curve:P-256';
const KEY_FILE_MODE = 0o600;

function opensslPath(): string {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== ''), ...SEARCH_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, 'openssl');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(
    `interop tool 'openssl' is missing: install the Debian package '${OPENSSL_PACKAGE}' (apt-get install ${OPENSSL_PACKAGE})`,
  );
}

/**
 * A throw-away PKI for one test, made with the openssl CLI in `<rig dir>/pki` (removed with the rig):
 * self-signed CAs and leaf certificates (P-256, serverAuth + clientAuth, so one certificate serves a
 * Diameter node as TLS server and as TLS client).
 */
export class TestPki {
  readonly dir: string;
  readonly #openssl: string;
  readonly #cas = new Set<string>();

  private constructor(dir: string) {
    this.dir = dir;
    this.#openssl = opensslPath();
  }

  static create(rig: Rig, name = 'pki'): TestPki {
    const dir = rig.path(name);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return new TestPki(dir);
  }

  #run(args: readonly string[]): void {
    try {
      execFileSync(this.#openssl, [...args], { cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
      throw new Error(`openssl ${args[0] ?? ''} failed: ${stderr || (err as Error).message}`);
    }
  }

  /** A self-signed CA named `name`; its certificate is the bundle to give as a trust anchor. */
  ca(name: string): PkiFiles {
    this.#run([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      CURVE,
      '-nodes',
      '-days',
      VALIDITY_DAYS,
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
    ]);
    this.#cas.add(name);
    return this.#files(name);
  }

  /** A leaf certificate `name` signed by the CA `caName` (made by ca() first). */
  leaf(name: string, caName: string, options: LeafOptions): PkiFiles {
    if (!this.#cas.has(caName)) throw new Error(`TestPki: no CA named ${caName}`);
    const ext = [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth,clientAuth',
      ...(options.dnsNames.length > 0
        ? [`subjectAltName=${options.dnsNames.map((n) => `DNS:${n}`).join(',')}`]
        : []),
    ];
    writeFileSync(join(this.dir, `${name}.ext`), `${ext.join('\n')}\n`);
    this.#run([
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      CURVE,
      '-nodes',
      '-subj',
      `/CN=${options.cn}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
    ]);
    this.#run([
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
      VALIDITY_DAYS,
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    ]);
    return this.#files(name);
  }

  #files(name: string): PkiFiles {
    const keyFile = join(this.dir, `${name}.key`);
    // Private keys: owner-only, whatever the umask.
    chmodSync(keyFile, KEY_FILE_MODE);
    return { certFile: join(this.dir, `${name}.crt`), keyFile };
  }
}
