import { describe, expect, it } from 'vitest';
import { parseUnitExecStart } from '../../../src/provision/etcd.js';
import { renderKubeadmDropIn, renderKubeletUnit } from '../../../src/provision/units.js';
import { directive } from './unit-file.js';

describe('renderKubeletUnit', () => {
  const unit = renderKubeletUnit();

  it('runs kubelet and restarts it forever, as the upstream package does', () => {
    expect(directive(unit, 'Service', 'ExecStart')).toEqual(['/usr/bin/kubelet']);
    expect(directive(unit, 'Service', 'Restart')).toEqual(['always']);
    expect(directive(unit, 'Service', 'StartLimitInterval')).toEqual(['0']);
    expect(directive(unit, 'Install', 'WantedBy')).toEqual(['multi-user.target']);
  });

  it('uses the given kubelet binary', () => {
    expect(parseUnitExecStart(renderKubeletUnit('/usr/local/bin/kubelet')).command).toBe(
      '/usr/local/bin/kubelet',
    );
  });
});

describe('renderKubeadmDropIn', () => {
  const dropIn = renderKubeadmDropIn();
  const env = Object.fromEntries(
    directive(dropIn, 'Service', 'Environment').map((e) => {
      const [key, ...rest] = e.replace(/^"|"$/g, '').split('=');
      return [key, rest.join('=')];
    }),
  );

  it('passes the bootstrap and final kubeconfigs and the config file kubeadm writes', () => {
    expect(env.KUBELET_KUBECONFIG_ARGS).toBe(
      '--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf',
    );
    expect(env.KUBELET_CONFIG_ARGS).toBe('--config=/var/lib/kubelet/config.yaml');
  });

  it("reads kubeadm's flags file and the admin overrides, both optional", () => {
    expect(directive(dropIn, 'Service', 'EnvironmentFile')).toEqual([
      '-/var/lib/kubelet/kubeadm-flags.env',
      '-/etc/default/kubelet',
    ]);
  });

  it('replaces the ExecStart of the base unit with one that expands every argument set', () => {
    const execStarts = directive(dropIn, 'Service', 'ExecStart');
    expect(execStarts[0]).toBe('');
    expect(execStarts[1]?.split(' ')).toEqual([
      '/usr/bin/kubelet',
      '$KUBELET_KUBECONFIG_ARGS',
      '$KUBELET_CONFIG_ARGS',
      '$KUBELET_KUBEADM_ARGS',
      '$KUBELET_EXTRA_ARGS',
    ]);
  });
});
