# SPDX-License-Identifier: GPL-2.0-only
#
# Batched submission (queue_rqs): io_uring batches that mix reads, writes
# and flushes verify on every path, several commands go out per doorbell,
# and a mapping failure in the middle of a batch (fail_mappings) gives back
# only the request that failed: it is issued again alone and nothing is
# lost.
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
bind_ctrl "${b[0]}" nvme-phys shadow_doorbells=0
disk=$(ctrl_disk "${b[0]}")
dbg=$(phys_debugfs "${b[0]}")
db() { awk -v k="$1" '$1 == k { print $2 }' "$dbg/doorbells"; }
show() { tr '\n' ' ' <"$dbg/doorbells"; echo; }
[ "$(cat "/sys/block/$(basename "$disk")/queue/scheduler")" = "[none] mq-deadline" ] ||
	echo none >"/sys/block/$(basename "$disk")/queue/scheduler"

mixed() { # mixed SIZE OFFSET: writes and reads, a flush every 8 writes
	fio --name=mixed --filename="$disk" --ioengine=io_uring --direct=1 \
		--rw=randrw --rwmixread=30 --bsrange=4k-64k --size="$1" --offset="$2" \
		--iodepth=32 --iodepth_batch_submit=16 --iodepth_batch_complete_min=1 \
		--fsync=8 --verify=crc32c --verify_fatal=1 --do_verify=1 \
		--randrepeat=0 --output-format=terse >/dev/null
}

for path in auto phys iova page sg upstream; do
	set_path "${b[0]}" "$path"
	echo 0 >"$dbg/doorbells"
	mixed 8m 0
	echo "$path: $(show)"
	# Batches went through queue_rqs, more than one command a doorbell.
	[ "$(db batched)" -gt 0 ]
	[ "$(db sq_updates)" -lt "$(db commands)" ]
	[ "$(db batch_left)" = 0 ]
done

# Failures in the middle of batches: one at a time, many times.
set_path "${b[0]}" auto
echo 0 >"$dbg/doorbells"
mixed 32m 32m &
pid=$!
wait_io "${b[0]}" $pid
injected=0
while kill -0 $pid 2>/dev/null && [ $injected -lt 40 ]; do
	if [ "$(cat "$dbg/fail_mappings")" = 0 ]; then
		echo 1 >"$dbg/fail_mappings"
		injected=$((injected + 1))
	fi
	sleep 0.1
done
wait $pid
left=$(db batch_left)
echo "injected $injected failures, queue_rqs gave back $left requests: $(show)"
[ "$injected" -gt 0 ] && [ "$left" -ge 1 ]
# Only the failed requests came back: never more than were failed.
[ "$left" -le "$injected" ]
echo "batch: ok"
