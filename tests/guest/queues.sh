# SPDX-License-Identifier: GPL-2.0-only
#
# Queues and interrupts: with one poll queue, io_uring polled I/O (hipri)
# verifies and, with MSI-X, completes without interrupts; taking a CPU
# offline and back under I/O loses nothing.  Booted with pci=nomsi, the same
# runs on a single INTx vector shared by the admin and I/O queues.
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
bind_ctrl "${b[0]}" nvme-phys poll_queues=1
disk=$(ctrl_disk "${b[0]}")
name=$(ctrl_name "${b[0]}")
line=$(dmesg | grep "nvme-phys ${b[0]}: $name: .* interrupt/poll queues" | tail -n1)
echo "$line"
echo "$line" | grep -q "/1 interrupt/poll queues"
if grep -q pci=nomsi /proc/cmdline; then
	echo "$line" | grep -q " 1 vectors"
	grep -q "IO-APIC.*nvmp" /proc/interrupts
fi
[ "$(cat /sys/block/"$(basename "$disk")"/queue/io_poll)" = 1 ]

irqs() {
	awk '/nvmp/ { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i } END { print s + 0 }' /proc/interrupts
}
dbg=$(phys_debugfs "${b[0]}")
echo 0 >"$dbg/dma/all"
before=$(irqs)
fio --name=hipri --filename="$disk" --ioengine=io_uring --hipri=1 --direct=1 \
	--rw=randwrite --bsrange=4k-64k --size=8m --iodepth=4 --verify=crc32c \
	--verify_fatal=1 --do_verify=1 --output-format=terse >/dev/null
after=$(irqs)
req=$(awk 'NR > 1 { s += $2 } END { print s }' "$dbg/dma/all")
echo "polled: $req requests, $((after - before)) interrupts"
[ "$req" -gt 100 ]
# Polled completions raise no interrupt: allow a few for anything else.  A
# shared INTx line also counts other devices' interrupts (the root's 9p).
if ! grep -q pci=nomsi /proc/cmdline; then
	[ $((after - before)) -lt $((req / 10)) ]
fi

if [ "$(nproc)" -ge 2 ] && [ -w /sys/devices/system/cpu/cpu1/online ]; then
	fio --name=hotplug --filename="$disk" --ioengine=io_uring --direct=1 \
		--rw=randwrite --bsrange=4k-128k --size=48m --iodepth=16 --numjobs=2 \
		--offset_increment=48m --verify=crc32c --verify_fatal=1 --do_verify=1 \
		--output-format=terse >/dev/null &
	pid=$!
	n=0
	while kill -0 $pid 2>/dev/null && [ $n -lt 6 ]; do
		sleep 1
		echo 0 >/sys/devices/system/cpu/cpu1/online
		sleep 1
		echo 1 >/sys/devices/system/cpu/cpu1/online
		n=$((n + 1))
	done
	wait $pid
	echo "CPU 1 went offline and back $n times under I/O"
	[ $n -ge 1 ]
else
	echo "only one CPU: no hotplug"
	exit 1
fi
echo "queues: ok"
