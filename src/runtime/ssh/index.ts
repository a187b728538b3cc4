export {
  parseKnownHosts,
  readKnownHosts,
  checkHostKey,
  fingerprintSha256,
  hostLookupName,
} from './known-hosts.js';
export type { HostKeyCheck, HostKeyStatus, KnownHostEntry } from './known-hosts.js';
export { HostKeyPins } from './host-key-pins.js';
export { HostKeyVerifier, type HostKeyPolicy } from './host-key-policy.js';
export { connectSsh, CONNECT_TIMEOUT_MS, type SshConnectOptions } from './ssh-connect.js';
export { SshConnection } from './ssh-connection.js';
export type { SshTarget } from './ssh-auth.js';
export { SshRunner } from './ssh-runner.js';
export { uploadFile, fileSha256, type UploadOptions, type UploadResult } from './sftp-upload.js';
export { shellQuote, shellJoin } from './shell-quote.js';
export { SshProvider, type SshMachine, type SshProviderOptions } from './ssh-provider.js';
export { HostLinks, HostRunner, type ConnectFn } from './host-links.js';
export { LAB_UNITS } from './service-power.js';
