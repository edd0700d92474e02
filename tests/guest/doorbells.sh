# SPDX-License-Identifier: GPL-2.0-only
#
# Shadow doorbells, on and off: every mapping path verifies at QD1 and QD64.
# With them on, 4 KiB random reads at QD32 ring fewer SQ doorbells through
# MMIO than they publish (QEMU's controller, still busy with the queue, has
# not caught up with its event index: a missed MMIO write would hang the
# queue, a needless one shows as MMIO == published); with them off
# (shadow_doorbells=0, then a reset) every doorbell is an MMIO write.  A reset under I/O
# brings them back, and so do removal and a module reload under I/O.
# guest-timeout: 1200
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
bind_ctrl "${b[0]}" nvme-phys
disk=$(ctrl_disk "${b[0]}")
sysfs=$(phys_sysfs "${b[0]}")
dbg=$(phys_debugfs "${b[0]}")
param=/sys/module/nvme_phys/parameters/shadow_doorbells
db() { awk -v k="$1" '$1 == k { print $2 }' "$dbg/doorbells"; }
show() { tr '\n' ' ' <"$dbg/doorbells"; echo; }

reads() { # 3000 random 4 KiB reads at QD32
	fio --name=reads --filename="$disk" --ioengine=io_uring --direct=1 \
		--rw=randread --bs=4k --size=16m --iodepth=32 --number_ios=3000 \
		--output-format=terse >/dev/null
}

verify() { # verify QD SIZE [OFFSET]
	fio --name="qd$1" --filename="$disk" --ioengine=io_uring --direct=1 \
		--rw=randwrite --bsrange=512-256k --size="$2" --offset="${3:-0}" \
		--iodepth="$1" --iodepth_batch_submit="$(($1 > 8 ? 8 : 1))" \
		--verify=crc32c --verify_fatal=1 --do_verify=1 --randrepeat=0 \
		--output-format=terse >/dev/null
}

# Every path, shadow doorbells on (the default).
[ "$(cat $param)" = Y ]
dmesg | grep -q "nvme-phys ${b[0]}: .* shadow doorbells" || { echo "probe did not say shadow doorbells"; exit 1; }
[ "$(db shadow)" = 1 ]
for path in auto phys iova page sg upstream; do
	set_path "${b[0]}" "$path"
	echo 0 >"$dbg/doorbells"
	verify 1 1m
	verify 64 4m 16m
	echo "shadow on, $path, verify: $(show)"
	[ "$(db commands)" -gt 0 ] && [ "$(db completions)" = "$(db commands)" ]
	[ "$(db cq_mmio)" -le "$(db cq_updates)" ]
	echo 0 >"$dbg/doorbells"
	reads
	echo "shadow on, $path, QD32 reads: $(show)"
	[ "$(db completions)" = "$(db commands)" ]
	[ "$(db sq_mmio)" -lt "$(db sq_updates)" ]
done

# Off: the parameter takes effect at the next reset.
echo 0 >$param
echo 1 >"$sysfs/reset_controller"
[ "$(db shadow)" = 0 ]
for path in auto phys iova page sg upstream; do
	set_path "${b[0]}" "$path"
	echo 0 >"$dbg/doorbells"
	verify 1 1m
	verify 64 4m 16m
	reads
	echo "shadow off, $path: $(show)"
	[ "$(db sq_mmio)" = "$(db sq_updates)" ] && [ "$(db cq_mmio)" = "$(db cq_updates)" ]
	[ "$(db completions)" = "$(db commands)" ]
done

# Back on through a reset under I/O; then two more resets under I/O.
echo 1 >$param
set_path "${b[0]}" auto
verify 32 32m 64m &
pid=$!
wait_io "${b[0]}" $pid
for i in 1 2 3; do
	echo 1 >"$sysfs/reset_controller"
	[ "$(db shadow)" = 1 ]
	sleep 1
done
wait $pid
echo "after resets under I/O: $(show)"

# Removal under I/O: the I/O fails, nothing else does.
fio --name=gone --filename="$disk" --ioengine=io_uring --direct=1 --rw=randread \
	--bs=4k --iodepth=32 --time_based --runtime=60 --output-format=terse >/dev/null 2>&1 &
pid=$!
wait_io "${b[0]}" $pid
echo "${b[0]}" >"/sys/bus/pci/devices/${b[0]}/driver/unbind"
wait $pid && { echo "fio went on after the controller was removed"; exit 1; }
# Reload the module and bring the controller back: shadow doorbells again.
rmmod nvme_phys
bind_ctrl "${b[0]}" nvme-phys
dbg=$(phys_debugfs "${b[0]}")
[ "$(db shadow)" = 1 ]
verify 64 4m
echo "after removal and reload: $(show)"
echo "doorbells: ok"
