#!/bin/sh
# Install the OpenSSH client's ssh-keygen (8.2 or newer: `-Y sign/verify/find-principals`) when missing: signed
# bulk approvals are made and checked with it, and the tests make real keys with it (tests/ssh_keys.py). Debian's
# openssh-client when we are root with apt; otherwise says exactly what to install.
set -u
has_signatures() {
  command -v ssh-keygen >/dev/null 2>&1 || return 1
  # OpenSSH before 8.2 answers -Y find-principals with its usage text.
  ssh-keygen -Y find-principals 2>&1 | grep -q "usage: ssh-keygen" && return 1
  return 0
}
has_signatures && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ssh-keygen (OpenSSH 8.2+) not found: installing Debian's openssh-client..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-client >/dev/null
fi
if ! has_signatures; then
  echo "Could not install ssh-keygen (OpenSSH 8.2 or newer) automatically. Install the OpenSSH client" >&2
  echo "(Debian/Ubuntu: sudo apt-get install -y openssh-client), then run make again." >&2
  exit 1
fi
echo "ssh-keygen: $(ssh -V 2>&1 | head -n 1)"
