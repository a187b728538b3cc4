import { createHash, randomBytes, randomInt, X509Certificate } from 'node:crypto';

const TOKEN_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomToken(length: number): string {
  return Array.from({ length }, () => TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)]).join('');
}

/** A kubeadm bootstrap token: "[a-z0-9]{6}.[a-z0-9]{16}". */
export function newBootstrapToken(): string {
  return `${randomToken(6)}.${randomToken(16)}`;
}

/** The key that encrypts the control-plane certificates `kubeadm init --upload-certs` stores. */
export function newCertificateKey(): string {
  return randomBytes(32).toString('hex');
}

/** kubeadm's discovery pin: sha256 of the CA's SubjectPublicKeyInfo. */
export function caCertHash(caPem: string): string {
  const spki = new X509Certificate(caPem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}
