# SPDX-License-Identifier: GPL-2.0-only
#
# A controller that stops answering is detected and recovered: with bus
# mastering switched off (setpci) under fio, commands time out, the abort
# gets nowhere, the reset turns bus mastering back on, and fio's verify
# passes.  Then the PCI device is removed under I/O: fio gets errors, nothing
# hangs, and a bus rescan brings the controller back.
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
bind_ctrl "${b[0]}" nvme-phys io_timeout=3 admin_timeout=5
disk=$(ctrl_disk "${b[0]}")
sys=$(phys_sysfs "${b[0]}")

fio --name=dead --filename="$disk" --ioengine=io_uring --direct=1 --rw=randwrite \
	--bsrange=4k-64k --size=24m --iodepth=8 --verify=crc32c --verify_fatal=1 \
	--do_verify=1 --output-format=terse >/dev/null &
pid=$!
sleep 2
cmd=$(setpci -s "${b[0]}" COMMAND)
setpci -s "${b[0]}" COMMAND=$(printf '%04x' $((0x$cmd & ~0x4)))
echo "bus mastering off (COMMAND 0x$cmd -> $(setpci -s "${b[0]}" COMMAND))"
wait $pid
dmesg | grep -q "nvme-phys ${b[0]}: reset done"
[ $(($(printf '%d' 0x$(setpci -s "${b[0]}" COMMAND)) & 0x4)) != 0 ]
[ "$(cat "$sys/state")" = live ]

echo "--- removal of the PCI device under I/O"
dbg=$(phys_debugfs "${b[0]}")
echo 0 >"$dbg/dma/all"
fio --name=gone --filename="$disk" --ioengine=io_uring --direct=1 --rw=randread \
	--bs=4k --size=64m --iodepth=8 --time_based --runtime=60 \
	--output-format=terse >/dev/null 2>&1 &
pid=$!
wait_io "${b[0]}" $pid
start=$SECONDS
echo 1 >"/sys/bus/pci/devices/${b[0]}/remove"
if wait $pid; then
	echo "fio did not notice the controller going"
	exit 1
fi
echo "fio ended $((SECONDS - start)) s after the removal"
[ $((SECONDS - start)) -lt 50 ]
echo 1 >/sys/bus/pci/rescan
wait_disk "${b[0]}"
echo "dead-ctrl: ok"
