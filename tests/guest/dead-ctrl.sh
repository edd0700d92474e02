# SPDX-License-Identifier: GPL-2.0-only
#
# A controller that stops answering is detected and recovered: with bus
# mastering switched off (setpci) under fio, commands time out, the abort
# gets nowhere, the reset turns bus mastering back on, and fio's verify
# passes.
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

echo "dead-ctrl: ok"
