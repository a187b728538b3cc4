# The plain Debian machine (images/machine.Dockerfile) booted like a VM: systemd as PID 1,
# sshd as a unit, and still nothing of ha-lab (no containerd, no kube binaries, no
# /etc/ha-lab). Stands in for a user's VM where ha-lab installs and starts everything itself
# over SSH, and survives `docker kill` + `docker start` as a VM survives a power cycle.
# Built by test/support/systemd-machines.ts on top of the machine image it names.
ARG MACHINE_IMAGE
FROM ${MACHINE_IMAGE}

ENV container=docker DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8

# What a minimal Debian 12 VM boots with; kmod is "important" in Debian, so VMs have it.
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends systemd systemd-sysv dbus libpam-systemd kmod \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb

# Units with no job in a container (consoles, udev, time sync, remounting /, modules the
# kernel has built in), masked as in images/node.Dockerfile so a machine boots to `running`.
# The empty machine-id makes every container generate its own at first boot.
RUN systemctl mask \
      getty.target console-getty.service serial-getty@.service \
      systemd-udevd.service systemd-udev-trigger.service systemd-udevd-control.socket \
      systemd-udevd-kernel.socket systemd-remount-fs.service systemd-modules-load.service \
      sys-kernel-debug.mount sys-kernel-tracing.mount sys-kernel-config.mount \
      systemd-timesyncd.service systemd-networkd-wait-online.service \
      systemd-firstboot.service systemd-sysusers.service \
      systemd-ask-password-console.path systemd-ask-password-wall.path \
 && rm -f /etc/machine-id /var/lib/dbus/machine-id && touch /etc/machine-id

COPY machine-files/ /
RUN chmod 0755 /usr/local/bin/machine-entrypoint \
 && systemctl enable ssh.service machine-ssh-hostkey.service

# systemd shuts down on SIGRTMIN+3; with SIGTERM `docker stop` would wait its full timeout.
STOPSIGNAL SIGRTMIN+3
ENTRYPOINT ["/usr/local/bin/machine-entrypoint"]
# The machine image's CMD starts sshd by hand; here systemd does, so no arguments for init.
CMD []
