// The VRRP floor: how fast a VIP can move on this machine at all, with nothing but keepalived.
// Three plain containers from the node image on an --internal network, each running keepalived
// with the lab's own rendered config (priorities, advert interval, unicast peers, nopreempt)
// and a tiny HTTP answerer. The holder is killed at least ten times; each time we measure from
// the kill until a survivor answers on the VIP. Its p95 per timing profile is the floor that
// `apiUnavailable` through the VIP is compared with: no API failover can beat it.
import { Buffer } from 'node:buffer';
import { request } from 'node:http';
import Docker from 'dockerode';

const dist = new URL('../../dist/', import.meta.url);
const {
  renderKeepalivedConf,
  KEEPALIVED_CONF_PATH,
  KEEPALIVED_CHECK_SCRIPT_PATH,
  KEEPALIVED_NOTIFY_SCRIPT_PATH,
} = await import(new URL('provision/keepalived.js', dist).href);
const { buildTopology, masters } = await import(new URL('core/topology.js', dist).href);
const { pickFreeSubnet } = await import(new URL('lab/subnets.js', dist).href);

const PORT = 8080;
/** An HTTP answer naming the host that gave it. */
const ANSWER = Buffer.from(
  '#!/bin/sh\nprintf \'HTTP/1.0 200 OK\\r\\n\\r\\n%s\' "$(hostname)"\n',
).toString('base64');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One GET to the VIP: the answering host's name, or undefined (no answer within timeoutMs). */
function ask(vip, timeoutMs) {
  return new Promise((resolve) => {
    const req = request({ host: vip, port: PORT, path: '/', timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(body.trim() || undefined));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** The last lines a container printed, for an error message. */
async function lastLog(container) {
  const logs = await container.logs({ stdout: true, stderr: true, tail: 5 }).catch(() => '');
  return String(logs).replace(/\s+/g, ' ').trim();
}

async function until(check, timeoutMs, intervalMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(intervalMs);
  }
  return undefined;
}

/**
 * keepalived in the foreground, with the lab's config; the health check always passes (there
 * is no API server here: the floor is VRRP alone) and the notify script only records the state.
 */
function startScript(conf) {
  const b64 = Buffer.from(conf).toString('base64');
  return [
    'set -e',
    'mkdir -p /etc/keepalived',
    // A killed keepalived leaves its pid files; the restarted one would refuse to run.
    'rm -f /run/keepalived*.pid /run/vrrp*.pid /run/checkers*.pid /run/vrrp-state',
    `echo ${b64} | base64 -d > ${KEEPALIVED_CONF_PATH}`,
    `printf '#!/bin/sh\\nexit 0\\n' > ${KEEPALIVED_CHECK_SCRIPT_PATH}`,
    `printf '#!/bin/sh\\necho "$3" > /run/vrrp-state\\n' > ${KEEPALIVED_NOTIFY_SCRIPT_PATH}`,
    `chmod 0755 ${KEEPALIVED_CHECK_SCRIPT_PATH} ${KEEPALIVED_NOTIFY_SCRIPT_PATH}`,
    `keepalived -t -f ${KEEPALIVED_CONF_PATH}`,
    // The answer lives in a file: socat's SYSTEM address turns backslash escapes into line
    // breaks, which split an inline printf into broken shell lines (no answer, no floor).
    `echo ${ANSWER} | base64 -d > /usr/local/bin/vrrp-floor-answer`,
    'chmod 0755 /usr/local/bin/vrrp-floor-answer',
    `socat TCP-LISTEN:${PORT},fork,reuseaddr SYSTEM:/usr/local/bin/vrrp-floor-answer &`,
    `exec keepalived -n -l -f ${KEEPALIVED_CONF_PATH}`,
  ].join('\n');
}

/**
 * Measures one timing profile: returns every failover in ms and their p50/p95. All it creates
 * carries io.ha-lab.managed and io.ha-lab.lab=NAME and is removed before it returns.
 */
export async function measureVrrpFloor({ image, profile, kills = 10, name }) {
  const docker = new Docker();
  const labels = { 'io.ha-lab.managed': 'true', 'io.ha-lab.lab': name };
  const taken = (await docker.listNetworks()).flatMap((n) =>
    (n.IPAM?.Config ?? []).map((c) => c.Subnet).filter(Boolean),
  );
  const topology = buildTopology(name, pickFreeSubnet(taken));
  const network = `${name}-net`;
  const group = masters(topology);
  const failovers = [];
  try {
    await docker.createNetwork({
      Name: network,
      Internal: true,
      Labels: labels,
      IPAM: {
        Config: [{ Subnet: topology.subnet, IPRange: topology.ipRange, Gateway: topology.gateway }],
      },
    });
    for (const m of group) {
      const container = await docker.createContainer({
        name: `${name}-${m.name}`,
        Hostname: m.name,
        Image: image,
        Entrypoint: ['sh', '-c', startScript(renderKeepalivedConf(topology, m, profile))],
        Cmd: [],
        Labels: labels,
        // keepalived adds the VIP (NET_ADMIN) and sends VRRP as raw IP protocol 112 (NET_RAW).
        HostConfig: { NetworkMode: network, CapAdd: ['NET_ADMIN', 'NET_RAW'], Init: false },
        NetworkingConfig: { EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: m.ip } } } },
      });
      await container.start();
    }
    let holder = await until(() => ask(topology.vip, 300), 30_000, 200);
    if (!holder) throw new Error(`no keepalived took the VIP ${topology.vip} within 30 s`);
    for (let i = 0; i < kills; i++) {
      const victim = docker.getContainer(`${name}-${holder}`);
      const killedAt = Date.now();
      await victim.kill({ signal: 'SIGKILL' });
      const survivor = await until(
        async () => {
          const who = await ask(topology.vip, 100);
          return who && who !== holder ? who : undefined;
        },
        20_000,
        10,
      );
      if (!survivor) throw new Error(`no survivor answered on the VIP after killing ${holder}`);
      failovers.push(Date.now() - killedAt);
      await victim.start();
      // Back as a BACKUP (rise 2 of the always-passing check) before the next kill.
      await until(
        async () => {
          if (!(await victim.inspect()).State.Running)
            throw new Error(`${holder}'s keepalived did not come back: ${await lastLog(victim)}`);
          const exec = await victim.exec({ Cmd: ['cat', '/run/vrrp-state'], AttachStdout: true });
          const stream = await exec.start({});
          let out = '';
          stream.on('data', (c) => (out += c.toString()));
          await new Promise((r) => stream.on('end', r));
          return out.includes('BACKUP') ? true : undefined;
        },
        30_000,
        250,
      );
      holder = survivor;
    }
  } finally {
    for (const m of group)
      await docker
        .getContainer(`${name}-${m.name}`)
        .remove({ force: true, v: true })
        .catch(() => undefined);
    await docker
      .getNetwork(network)
      .remove()
      .catch(() => undefined);
  }
  const sorted = [...failovers].sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return {
    profile,
    kills: failovers.length,
    failoversMs: failovers,
    p50Ms: pct(50),
    p95Ms: pct(95),
  };
}

/** The newest node image `ha-lab build` made: keepalived and socat as the lab has them. */
async function latestNodeImage() {
  const images = await new Docker().listImages({ filters: { reference: ['ha-lab/node'] } });
  const newest = images.sort((a, b) => b.Created - a.Created)[0];
  if (!newest?.RepoTags?.[0]) throw new Error('no ha-lab/node image: run `ha-lab build` first');
  return newest.RepoTags[0];
}

/** Both timing profiles, one after the other (never together: they would share the CPUs). */
export async function vrrpFloors(name, kills = 10) {
  const image = await latestNodeImage();
  return {
    default: await measureVrrpFloor({ image, profile: 'default', kills, name: `${name}-vd` }),
    fast: await measureVrrpFloor({ image, profile: 'fast', kills, name: `${name}-vf` }),
  };
}

// Alone: `node scripts/bench/vrrp-floor.mjs [NAME] [KILLS]` prints both profiles' floors as JSON.
if (import.meta.url === `file://${process.argv[1]}`) {
  const floors = await vrrpFloors(
    process.argv[2] ?? 'sp-vrrp-floor',
    Number(process.argv[3] ?? 10),
  );
  console.log(JSON.stringify(floors, null, 2));
}
