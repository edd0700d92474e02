# SPDX-License-Identifier: GPL-2.0-only
# Shared by tests/vm/setup, tests/vm/run and tests/vm/chroot: where the cache
# lives, how errors are reported, and how a command runs inside the root.

NVME_PHYS_CACHE=${NVME_PHYS_CACHE:-$HOME/.cache/nvme-phys}
ROOT=$NVME_PHYS_CACHE/root
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Where the project clone appears inside the root (and inside the guest).
ROOT_SRC=/nvme-phys

die() {
	echo "${0##*/}: error: $*" >&2
	exit 1
}

note() {
	echo "${0##*/}: $*" >&2
}

# The kernel version recorded by setup, e.g. 7.2.13+deb14-amd64.
kernel_version() {
	cat "$NVME_PHYS_CACHE/kernel-version" 2>/dev/null
}

root_ready() {
	[ -f "$NVME_PHYS_CACHE/ready" ] && [ -n "$(kernel_version)" ]
}

# Run a command inside the root with the clone bind-mounted at $ROOT_SRC and
# /proc mounted (objtool reads it).  A private mount namespace means nothing is
# left mounted when the command ends, however it ends.
in_root() {
	local src=${IN_ROOT_SRC:-$TOP}
	unshare -m --propagation private sh -c '
		root=$1; src=$2; dst=$3; shift 3
		mount --bind "$src" "$root$dst" &&
		mount -t proc proc "$root/proc" &&
		exec chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"
	' in_root "$ROOT" "$src" "$ROOT_SRC" "$@"
}
