// The consumer's global setup for the helper runs: ha-lab/vitest with `up` options (nodes only,
// which is enough to prove what teardown leaves behind, in a fraction of a full lab's time).
import { haLabGlobalSetup } from 'ha-lab/vitest';

export default haLabGlobalSetup({ nodesOnly: true });
