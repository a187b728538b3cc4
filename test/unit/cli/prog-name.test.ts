import { describe, expect, it } from 'vitest';
import { asTyped, progName } from '../../../src/cli/prog-name.js';
import { nextSteps } from '../../../src/cli/summary.js';

describe('commands as the user can run them', () => {
  it('says ./ha-lab in a clone (the wrapper sets HA_LAB_PROG) and ha-lab once installed', () => {
    expect(progName({ HA_LAB_PROG: './ha-lab' })).toBe('./ha-lab');
    expect(progName({})).toBe('ha-lab');
  });

  it('rewrites commands quoted in messages, and nothing else', () => {
    const env = { HA_LAB_PROG: './ha-lab' };
    expect(asTyped('ha-lab: lab "x" does not exist: start it with `ha-lab up --name x`', env)).toBe(
      'ha-lab: lab "x" does not exist: start it with `./ha-lab up --name x`',
    );
    expect(asTyped('`ha-lab status`', {})).toBe('`ha-lab status`');
  });

  it("ends `up` with next steps that need nothing but ha-lab (the lab's own kubectl)", () => {
    expect(nextSteps('ha-lab', './ha-lab')).toBe(
      '  ./ha-lab kubectl get nodes\n  ./ha-lab status\n  ./ha-lab scenario run kill-master0\n  ./ha-lab tui\n  ./ha-lab down\n',
    );
    expect(nextSteps('lab2', 'ha-lab')).toContain('  ha-lab status --name lab2\n');
  });
});

describe('the quit summary', () => {
  it('counts every fault it undid and every fault it left', async () => {
    const { quitSummary } = await import('../../../src/cli/commands/tui.js');
    expect(quitSummary(2, 0, 'x')).toBe('undid 2 fault(s)\n');
    expect(quitSummary(1, 1, 'x')).toBe(
      'undid 1 fault(s); left 1 fault(s) applied; `ha-lab heal --name x` undoes them\n',
    );
  });
});
