import { execa } from 'execa';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Ways to break a real lab that a named built-in scenario must catch. Each is applied before
 * the run or while it runs (after a line of the run's step log), and each has an undo that
 * makes the lab whole again, so the suite can go on with the next on the same lab.
 */
export interface Mutation {
  name: string;
  /** What it breaks, for the README table. */
  what: string;
  scenario: string;
  /** The check that must fail in report.json. */
  check: string;
  /** Apply before the run, or once the run's step log matches this. */
  during?: RegExp;
  apply(lab: string): Promise<void>;
  undo(lab: string): Promise<void>;
}

const container = (lab: string, node: string) => `${lab}-${node}`;

async function sh(lab: string, node: string, script: string): Promise<void> {
  const r = await execa('docker', ['exec', container(lab, node), 'bash', '-ec', script], {
    reject: false,
    timeout: 60_000,
  });
  if (r.exitCode !== 0)
    throw new Error(`${node}: ${script.split('\n')[0]} exited ${r.exitCode}: ${r.stderr}`);
}

async function output(lab: string, node: string, script: string): Promise<string> {
  const r = await execa('docker', ['exec', container(lab, node), 'bash', '-ec', script], {
    timeout: 60_000,
  });
  return r.stdout;
}

async function dockerStart(lab: string, node: string): Promise<void> {
  await execa('docker', ['start', container(lab, node)], { reject: false, timeout: 60_000 });
}

/** The node's writable layer on the host: a stopped node's files can be changed there. */
async function upperDir(lab: string, node: string): Promise<string> {
  const { stdout } = await execa('docker', [
    'inspect',
    '-f',
    '{{.GraphDriver.Data.UpperDir}}',
    container(lab, node),
  ]);
  return stdout.trim();
}

const ETCDCTL =
  'ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/etcd/pki/ca.crt --cert=/etc/etcd/pki/server.crt --key=/etc/etcd/pki/server.key';

function masked(unit: string, node: string): Pick<Mutation, 'apply' | 'undo'> {
  return {
    apply: (lab) => sh(lab, node, `systemctl mask ${unit}`),
    async undo(lab) {
      await dockerStart(lab, node);
      await sh(lab, node, `systemctl unmask ${unit} && systemctl start ${unit}`);
    },
  };
}

const CHECK_SCRIPT = '/etc/keepalived/check_apiserver.sh';

export const MUTATIONS: Mutation[] = [
  {
    name: 'kubelet-masked',
    what: "master-0's kubelet masked: it cannot start again after the node returns",
    scenario: 'kill-master0',
    check: 'rejoin',
    ...masked('kubelet', 'master-0'),
  },
  {
    name: 'keepalived-masked',
    what: "master-0's keepalived masked: the lab is left with two VRRP routers",
    scenario: 'kill-master0',
    check: 'rejoin',
    ...masked('keepalived', 'master-0'),
  },
  {
    name: 'etcd-data-wiped',
    what: "master-0's etcd data removed while it is down: the member returns with no data",
    scenario: 'kill-master0',
    check: 'rejoin',
    during: /step 3: observe/,
    async apply(lab) {
      await new Promise((r) => setTimeout(r, 3000));
      await rm(join(await upperDir(lab, 'master-0'), 'var/lib/etcd/member'), {
        recursive: true,
        force: true,
      });
    },
    async undo(lab) {
      // As etcd's runbook replaces a member: remove it, add it back, start it empty.
      await dockerStart(lab, 'master-0');
      await sh(lab, 'master-0', 'systemctl stop etcd; rm -rf /var/lib/etcd/member');
      const unit = await output(lab, 'master-0', 'cat /etc/systemd/system/etcd.service');
      const peer = /--initial-advertise-peer-urls=(\S+)/.exec(unit)?.[1];
      if (!peer) throw new Error('no peer URL in etcd.service on master-0');
      await sh(
        lab,
        'master-1',
        `id=$(${ETCDCTL} member list | awk -F', ' '$3=="master-0"{print $1}')
if [ -n "$id" ]; then ${ETCDCTL} member remove "$id"; fi
${ETCDCTL} member add master-0 --peer-urls=${peer}`,
      );
      await sh(
        lab,
        'master-0',
        "sed -i 's/--initial-cluster-state=new/--initial-cluster-state=existing/' /etc/systemd/system/etcd.service && systemctl daemon-reload && systemctl start etcd",
      );
    },
  },
  {
    name: 'check-always-ok',
    what: 'the keepalived health check always succeeds: the VIP never leaves a dead API server',
    scenario: 'apiserver-down-on-vip-holder',
    check: 'vipFailover',
    async apply(lab) {
      for (const m of ['master-0', 'master-1', 'master-2'])
        await sh(
          lab,
          m,
          `cp ${CHECK_SCRIPT} ${CHECK_SCRIPT}.orig && printf '#!/bin/sh\\nexit 0\\n' > ${CHECK_SCRIPT}`,
        );
    },
    async undo(lab) {
      for (const m of ['master-0', 'master-1', 'master-2'])
        await sh(
          lab,
          m,
          `if [ -f ${CHECK_SCRIPT}.orig ]; then mv ${CHECK_SCRIPT}.orig ${CHECK_SCRIPT}; fi`,
        );
    },
  },
  {
    name: 'backups-keepalived-stopped',
    what: 'keepalived stopped on master-1 and master-2 during the run: the VIP never moves',
    scenario: 'kill-master0',
    check: 'vipFailover',
    during: /step 1: settle/,
    async apply(lab) {
      for (const m of ['master-1', 'master-2']) await sh(lab, m, 'systemctl stop keepalived');
    },
    async undo(lab) {
      for (const m of ['master-1', 'master-2']) await sh(lab, m, 'systemctl start keepalived');
    },
  },
  {
    name: 'vrrp-blocked-master-1',
    what: 'VRRP dropped on master-1 during the run: it stops hearing the holder and takes the VIP too',
    scenario: 'kill-master0',
    check: 'splitBrain',
    during: /step 1: settle/,
    apply: (lab) =>
      sh(
        lab,
        'master-1',
        'iptables -I INPUT 1 -p 112 -m comment --comment mutation -j DROP && iptables -I OUTPUT 1 -p 112 -m comment --comment mutation -j DROP',
      ),
    undo: (lab) =>
      sh(
        lab,
        'master-1',
        'while iptables -D INPUT -p 112 -m comment --comment mutation -j DROP 2>/dev/null; do :; done; while iptables -D OUTPUT -p 112 -m comment --comment mutation -j DROP 2>/dev/null; do :; done',
      ),
  },
  {
    name: 'acknowledged-writes-deleted',
    what: "the run's acknowledged writes removed from etcd behind the API server's back",
    scenario: 'kill-master0',
    check: 'noLostWrites',
    during: /step 5: wait until recovered/,
    apply: (lab) =>
      sh(lab, 'master-1', `${ETCDCTL} del --prefix /registry/configmaps/default/ha-lab-w-`),
    undo: async () => undefined,
  },
  {
    name: 'check-fails-master-2',
    what: "master-2's health check always fails: its keepalived sits in FAULT before the run",
    scenario: 'kill-master0',
    check: 'startingState',
    async apply(lab) {
      await sh(
        lab,
        'master-2',
        `cp ${CHECK_SCRIPT} ${CHECK_SCRIPT}.orig && printf '#!/bin/sh\\nexit 1\\n' > ${CHECK_SCRIPT}`,
      );
      // keepalived needs `fall` failed checks (2 s) to enter FAULT.
      await new Promise((r) => setTimeout(r, 5000));
    },
    undo: (lab) =>
      sh(
        lab,
        'master-2',
        `if [ -f ${CHECK_SCRIPT}.orig ]; then mv ${CHECK_SCRIPT}.orig ${CHECK_SCRIPT}; fi`,
      ),
  },
];
