# A plain Debian "machine" reached only over SSH, standing in for a user's VM in the SSH
# transport tests: sshd (keys only), sudo, and no ha-lab provisioning at all.
#   lab  passwordless sudo (what an inventory host needs)
#   pw   sudo that asks for a password (what `up --inventory` must refuse in one line)
#   root key logins only (an inventory may log in as root and skip sudo)
# The tests inject their own public key; every container makes its own host key at start.
ARG BASE_IMAGE=ha-lab/debian-base:bookworm
FROM ${BASE_IMAGE}

ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8

# iproute2 and iputils-ping are "important" in Debian, so every real Debian VM has them; the
# packages ha-lab installs itself (containerd, keepalived ...) stay absent, as on a fresh host.
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends openssh-server sudo coreutils procps \
      iproute2 iputils-ping \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb \
 && rm -f /etc/ssh/ssh_host_*

# pam_loginuid cannot write /proc/self/loginuid in a container, and as `required` it would
# end every login right after authentication.
RUN sed -i 's/^session\s\+required\s\+pam_loginuid.so/session optional pam_loginuid.so/' /etc/pam.d/sshd

# `*` rather than the locked `!`: no password works, yet key logins are not refused as locked.
RUN useradd --create-home --shell /bin/bash lab \
 && useradd --create-home --shell /bin/bash pw \
 && usermod -p '*' lab && usermod -p '*' pw \
 && echo 'lab ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/lab \
 && echo 'pw ALL=(ALL) ALL' > /etc/sudoers.d/pw \
 && chmod 0440 /etc/sudoers.d/lab /etc/sudoers.d/pw \
 && install -d -m 0700 -o lab -g lab /home/lab/.ssh \
 && install -d -m 0700 -o pw -g pw /home/pw/.ssh \
 && install -d -m 0700 /root/.ssh

# One ed25519 host key, so the key the client sees is the one the test reads with ssh-keygen.
RUN printf '%s\n' \
      'HostKey /etc/ssh/ssh_host_ed25519_key' \
      'PasswordAuthentication no' \
      'KbdInteractiveAuthentication no' \
      'PermitRootLogin prohibit-password' \
      'PubkeyAuthentication yes' \
      'UseDNS no' \
      > /etc/ssh/sshd_config.d/machine.conf

STOPSIGNAL SIGTERM
CMD ["sh", "-c", "test -f /etc/ssh/ssh_host_ed25519_key || ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key; mkdir -p /run/sshd; exec /usr/sbin/sshd -D -e"]
