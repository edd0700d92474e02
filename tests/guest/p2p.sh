# SPDX-License-Identifier: GPL-2.0-only
#
# Peer-to-peer DMA (needs tests/vm/run --p2p): the in-tree nvme driver
# publishes the controller memory buffer of the switch's first controller as
# p2pmem; user space maps it (p2pmem/allocate) and moves data with O_DIRECT
# between it and nvme-phys disks (p2p-io.c, built here).  On every path,
# "works" means: writes from and reads into peer memory round-trip every
# byte, as one buffer, as 64 shuffled pages in one request, and as page ends
# that split into 64 requests; the statistics count each of those requests
# as peer memory of the expected kind and none as an error.
# - Client behind the same switch (no IOMMU): works, every request reaching
#   peer memory by its PCI bus address (p2p_bus), nothing mapped.  With an
#   IOMMU this part is left out: QEMU sends a device's DMA through the IOMMU
#   even where a real switch would route it to its peer.
# - Client on the root complex, by default: the kernel allows no
#   peer-to-peer through QEMU's host bridge with the default CPU model, so
#   on every path each transfer is refused (EINVAL or EREMOTEIO, with a
#   message), the disk keeps its data, and the in-tree driver refuses the
#   same transfer the same way.
# - Client on the root complex with P2P_HOST=1 (boot with --cpu EPYC: the
#   kernel allows the host bridge of AMD family 17h and later): works, every
#   request mapped as MMIO through the host bridge (p2p_host), under the
#   IOMMU when there is one; the in-tree driver works too.
# guest-timeout: 900
set -eu
. "$SRC/tests/guest/lib.sh"

b=($(nvme_bdfs))
prov="" client=""
for x in "${b[@]}"; do
	# Controllers below the switch sit four levels down the device tree.
	depth=$(readlink -f "/sys/bus/pci/devices/$x" | tr / '\n' | grep -c '^0000:')
	[ "$depth" -ge 4 ] || continue
	if [ -e "/sys/bus/pci/devices/$x/resource2" ]; then
		prov=$x
	else
		client=$x
	fi
done
[ -n "$prov" ] && [ -n "$client" ] || {
	echo "no switch with a CMB controller and a plain one: boot with tests/vm/run --p2p"
	exit 1
}
host=${b[0]} intree=${b[1]}
echo "provider $prov, client behind the switch $client, root-complex clients $host (ours) and $intree (in-tree)"

cc=$(command -v gcc || command -v gcc-16)
"$cc" -O2 -Wall -Wextra -o p2p-io "$SRC/tests/guest/p2p-io.c"

bind_ctrl "$prov" nvme
alloc=/sys/bus/pci/devices/$prov/p2pmem/allocate
for _ in $(seq 50); do
	[ "$(cat "/sys/bus/pci/devices/$prov/p2pmem/published" 2>/dev/null)" = 1 ] && break
	sleep 0.2
done
[ "$(cat "/sys/bus/pci/devices/$prov/p2pmem/published" 2>/dev/null)" = 1 ] || {
	echo "the in-tree driver did not publish $prov's CMB as p2pmem"
	dmesg | grep "$prov" | tail -n 5
	exit 1
}
echo "p2pmem: $(cat "/sys/bus/pci/devices/$prov/p2pmem/size") bytes"
bind_ctrl "$client" nvme-phys
bind_ctrl "$host" nvme-phys
bind_ctrl "$intree" nvme
cdisk=$(ctrl_disk "$client") hdisk=$(ctrl_disk "$host") idisk=$(ctrl_disk "$intree")

# 256 KiB: rounds 1 and 2 are one request each way, round 3's 64 page ends
# are 64 requests each way (a gap at every page); p2p-io checks the bytes.
bytes=262144 p2p_reqs=$((2 + 2 + 128)) ram_reqs=6
bad=0

