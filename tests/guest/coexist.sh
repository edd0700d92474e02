# SPDX-License-Identifier: GPL-2.0-only
#
# Both drivers in one boot: the in-tree nvme driver on the first controller,
# nvme-phys on the second.  fio verifies data through the in-tree driver, and
# nvme-phys must have probed its controller and read real registers.
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
[ ${#b[@]} -ge 2 ] || { echo "need two controllers, have ${#b[@]}"; exit 1; }

bind_ctrl "${b[0]}" nvme
bind_ctrl "${b[1]}" nvme-phys
intree=$(ctrl_disk "${b[0]}")
ours=$(ctrl_disk "${b[1]}")
echo "in-tree: ${b[0]} -> $intree; nvme-phys: ${b[1]} -> $ours"

# Each driver owns exactly its own controller.
[ "$(basename "$(readlink /sys/bus/pci/devices/${b[0]}/driver)")" = nvme ]
[ "$(basename "$(readlink /sys/bus/pci/devices/${b[1]}/driver)")" = nvme-phys ]
case $ours in /dev/nvme1[0-9][0-9][0-9]n1) ;; *) echo "unexpected name $ours"; exit 1 ;; esac

fio --name=coexist --filename="$intree" --ioengine=io_uring --direct=1 \
	--rw=randwrite --bs=4k --size=8M --iodepth=8 --verify=crc32c \
	--verify_fatal=1 --do_verify=1 --output-format=terse >/dev/null

# nvme-phys read CAP and VS from its controller: QEMU reports NVMe 1.4 and a
# CAP with MQES 2047; the log line must carry real, non-zero values.
line=$(dmesg | grep "nvme-phys ${b[1]}: nvme[0-9]*: CAP" | tail -n1)
echo "$line"
cap=$(echo "$line" | sed -n 's/.*CAP 0x\([0-9a-f]*\).*/\1/p')
vs=$(echo "$line" | sed -n 's/.*VS 0x\([0-9a-f]*\).*/\1/p')
[ -n "$cap" ] && [ "$((16#$cap))" -ne 0 ] && [ "$((16#$cap & 0xffff))" -eq 2047 ]
[ "$vs" = 00010400 ]
# Identify went through the data path: model and serial are the controller's.
[ "$(cat "$(phys_sysfs "${b[1]}")/model")" = "QEMU NVMe Ctrl" ]
[ "$(cat "$(phys_sysfs "${b[1]}")/serial")" = "nvmephys1" ]
[ "$(cat "$(phys_sysfs "${b[1]}")/state")" = live ]
echo "coexist: ok"
