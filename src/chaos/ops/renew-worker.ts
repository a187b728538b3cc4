import { parentPort, workerData } from 'node:worker_threads';
import type { Topology } from '../../core/topology.js';
import type { CertPair } from '../../provision/pki.js';
import { renewEtcdCerts } from '../../provision/pki-renew.js';

/** Runs in a worker thread: forge signs in pure JS, which must not stall the probes' loop. */
const { topology, ca } = workerData as { topology: Topology; ca: CertPair };
parentPort?.postMessage(await renewEtcdCerts(topology, ca));
