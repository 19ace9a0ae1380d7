import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../client/index.js';
import { quoteIfNeeded } from '../presentation/service-view.js';
import { cliPaths } from '../daemon/connect.js';
import { writeJson, writeOut } from '../output/output.js';

export interface CaOptions {
  json?: boolean;
}

/** The name the CA gets in the trust stores, so it can be found and removed again. */
const TRUSTED_NAME = 'herve-local-ca';

/** One way to trust the CA: where, and the command. */
interface TrustStep {
  store: string;
  command: string;
}

function trustSteps(caCert: string): TrustStep[] {
  const ca = quoteIfNeeded(caCert);
  const nss = (db: string): string => `certutil -d ${db} -A -t C,, -n ${TRUSTED_NAME} -i ${ca}`;
  return [
    {
      store: 'Debian, Ubuntu (system store)',
      command: `sudo cp ${ca} /usr/local/share/ca-certificates/${TRUSTED_NAME}.crt && sudo update-ca-certificates`,
    },
    {
      store: 'Fedora, RHEL (trust anchor)',
      command: `sudo cp ${ca} /etc/pki/ca-trust/source/anchors/${TRUSTED_NAME}.crt && sudo update-ca-trust`,
    },
    {
      store: 'macOS (system keychain)',
      command: `sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${ca}`,
    },
    {
      store: 'Firefox (NSS, per profile; certutil is in libnss3-tools)',
      command: `for profile in ~/.mozilla/firefox/*.default*/; do ${nss('"sql:$profile"')}; done`,
    },
    { store: 'Chrome, Chromium on Linux (NSS)', command: nss('sql:$HOME/.pki/nssdb') },
    { store: 'Node.js', command: `NODE_EXTRA_CA_CERTS=${ca} node app.js` },
    { store: 'curl', command: `curl --cacert ${ca} https://localhost:5443/` },
  ];
}

/** `herve ca`: where the local CA's certificate is and how to trust it; it needs no daemon. */
export async function run(options: CaOptions): Promise<number> {
  const paths = cliPaths();
  if (!existsSync(paths.caCert)) {
    throw new UserError(
      `no local certificate authority yet in ${paths.caDir}`,
      'create one by starting the front door with HTTPS: herve up --https (if herve runs already: herve down first)',
    );
  }
  const ca = new X509Certificate(readFileSync(paths.caCert));
  const leaf = existsSync(paths.tlsCert) ? new X509Certificate(readFileSync(paths.tlsCert)) : null;
  const report = {
    certificate: paths.caCert,
    subject: ca.subject.replace(/\n/g, ', '),
    fingerprintSha256: ca.fingerprint256,
    validUntil: new Date(ca.validTo).toISOString(),
    serverCertificate:
      leaf === null
        ? null
        : {
            path: paths.tlsCert,
            names: leaf.subjectAltName?.split(', ') ?? [],
            validUntil: new Date(leaf.validTo).toISOString(),
          },
    trust: trustSteps(paths.caCert),
  };
  if (options.json) {
    await writeJson(report);
    return 0;
  }
  const rows: [string, string][] = [
    ['certificate', report.certificate],
    ['subject', report.subject],
    ['SHA-256', report.fingerprintSha256],
    ['valid until', report.validUntil],
  ];
  if (report.serverCertificate !== null)
    rows.push(['front door', `${report.serverCertificate.path} (${report.serverCertificate.names.join(', ')}; until ${report.serverCertificate.validUntil})`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const about = rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
  const steps = report.trust.map((step) => `  ${step.store}:\n    ${step.command}`).join('\n');
  await writeOut(
    `Herve's local certificate authority (its key, ${paths.caKey}, never leaves this machine)\n${about}\n\nTo trust it (once per machine, or per browser profile):\n${steps}\n`,
  );
  return 0;
}
