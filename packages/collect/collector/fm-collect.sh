#!/bin/sh
# fm collector: prints this host's TCP/UDP sockets, interface addresses and the processes that
# own the sockets, per network namespace, as one text bundle on stdout. fm parses the bundle.
#
# Read-only: it only reads /proc and runs `ss`, `ip -o addr`, `ip netns list`, `readlink`, `ls`,
# `od` and `awk`. It writes no file, changes no setting, opens no connection and needs no
# package beyond iproute2. It enters other network namespaces only to read them, with
# `ip netns exec NAME` (named ones) or `nsenter -t PID -n` (namespaces of processes); run it as
# root to see every process and namespace, as another user it sees what that user may read.
#
# Usage: sh fm-collect.sh [all|own]
#   all (default): the collector's own namespace, every `ip netns` one and every namespace a
#                  running process is in, each once
#   own:           only the namespace the collector runs in (for `ip netns exec NS sh -s`)
#
# Bundle: lines; a line starting with @ opens a section. Text that a host controls (names,
# paths) is written as hex bytes, so no name can break the format.
LC_ALL=C
export LC_ALL
PATH="$PATH:/usr/sbin:/sbin:/usr/bin:/bin"
export PATH
mode=${1:-all}
case $mode in all|own) ;; *) echo "fm-collect: unknown mode $mode (all or own)" >&2; exit 2 ;; esac

hex() { od -An -v -tx1 | tr -d ' \n'; }
have() { command -v "$1" >/dev/null 2>&1; }

echo '#fm-collect 1'
printf 'hostname '
{ cat /proc/sys/kernel/hostname 2>/dev/null || uname -n; } | tr -d '\n' | hex
echo
own=$(readlink /proc/self/ns/net 2>/dev/null)
echo "own $own"
echo "mode $mode"
have ss && echo 'tool ss'
have ip && echo 'tool ip'
have nsenter && echo 'tool nsenter'

# sockets and addresses of one namespace; $1 id, $2 how to enter (self|name|pid), $3 name or pid
collect_ns() {
  case $2 in
    self) run() { "$@"; } ;;
    name) run() { ip netns exec "$ns_arg" "$@"; } ;;
    pid) if have nsenter; then run() { nsenter -t "$ns_arg" -n "$@"; }; else run() { return 1; }; fi ;;
  esac
  ns_arg=$3
  if have ss && run true 2>/dev/null; then
    echo "@ss $1"
    run ss -tuna -e 2>/dev/null
  else
    # /proc/PID/net shows the tables of that process's namespace: no tool needed
    for t in tcp tcp6 udp udp6; do
      echo "@proc $1 $t"
      case $2 in
        self) cat "/proc/self/net/$t" 2>/dev/null ;;
        pid) cat "/proc/$3/net/$t" 2>/dev/null ;;
        name) ip netns exec "$3" cat "/proc/self/net/$t" 2>/dev/null ;;
      esac
    done
  fi
  if have ip && run true 2>/dev/null; then
    echo "@addr $1"
    run ip -o addr show 2>/dev/null
  fi
}

# the processes whose sockets matter: every one, or (own) those in the collector's namespace
if [ "$mode" = own ]; then
  fddirs=$(ls -l /proc/[0-9]*/ns/net 2>/dev/null | awk -v own="$own" '$(NF-1) == "->" && $NF == own { split($(NF-2), p, "/"); print "/proc/" p[3] "/fd" }')
else
  fddirs=$(echo /proc/[0-9]*/fd)
fi
# their namespaces, and their socket inodes: one ls for all, so the cost is flat (/proc/self/fd,
# ls's own, holds no socket; it is there so that ls always names each folder it lists)
echo '@pidns'
# shellcheck disable=SC2086
ls -l $(printf '%s\n' $fddirs | sed 's#/fd$#/ns/net#') 2>/dev/null | awk '$(NF-1) == "->" { split($(NF-2), p, "/"); print p[3], $NF }'
fds() {
  # shellcheck disable=SC2086
  ls -l /proc/self/fd $fddirs 2>/dev/null | awk '
    /^\/proc\/[0-9]+\/fd:$/ { split($0, p, "/"); pid = p[3]; next }
    /^\/proc\/self\/fd:$/ { pid = ""; next }
    pid != "" && /socket:\[[0-9]+\]$/ { s = $NF; gsub(/[^0-9]/, "", s); print pid, s }'
}
echo '@fds'
fds
# name and executable of every process that holds a socket
for p in $(fds | awk '!($1 in seen) { seen[$1] = 1; print $1 }'); do
  echo "@pid $p"
  printf 'comm '
  hex 2>/dev/null < "/proc/$p/comm"
  echo
  printf 'exe '
  readlink "/proc/$p/exe" 2>/dev/null | tr -d '\n' | hex
  echo
done

collect_ns "$own" self -
if [ "$mode" = all ]; then
  # named namespaces (ip netns), as "id name" lines; several names may share one namespace
  named=
  if have ip; then
    named=$(ip netns list 2>/dev/null | while IFS= read -r line; do
      name=${line%% (id: *}
      id=$(ip netns exec "$name" readlink /proc/self/ns/net 2>/dev/null) && printf '%s %s\n' "$id" "$name"
    done)
  fi
  seen=" $own "
  while read -r id name; do
    [ -n "$id" ] || continue
    printf '@netns %s ' "$id"
    printf '%s' "$name" | hex
    echo
    case $seen in *" $id "*) continue ;; esac
    seen="$seen$id "
    collect_ns "$id" name "$name"
  done <<NAMED
$named
NAMED
  # then each namespace only processes are in, once, through its first process
  seen=" $own $(printf '%s\n' "$named" | awk '{ print $1 }' | tr '\n' ' ') "
  for entry in $(ls -l /proc/[0-9]*/ns/net 2>/dev/null | awk '$(NF-1) == "->" { split($(NF-2), p, "/"); if (!($NF in s)) { s[$NF] = 1; print p[3] "=" $NF } }'); do
    id=${entry#*=}
    case $seen in *" $id "*) continue ;; esac
    seen="$seen$id "
    collect_ns "$id" pid "${entry%%=*}"
  done
fi
echo '@end'
