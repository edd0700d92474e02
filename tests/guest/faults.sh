# SPDX-License-Identifier: GPL-2.0-only
#
# Faults recover and leak nothing:
#  - lost completions: the timeout handler aborts, then resets, and fio's
#    verify still passes;
#  - reset and rescan while fio verifies;
#  - injected mapping failures after the first range (partial unmap), each
#    counted as an error and unmapped;
#  - removal under I/O: fio gets errors, nothing hangs, the controller comes
#    back when bound again;
#  - 20 unload/reload cycles: slab does not grow, and under DMA-API debugging
#    no mapping is left behind.
# guest-timeout: 1500
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
params="io_timeout=4 admin_timeout=8"

verify_bg() {	# disk name size; sets $pid
	fio --name="$2" --filename="$1" --ioengine=io_uring --direct=1 \
		--rw=randwrite --bsrange=4k-128k --size="$3" --iodepth=8 \
		--verify=crc32c --verify_fatal=1 --do_verify=1 \
		--output-format=terse >/dev/null &
	pid=$!
}

bind_ctrl "${b[0]}" nvme-phys $params
disk=$(ctrl_disk "${b[0]}")
sys=$(phys_sysfs "${b[0]}")
dbg=$(phys_debugfs "${b[0]}")

echo "--- lost completions"
verify_bg "$disk" lost 32m
sleep 2
echo 3 >"$dbg/drop_completions"
wait "$pid"
dmesg | grep -q "nvme-phys ${b[0]}: I/O tag .* timed out, aborting"
dmesg | grep -q "nvme-phys ${b[0]}: reset done"
[ "$(cat "$dbg/drop_completions")" = 0 ]
[ "$(cat "$sys/state")" = live ]

echo "--- reset and rescan under I/O"
verify_bg "$disk" reset 48m
for i in 1 2 3; do
	sleep 1
	echo 1 >"$sys/reset_controller"
	echo 1 >"$sys/rescan_controller"
done
wait "$pid"
[ "$(cat "$sys/state")" = live ]

echo "--- mapping failures"
echo 0 >"$dbg/dma/all"
verify_bg "$disk" mapfail 16m
sleep 1
echo 20 >"$dbg/fail_mappings"
wait "$pid"
[ "$(cat "$dbg/fail_mappings")" = 0 ]
# Each mapping the driver gave up on counts as an error, and is unmapped
# like every other: requests + errors = unmaps.
read -r req err unm < <(awk 'NR > 1 { r += $2; e += $8; u += $10 } END { print r, e, u }' "$dbg/dma/all")
echo "statistics: $req requests, $err errors, $unm unmaps"
[ "$err" = 20 ] && [ "$unm" = $((req + err)) ]

echo "--- removal under I/O"
echo 0 >"$dbg/dma/all"
fio --name=remove --filename="$disk" --allow_file_create=0 --ioengine=io_uring --direct=1 \
	--rw=randrw --bs=16k --size=256m --iodepth=16 --time_based --runtime=60 \
	--output-format=terse >fio-remove.txt 2>&1 &
pid=$!
wait_io "${b[0]}" $pid
start=$SECONDS
echo "${b[0]}" >"/sys/bus/pci/devices/${b[0]}/driver/unbind"
if wait "$pid"; then
	echo "fio did not see the controller go:"
	tail -n 5 fio-remove.txt
	exit 1
fi
grep -m1 -i "error" fio-remove.txt || true
echo "fio ended $((SECONDS - start)) s after the unbind"
[ $((SECONDS - start)) -lt 50 ]
[ ! -b "$disk" ]
echo "${b[0]}" >/sys/bus/pci/drivers_probe
wait_disk "${b[0]}"
dd if="$(ctrl_disk "${b[0]}")" of=/dev/null bs=1M count=4 iflag=direct status=none

echo "--- unload and reload"
unbind_ctrl "${b[0]}"
rmmod nvme_phys
# Slab in use, kB: before and after shrinking every cache.  Under KASAN
# freed objects wait in a quarantine and still count as slab until it
# drains; shrinking a cache empties its part of the quarantine and gives
# back its empty slabs, so that only objects still allocated remain.
slab() {
	local f before
	sync
	echo 3 >/proc/sys/vm/drop_caches
	before=$(awk '/^Slab:/ { print $2 }' /proc/meminfo)
	for f in /sys/kernel/slab/*/shrink; do
		[ -w "$f" ] && echo 1 >"$f" 2>/dev/null
	done
	echo "$before $(awk '/^Slab:/ { print $2 }' /proc/meminfo)"
}
# kB per cache (objects in use times their size), for the report of a failure.
slab_caches() {
	awk 'NR > 2 { printf "%s %d\n", $1, $2 * $4 / 1024 }' /proc/slabinfo | sort
}
dma_entries() {
	cat /sys/kernel/debug/dma-api/num_free_entries 2>/dev/null || echo n/a
}
cycle() {
	bind_ctrl "${b[0]}" nvme-phys
	dd if="$(ctrl_disk "${b[0]}")" of=/dev/null bs=64k count=64 iflag=direct status=none
	unbind_ctrl "${b[0]}"
	rmmod nvme_phys
}
cycle	# warm up caches that stay
read -r raw0 slab0 <<<"$(slab)"
slab_caches >slab0.txt
dma0=$(dma_entries)
for i in $(seq 1 20); do
	t0=$SECONDS
	cycle
	echo "cycle $i: $((SECONDS - t0)) s"
done
read -r raw1 slab1 <<<"$(slab)"
slab_caches >slab1.txt
dma1=$(dma_entries)
echo "slab ${slab0} kB -> ${slab1} kB (before shrinking the caches: $raw0 -> $raw1);" \
	"free DMA-API debug entries $dma0 -> $dma1"
# 20 cycles leaking even one object of a small cache each would show here;
# allow for the noise of unrelated caches.
if [ $((slab1 - slab0)) -ge 1024 ]; then
	echo "slab grew by $((slab1 - slab0)) kB; the caches that grew most (kB):"
	join slab0.txt slab1.txt | awk '{ print $3 - $2, $1 }' | sort -rn | head -n 10
	exit 1
fi
[ "$dma0" = "$dma1" ]
echo "faults: ok"
