# SPDX-License-Identifier: GPL-2.0-only
#
# Bad input is refused with a clear message and changes nothing: invalid
# module parameters stop the module from loading; invalid sysfs and debugfs
# writes return EINVAL and leave the value as it was.
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
hold_unclaimed

refuse_load() {	# parameter expected-message
	local mark
	mark=$(dmesg | wc -l)
	if modprobe nvme-phys "$1" 2>/dev/null; then
		echo "loaded with $1"
		exit 1
	fi
	[ ! -d /sys/module/nvme_phys ]
	if ! dmesg | tail -n +"$((mark + 1))" | grep -q "$2"; then
		echo "no message '$2' for $1"
		dmesg | tail -n 3
		exit 1
	fi
	echo "refused $1: $(dmesg | grep "$2" | tail -n1)"
}
refuse_load dma_path=bogus "dma_path: unknown path 'bogus'"
refuse_load io_queue_depth=1 "io_queue_depth=1 out of range"
refuse_load first_instance=0 "first_instance=0 out of range"
refuse_load poll_queues=1000 "poll_queues=1000 out of range"
refuse_load io_timeout=0 "io_timeout=0 out of range"

bind_ctrl "${b[0]}" nvme-phys dma_path=phys
sys=$(phys_sysfs "${b[0]}")
dbg=$(phys_debugfs "${b[0]}")
[ "$(cat "$sys/dma_path")" = phys ]

refuse_write() {	# file value
	local before after
	before=$(cat "$1" 2>/dev/null || true)
	if err=$( (echo "$2" >"$1") 2>&1); then
		echo "$1 accepted '$2'"
		exit 1
	fi
	case $err in *"Invalid argument"*) ;; *) echo "$1 '$2': $err"; exit 1 ;; esac
	after=$(cat "$1" 2>/dev/null || true)
	[ "$before" = "$after" ] || { echo "$1 changed on '$2'"; exit 1; }
	echo "refused '$2' > $1"
}
refuse_write "$sys/dma_path" bogus
refuse_write "$sys/dma_path" ""
refuse_write "$sys/dma_path" "physical"
refuse_write "$sys/reset_controller" 0
refuse_write "$sys/reset_controller" maybe
refuse_write "$sys/rescan_controller" x
refuse_write "$dbg/drop_completions" -1
refuse_write "$dbg/fail_mappings" lots
refuse_write "$dbg/dma/phys" 7
[ "$(cat "$sys/state")" = live ]
# Valid writes still work.
echo iova >"$sys/dma_path"
[ "$(cat "$sys/dma_path")" = iova ]
echo "bad-input: ok"
