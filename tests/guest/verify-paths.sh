# SPDX-License-Identifier: GPL-2.0-only
#
# Every mapping path moves data intact: fio verify=crc32c with random sizes
# from 512 B to 2 MiB, four jobs at once: QD1 and QD64, each with
# page-aligned buffers and with buffers 512 bytes into a page, spread over the
# controller's namespaces.  Each path's statistics must show it mapped
# requests without an error and unmapped every one of them.
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
bind_ctrl "${b[0]}" nvme-phys
disks=("$(ctrl_disk "${b[0]}" 1)")
if [ -b "$(ctrl_disk "${b[0]}" 2)" ]; then
	disks+=("$(ctrl_disk "${b[0]}" 2)")
fi
dbg=$(phys_debugfs "${b[0]}")
echo "disks: ${disks[*]}"

size=${VERIFY_SIZE:-4m}
for path in auto phys iova page sg upstream; do
	set_path "${b[0]}" "$path"
	echo 0 >"$dbg/dma/$path"
	jobs=() i=0
	for qd in 1 64; do
		for align in 0 512; do
			jobs+=(--name="$path-qd$qd-align$align" --iodepth="$qd" --mem_align="$align"
				--filename="${disks[$((i % ${#disks[@]}))]}" --offset="$((i * 16))m")
			i=$((i + 1))
		done
	done
	fio --ioengine=io_uring --direct=1 --rw=randwrite --bsrange=512-2m \
		--size="$size" --verify=crc32c --verify_fatal=1 --do_verify=1 \
		--randrepeat=0 --output-format=terse "${jobs[@]}" >/dev/null
	req=$(stat_of "${b[0]}" "$path" requests)
	err=$(stat_of "${b[0]}" "$path" errors)
	unm=$(stat_of "${b[0]}" "$path" unmaps)
	echo "$path: requests $req errors $err unmaps $unm"
	[ "$req" -gt 0 ] && [ "$err" = 0 ] && [ "$unm" = "$req" ]
done
echo "verify-paths: ok"
