/** What replaces a secret in logs, reports and error messages. */
export const REDACTED = '[REDACTED]';

const PRIVATE_KEY_BLOCK =
  /-----BEGIN ([A-Z0-9 ]*?)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g;
/** A kubeadm bootstrap token: the id before the dot is public, the secret after it is not. */
const BOOTSTRAP_TOKEN = /\b([a-z0-9]{6})\.[a-z0-9]{16}\b/g;
/**
 * The key that decrypts the control-plane certificates kubeadm uploads: as a flag, as a
 * config field, or as `kubeadm init --upload-certs` prints it ("Using certificate key:\n<hex>"),
 * also when a journal puts its "date host unit[pid]: " prefix before the key's line.
 */
const CERTIFICATE_KEY =
  /(--certificate-key[= ]|certificateKey:[ \t]*["']?|certificate key:\s*(?:[^\n]*?\]:\s*)?)[0-9a-f]{64}\b/gi;
/** kubeconfig-style `client-key-data:` and any `token:` key, YAML or JSON, quoted or not. */
const SECRET_FIELD =
  /(["']?)\b(client-key-data|token)\1([ \t]*:[ \t]*)("[^"\n]*"|'[^'\n]*'|[^\s,}\]]+)/g;

/** Removes the secrets ha-lab handles from text before it is logged or stored. */
export function redactSecrets(text: string): string {
  return text
    .replace(PRIVATE_KEY_BLOCK, (_m, kind: string) => {
      return `-----BEGIN ${kind}PRIVATE KEY-----${REDACTED}-----END ${kind}PRIVATE KEY-----`;
    })
    .replace(CERTIFICATE_KEY, (_m, prefix: string) => `${prefix}${REDACTED}`)
    .replace(SECRET_FIELD, (_m, quote: string, key: string, sep: string) => {
      return `${quote}${key}${quote}${sep}${REDACTED}`;
    })
    .replace(BOOTSTRAP_TOKEN, (_m, id: string) => `${id}.${REDACTED}`);
}