# works BDF KIND: peer-to-peer through BDF works on every path, its requests
# counted as KIND (p2p_bus or p2p_host).
works() {
	local bdf=$1 kind=$2 other disk path req n on err
	disk=$(ctrl_disk "$bdf")
	other=p2p_host
	[ "$kind" = p2p_host ] && other=p2p_bus
	for path in auto phys iova page sg upstream; do
		set_path "$bdf" "$path"
		echo 0 >"$(phys_debugfs "$bdf")/dma/all"
		if ! ./p2p-io "$alloc" "$disk" 0 "$bytes" ok; then
			echo "FAIL: $path: peer-to-peer transfers through $bdf"
			bad=1
			continue
		fi
		req=$(stat_of "$bdf" "$path" requests)
		n=$(stat_of "$bdf" "$path" "$kind")
		on=$(stat_of "$bdf" "$path" "$other")
		err=$(stat_of "$bdf" "$path" errors)
		echo "$path: requests $req $kind $n $other $on errors $err"
		if [ "$n" != $p2p_reqs ] || [ "$req" != $((p2p_reqs + ram_reqs)) ] ||
		   [ "$on" != 0 ] || [ "$err" != 0 ]; then
			echo "FAIL: $path: expected $p2p_reqs requests counted as $kind and $ram_reqs to RAM, none as $other, no error"
			bad=1
		fi
	done
}

if [ -n "$(ls /sys/class/iommu 2>/dev/null)" ]; then
	echo "behind the switch: left out under an IOMMU (QEMU does not route peer traffic inside a switch)"
else
	echo "behind the switch, by bus address:"
	works "$client" p2p_bus
fi

if [ "${P2P_HOST:-0}" = 1 ]; then
	echo "through the host bridge, mapped as MMIO:"
	works "$host" p2p_host
	if ! ./p2p-io "$alloc" "$idisk" 0 "$bytes" ok >/dev/null; then
		echo "FAIL: the in-tree driver did not move peer memory through the host bridge"
		bad=1
	fi
	[ $bad = 0 ] && echo "peer-to-peer: every path ok"
	exit $bad
fi

# Through the host bridge: refused on every path, the disk unchanged.
echo "through the host bridge, refused:"
for path in auto phys iova page sg upstream; do
	set_path "$host" "$path"
	echo 0 >"$(phys_debugfs "$host")/dma/all"
	# The message is rate limited (10 in 5 s): let the limit pass.
	sleep 5
	mark=$(dmesg | wc -l)
	if ! out=$(./p2p-io "$alloc" "$hdisk" 0 "$bytes" fail); then
		echo "$out"
		echo "FAIL: $path: a transfer through the host bridge was not refused cleanly"
		bad=1
		continue
	fi
	echo "$out" | sed "s/^/$path: /"
	if echo "$out" | grep refused | grep -vqE 'Invalid argument|Remote I/O error'; then
		echo "FAIL: $path: refused with an unexpected error"
		bad=1
	fi
	err=$(stat_of "$host" "$path" errors)
	bus=$(stat_of "$host" "$path" p2p_bus)
	hb=$(stat_of "$host" "$path" p2p_host)
	if [ "$err" -lt 6 ] || [ "$bus" != 0 ] || [ "$hb" != 0 ]; then
		echo "FAIL: $path: errors $err (at least 6), p2p_bus $bus p2p_host $hb (0)"
		bad=1
	fi
	# Our paths say why; sg and upstream leave that to the DMA layer.
	case $path in
	auto | phys | iova | page)
		dmesg | tail -n +"$((mark + 1))" | grep -q "$host: peer-to-peer transfer not supported" || {
			echo "FAIL: $path: no 'peer-to-peer transfer not supported' message"
			bad=1
		}
		;;
	esac
done

# The in-tree driver draws the same line.
if ! out=$(./p2p-io "$alloc" "$idisk" 0 "$bytes" fail); then
	echo "$out"
	echo "FAIL: the in-tree driver did not refuse the same transfer"
	bad=1
fi
echo "$out" | sed "s/^/in-tree: /"

# Nothing the refusals left behind: both controllers still move data.
if [ -z "$(ls /sys/class/iommu 2>/dev/null)" ] &&
   ! ./p2p-io "$alloc" "$cdisk" 1048576 "$bytes" ok >/dev/null; then
	echo "FAIL: the switch client no longer moves peer memory"
	bad=1
fi
dd if=/dev/urandom of=ref bs=64k count=16 status=none
dd if=ref of="$hdisk" bs=64k oflag=direct status=none
dd if="$hdisk" of=back bs=64k count=16 iflag=direct status=none
cmp ref back || { echo "FAIL: $hdisk lost data after the refusals"; bad=1; }

[ $bad = 0 ] && echo "peer-to-peer: every path ok"
exit $bad
