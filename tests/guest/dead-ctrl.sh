# SPDX-License-Identifier: GPL-2.0-only
#
# A controller that stops answering is detected and recovered: with bus
# mastering switched off (setpci) under fio, commands time out, the abort
# gets nowhere, the reset turns bus mastering back on, and fio's verify
# passes.  Then the PCI device is removed under I/O: the removal returns,
# fio gets errors, and a bus rescan brings the controller back.
#
# fio must write for the removal to show: once the disk is gone, its size
# reads as 0, so reads past it end at end-of-file (0 bytes, no error) while
# writes fail.
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
# wait_io counts requests from zero; allow_file_create=0 keeps fio from
# making a regular file of that name in /dev should the disk go first.
echo 0 >"$(phys_debugfs "${b[0]}")/dma/all"
fio --name=gone --filename="$disk" --allow_file_create=0 --ioengine=io_uring --direct=1 --rw=randrw \
	--bs=4k --size=64m --iodepth=8 --time_based --runtime=60 \
	--output-format=terse >fio-gone.txt 2>&1 &
pid=$!
wait_io "${b[0]}" $pid
start=$SECONDS
echo 1 >"/sys/bus/pci/devices/${b[0]}/remove"
echo "the removal returned after $((SECONDS - start)) s"
if wait $pid; then
	echo "fio did not notice the controller going:"
	tail -n 5 fio-gone.txt
	exit 1
fi
grep -m1 -i "error" fio-gone.txt || true
echo "fio ended $((SECONDS - start)) s after the removal"
[ $((SECONDS - start)) -lt 50 ]
[ ! -e "/sys/bus/pci/devices/${b[0]}" ]
[ ! -b "$disk" ]
echo 1 >/sys/bus/pci/rescan
wait_disk "${b[0]}"
dd if="$(ctrl_disk "${b[0]}")" of=/dev/null bs=64k count=16 iflag=direct status=none
echo "dead-ctrl: ok"
