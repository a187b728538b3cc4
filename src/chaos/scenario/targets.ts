import type { TimingProfile } from './model.js';

/**
 * The README's targets per timing profile. The built-in scenarios' limits equal these (a unit
 * test holds them together), so a built-in scenario passes only a lab that meets them.
 */
export const TARGETS: Record<
  TimingProfile,
  { vipFailoverMs: number; apiUnavailableMs: number; leaderElectionMs: number; rejoinMs: number }
> = {
  default: {
    vipFailoverMs: 5000,
    apiUnavailableMs: 5000,
    leaderElectionMs: 3000,
    rejoinMs: 90_000,
  },
  fast: { vipFailoverMs: 2000, apiUnavailableMs: 2000, leaderElectionMs: 3000, rejoinMs: 90_000 },
};
