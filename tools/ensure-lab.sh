#!/usr/bin/env bash
# The collector tests build a lab of network namespaces (iproute2), go through a real sshd
# (openssh-server, and the ssh client), and the policy tests load nftables rules. Fresh CI
# machines may lack them: install them from Debian's packages, once. Without root, say what is
# missing; the tests that need it then skip with the reason.
set -euo pipefail
missing=()
command -v ip >/dev/null || [ -x /usr/sbin/ip ] || missing+=(iproute2)
command -v ss >/dev/null || [ -x /usr/bin/ss ] || missing+=(iproute2)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v ssh >/dev/null || missing+=(openssh-client)
command -v nft >/dev/null || [ -x /usr/sbin/nft ] || missing+=(nftables)
command -v iptables-restore >/dev/null || [ -x /usr/sbin/iptables-restore ] || missing+=(iptables)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
# shellcheck disable=SC2207
missing=($(printf '%s\n' "${missing[@]}" | sort -u))
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-lab: missing ${missing[*]}; install with: sudo apt-get install -y ${missing[*]} (the lab tests skip without them)" >&2
  exit 0
fi
echo "ensure-lab: installing ${missing[*]} from Debian for the lab, sshd and nftables tests" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
