# SPDX-License-Identifier: GPL-2.0-only
#
# Run with a small MDTS (--nvme-opts mdts=2: 16 KiB transfers): large I/O is
# split to the controller's limit and verifies, with PRPs only and with SGLs
# for every request; discard and write-zeroes read back zeroes; a flush storm
# completes; switching the I/O scheduler under I/O loses nothing.
# guest-timeout: 1200
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
bind_ctrl "${b[0]}" nvme-phys
disk=$(ctrl_disk "${b[0]}")
q=/sys/block/$(basename "$disk")/queue
echo "max_hw_sectors_kb $(cat $q/max_hw_sectors_kb) discard_max_bytes $(cat $q/discard_max_bytes)"
[ "$(cat $q/max_hw_sectors_kb)" = 16 ]

verify() {
	fio --name="$1" --filename="$disk" --ioengine=io_uring --direct=1 \
		--rw=randwrite --bsrange=512-1m --size=16m --iodepth=16 \
		--verify=crc32c --verify_fatal=1 --do_verify=1 --output-format=terse >/dev/null
}
dptr() {	# prp|sgl
	awk -v k="$1" '$1 == k { print $2 }' "$(phys_debugfs "${b[0]}")/data_pointers"
}
for threshold in 0 1; do
	echo "$threshold" >/sys/module/nvme_phys/parameters/sgl_threshold
	prp0=$(dptr prp) sgl0=$(dptr sgl)
	for path in phys iova sg; do
		set_path "${b[0]}" "$path"
		verify "mdts-sgl$threshold-$path"
	done
	prp=$(($(dptr prp) - prp0)) sgl=$(($(dptr sgl) - sgl0))
	echo "sgl_threshold=$threshold: $prp commands with PRPs, $sgl with SGLs"
	# 0: never SGLs.  1: every I/O command with data uses an SGL.
	if [ "$threshold" = 0 ]; then
		[ "$sgl" = 0 ] && [ "$prp" -gt 0 ]
	else
		[ "$prp" = 0 ] && [ "$sgl" -gt 0 ]
	fi
done
echo 32768 >/sys/module/nvme_phys/parameters/sgl_threshold

echo "--- discard and write zeroes"
zeroes() {	# offset length
	[ "$(dd if="$disk" bs=4k skip=$(($1 / 4096)) count=$(($2 / 4096)) iflag=direct status=none |
		tr -d '\0' | wc -c)" = 0 ]
}
dd if=/dev/urandom of="$disk" bs=1M count=8 oflag=direct status=none
! zeroes 0 $((8 << 20))
blkdiscard -o $((1 << 20)) -l $((2 << 20)) "$disk"
zeroes $((1 << 20)) $((2 << 20))
! zeroes $((3 << 20)) $((1 << 20))
blkdiscard -z -o $((4 << 20)) -l $((2 << 20)) "$disk"
zeroes $((4 << 20)) $((2 << 20))
! zeroes $((6 << 20)) $((1 << 20))

echo "--- flush storm"
fio --name=flush --filename="$disk" --ioengine=io_uring --direct=1 --rw=randwrite \
	--bs=4k --size=4m --iodepth=4 --fsync=1 --numjobs=4 --offset_increment=4m \
	--output-format=terse >/dev/null

echo "--- scheduler switch under I/O"
fio --name=sched --filename="$disk" --ioengine=io_uring --direct=1 --rw=randwrite \
	--bsrange=4k-64k --size=32m --iodepth=16 --verify=crc32c --verify_fatal=1 \
	--do_verify=1 --output-format=terse >/dev/null &
pid=$!
scheds=$(cat $q/scheduler | tr -d '[]')
while kill -0 $pid 2>/dev/null; do
	for s in $scheds; do
		echo "$s" >$q/scheduler
		sleep 0.5
	done
done
wait $pid
echo "data-ops: ok"
