# The ha-lab node: a Debian machine with systemd as PID 1, containerd, keepalived, etcd and
# the Kubernetes binaries, with every component image a node runs shipped inside it so no
# node ever pulls. Built by `ha-lab build` from a staging context (see src/lab/artifacts).
ARG BASE_IMAGE=ha-lab/debian-base:bookworm
FROM ${BASE_IMAGE}

ENV container=docker DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8

# Debian's packages only: containerd 1.6 and runc 1.1 are what bookworm ships; see README
# for why that caps the Kubernetes minor at 1.36.
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends \
      systemd systemd-sysv dbus libpam-systemd \
      containerd runc containernetworking-plugins \
      keepalived curl ca-certificates iproute2 iptables arptables conntrack ethtool socat \
      openssh-server kmod procps util-linux mount less jq iputils-ping \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb

# Units that have no job in a container (consoles, udev, time sync, remounting /),
# masked so that a node reaches `running` rather than `degraded`.
RUN systemctl mask \
      getty.target console-getty.service serial-getty@.service \
      systemd-udevd.service systemd-udev-trigger.service systemd-udevd-control.socket \
      systemd-udevd-kernel.socket systemd-remount-fs.service systemd-modules-load.service \
      sys-kernel-debug.mount sys-kernel-tracing.mount sys-kernel-config.mount \
      systemd-timesyncd.service systemd-networkd-wait-online.service \
      systemd-firstboot.service systemd-sysusers.service \
      systemd-ask-password-console.path systemd-ask-password-wall.path \
 && systemctl disable keepalived.service ssh.service containerd.service \
 && rm -f /etc/machine-id /var/lib/dbus/machine-id && touch /etc/machine-id \
 && mkdir -p /etc/cni/net.d /opt/cni && ln -s /usr/lib/cni /opt/cni/bin

COPY node-files/ /
RUN chmod 0755 /usr/local/bin/halab-* \
 && systemctl enable containerd.service halab-preload.service

# Binaries (kubeadm, kubelet, kubectl, etcd, etcdctl, etcdutl) from the artifact cache.
COPY bin/ /usr/local/bin/
# Component images as `docker save` archives; halab-preload imports them into containerd.
COPY preload/ /var/lib/ha-lab/images/

# systemd shuts down on SIGRTMIN+3; with SIGTERM `docker stop` would wait its full timeout.
STOPSIGNAL SIGRTMIN+3
ENTRYPOINT ["/usr/local/bin/halab-entrypoint"]
