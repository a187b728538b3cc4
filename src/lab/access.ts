import type { LabState } from './lab-state.js';
import { API_PORT, type Topology } from '../core/topology.js';

/**
 * How the host reaches the API through the VIP: directly (Linux engines route to container
 * IPs), or through the forwarder published on 127.0.0.1 (Docker Desktop on macOS/Windows).
 */
export function apiBaseUrl(state: LabState, topology: Topology): string {
  if (state.accessMode === 'forwarder' && state.forwarderPort)
    return `https://127.0.0.1:${state.forwarderPort}`;
  return `https://${topology.vip}:${API_PORT}`;
}
