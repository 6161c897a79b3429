// The cluster's PKI, created on first start under <data-dir>/tls: a CA, the API server's
// serving certificate and the admin client certificate (CN skiff-admin, O system:masters),
// all ECDSA P-256 like k3s. Later starts reuse them, so kubeconfigs stay valid. Beside them,
// the service account signing key (tls/service-account.key, P-256 → ES256 tokens), added to
// older data dirs on their next start.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync, webcrypto } from 'node:crypto';

export interface Pki {
  caCert: string;
  servingCert: string;
  servingKey: string;
  adminCert: string;
  adminKey: string;
  /** PEM (PKCS#8) private key that signs service account tokens. */
  serviceAccountKey: string;
}

const files = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  servingCert: 'serving.crt',
  servingKey: 'serving.key',
  adminCert: 'admin.crt',
  adminKey: 'admin.key',
} as const;

const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signing = { name: 'ECDSA', hash: 'SHA-256' } as const;
const tenYears = 10 * 365 * 24 * 3600 * 1000;

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

/** The service account signing key, created once (kube-apiserver's --service-account-key-file). */
function ensureServiceAccountKey(tls: string): string {
  const file = join(tls, 'service-account.key');
  if (existsSync(file)) return readFileSync(file, 'utf8');
  mkdirSync(tls, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pemText = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  writeFileSync(file, pemText, { mode: 0o600 });
  return pemText;
}

export async function ensurePki(dir: string, sans: { dns: string[]; ips: string[] }, log: (msg: string) => void): Promise<Pki> {
  const pki = await ensureCertificates(dir, sans, log);
  return { ...pki, serviceAccountKey: ensureServiceAccountKey(join(dir, 'tls')) };
}

async function ensureCertificates(dir: string, sans: { dns: string[]; ips: string[] }, log: (msg: string) => void): Promise<Omit<Pki, 'serviceAccountKey'>> {
  const tls = join(dir, 'tls');
  const path = (k: keyof typeof files): string => join(tls, files[k]);
  if (Object.keys(files).every((k) => existsSync(path(k as keyof typeof files)))) {
    const read = (k: keyof typeof files): string => readFileSync(path(k), 'utf8');
    return { caCert: read('caCert'), servingCert: read('servingCert'), servingKey: read('servingKey'), adminCert: read('adminCert'), adminKey: read('adminKey') };
  }
  log(`creating certificates in ${tls}`);
  // Loaded only on first start: certificate building is not on the normal start-up path.
  await import('reflect-metadata'); // @peculiar/x509's ASN.1 schemas need it loaded first
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  mkdirSync(tls, { recursive: true, mode: 0o700 });
  const notBefore = new Date(Date.now() - 3600_000);
  const notAfter = new Date(Date.now() + tenYears);

  const caKeys = (await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=skiff-ca@${Math.floor(Date.now() / 1000)}`,
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: signing,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const leaf = async (subject: string, usage: 'server' | 'client', names?: { type: 'dns' | 'ip'; value: string }[]): Promise<{ cert: string; key: string }> => {
    const keys = (await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const exts: InstanceType<typeof x509.Extension>[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ];
    if (names) exts.push(new x509.SubjectAlternativeNameExtension(names));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1'),
      subject,
      issuer: ca.subject,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: signing,
      extensions: exts,
    });
    return { cert: cert.toString('pem') + '\n', key: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)) };
  };

  const serving = await leaf('CN=skiff-apiserver', 'server', [
    ...sans.dns.map((value) => ({ type: 'dns' as const, value })),
    ...sans.ips.map((value) => ({ type: 'ip' as const, value })),
  ]);
  const admin = await leaf('CN=skiff-admin, O=system:masters', 'client');
  const write = (k: keyof typeof files, text: string): void => writeFileSync(path(k), text, { mode: 0o600 });
  write('caCert', ca.toString('pem') + '\n');
  write('caKey', pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', caKeys.privateKey)));
  write('servingCert', serving.cert);
  write('servingKey', serving.key);
  write('adminCert', admin.cert);
  write('adminKey', admin.key);
  return { caCert: ca.toString('pem') + '\n', servingCert: serving.cert, servingKey: serving.key, adminCert: admin.cert, adminKey: admin.key };
}
