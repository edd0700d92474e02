# SPDX-License-Identifier: GPL-2.0-only
#
# The disk as tools see it, compared with the in-tree driver's on an
# identical controller (QEMU's, which differ only in serial): the in-tree
# nvme driver on the first controller, nvme-phys on the second, udevd
# running with Debian's stock rules.
#  - /sys/block/<disk>/device is the controller device nvme<N> under the
#    PCI function, with nvme-core's controller attributes;
#  - the same /dev/disk/by-id links, lsblk MODEL/SERIAL/WWN and lsblk -D,
#    and every /sys/block/<disk>/queue/ limit equal, but for the few listed
#    below with the reason;
#  - unbinding, unloading and reloading nvme-phys leave no device, class or
#    link behind.
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
[ ${#b[@]} -ge 2 ] || { echo "need two controllers, have ${#b[@]}"; exit 1; }
udevd=/lib/systemd/systemd-udevd
[ -x $udevd ] || { echo "no $udevd in the root: run tests/vm/setup (it installs udev)"; exit 1; }

fail() {
	echo "FAIL: $*"
	exit 1
}

# udevd for this test only: later tests in the boot run without it.
$udevd --daemon
trap 'udevadm control --exit 2>/dev/null || true' EXIT

settle() {
	udevadm trigger --action=add --subsystem-match=block --subsystem-match=nvme \
		--subsystem-match=nvme-phys
	udevadm settle --timeout=60
}

bind_ctrl "${b[0]}" nvme
bind_ctrl "${b[1]}" nvme-phys
settle
it=$(ctrl_name "${b[0]}")
us=$(ctrl_name "${b[1]}")
itd=${it}n1
usd=${us}n1
echo "in-tree: ${b[0]} $it $itd; nvme-phys: ${b[1]} $us $usd"

# --- the controller device -------------------------------------------------
dev=$(readlink -f "/sys/block/$usd/device") || fail "/sys/block/$usd/device: none"
want=$(readlink -f "/sys/bus/pci/devices/${b[1]}")/nvme-phys/$us
[ "$dev" = "$want" ] || fail "/sys/block/$usd/device is $dev, not $want"
[ "$(basename "$(readlink -f "$dev/subsystem")")" = nvme-phys ] ||
	fail "$dev is not of class nvme-phys"
[ "$(readlink -f "/sys/class/nvme-phys/$us")" = "$dev" ] || fail "/sys/class/nvme-phys/$us"
[ -c "/dev/$us" ] || fail "no /dev/$us"
ng=ng${us#nvme}n1
[ "$(readlink -f "/sys/class/nvme-phys/$ng")" = "$dev/$ng" ] || fail "$ng is not under $us"
itdev=$(readlink -f "/sys/block/$itd/device")
echo "devices: $usd -> $dev; $itd -> $itdev"

is=$(cat "$itdev/serial")
is=${is%% *}
ss=$(cat "$dev/serial")
ss=${ss%% *}
if [ -z "$is" ] || [ -z "$ss" ] || [ "$is" = "$ss" ]; then
	fail "serials '$is' '$ss'"
fi
hexof() {
	printf %s "$1" | od -An -tx1 | tr -d ' \n'
}
# Everything but instance, serial, address: the serial in text and in hex
# (the wwid), the controller and disk names.
norm() {
	sed -e "s/$ss/SERIAL/g; s/$is/SERIAL/g; s/$(hexof "$ss")/HEXSERIAL/g" \
		-e "s/$(hexof "$is")/HEXSERIAL/g; s/\b$us\b/CTRL/g; s/\b$it\b/CTRL/g" \
		-e "s/$usd/DISK/g; s/$itd/DISK/g"
}

bad=0
for a in model serial firmware_rev transport address state cntlid subsysnqn \
	queue_count sqsize numa_node; do
	[ -r "$dev/$a" ] || { echo "controller attribute $a: missing"; bad=1; continue; }
	u=$(norm <"$dev/$a")
	i=$(norm <"$itdev/$a")
	[ $a = address ] && { [ "$u" = "${b[1]}" ] || { echo "address '$u'"; bad=1; }; continue; }
	if [ "$u" != "$i" ]; then
		echo "controller attribute $a: nvme-phys '$u', in-tree '$i'"
		bad=1
	fi
done
# Shown or not as in-tree (QEMU: no uuid, nguid, eui).
nsattr() {
	if [ -e "/sys/block/$1/$2" ]; then
		norm <"/sys/block/$1/$2"
	else
		echo absent
	fi
}
for a in nsid wwid uuid nguid eui csi metadata_bytes; do
	u=$(nsattr "$usd" $a)
	i=$(nsattr "$itd" $a)
	echo "namespace $a: $u"
	[ "$u" = "$i" ] || { echo "namespace attribute $a: nvme-phys '$u', in-tree '$i'"; bad=1; }
done
[ $bad = 0 ] || fail "attributes differ"

# --- udev links, lsblk -------------------------------------------------------
links() {
	local l
	for l in /dev/disk/by-id/* /dev/disk/by-path/*; do
		[ "$(readlink -f "$l")" = "/dev/$1" ] && echo "${l#/dev/disk/}"
	done | norm | sort
}
ul=$(links "$usd")
il=$(links "$itd")
echo "by-id links, nvme-phys:"
echo "$ul" | sed 's/^/  /'
# /dev/disk/by-path comes from udev's path_id, which knows only nvme-core's
# class "nvme": the in-tree disk has one, ours none (docs/design.md).
il=$(echo "$il" | grep -v '^by-path/')
[ "$ul" = "$il" ] || { echo "in-tree:"; echo "$il"; fail "by-id links differ"; }
for l in "by-id/nvme-QEMU_NVMe_Ctrl_SERIAL" "by-id/nvme-QEMU_NVMe_Ctrl_SERIAL_1" \
	"by-id/nvme-nvme.1b36-HEXSERIAL-$(hexof "QEMU NVMe Ctrl")-00000001"; do
	echo "$ul" | grep -qx "$l" || fail "no link $l"
done
echo "$ul" | grep -q eui && fail "an eui link: QEMU's identifiers are not unique"

ls_u=$(lsblk -dn -o NAME,MODEL,SERIAL,WWN "/dev/$usd" | norm)
ls_i=$(lsblk -dn -o NAME,MODEL,SERIAL,WWN "/dev/$itd" | norm)
echo "lsblk: $(lsblk -dn -o NAME,MODEL,SERIAL,WWN "/dev/$usd")"
[ "$ls_u" = "$ls_i" ] || fail "lsblk: nvme-phys '$ls_u', in-tree '$ls_i'"
echo "$ls_u" | grep -q "QEMU NVMe Ctrl *SERIAL *nvme.1b36-" || fail "lsblk fields: $ls_u"
d_u=$(lsblk -dn -D "/dev/$usd" | norm)
d_i=$(lsblk -dn -D "/dev/$itd" | norm)
echo "lsblk -D: $(lsblk -dn -D "/dev/$usd")"
[ "$d_u" = "$d_i" ] || fail "lsblk -D: nvme-phys '$d_u', in-tree '$d_i'"

# --- queue limits -------------------------------------------------------------
# Limits that may differ, and why:
#  virt_boundary_mask, max_segments: nvme-phys keeps the 4 KiB virtual
#    boundary on every queue (its data path builds PRPs or SGLs from
#    physical segments within it) and at most 128 segments per request (its
#    list pages, NVMP_MAX_SEGS); nvme-core drops the boundary on I/O queues
#    of a controller with SGLs and allows one segment per page of its
#    largest transfer, plus one;
#  max_hw_sectors_kb, max_sectors_kb: both within MDTS; nvme-core also
#    within the DMA layer's optimal mapping size (under an IOMMU, the
#    largest IOVA size it caches: 128 KiB), nvme-phys within the largest
#    mapping (4 MiB, or the swiotlb bounce limit);
#  write_zeroes_max_bytes: the transfer size, on both (checked below);
#  max_integrity_segments: nvme-core has one for metadata, nvme-phys
#    supports no namespace with metadata;
#  io_timeout: each module's own parameter.
may_differ="virt_boundary_mask max_segments max_hw_sectors_kb max_sectors_kb
	write_zeroes_max_bytes max_integrity_segments io_timeout"
bad=0
for f in /sys/block/"$usd"/queue/*; do
	n=$(basename "$f")
	[ -f "$f" ] && [ -r "$f" ] || continue
	u=$(cat "$f" 2>/dev/null || echo unreadable)
	i=$(cat "/sys/block/$itd/queue/$n" 2>/dev/null || echo missing)
	[ "$u" = "$i" ] && continue
	case " $(echo $may_differ) " in
	*" $n "*) echo "queue/$n: nvme-phys $u, in-tree $i (allowed)" ;;
	*) echo "queue/$n: nvme-phys $u, in-tree $i"; bad=1 ;;
	esac
done
for d in "$usd" "$itd"; do
	q=/sys/block/$d/queue
	[ "$(cat $q/write_zeroes_max_bytes)" = $(($(cat $q/max_hw_sectors_kb) * 1024)) ] ||
		{ echo "$d: write_zeroes_max_bytes is not the transfer size"; bad=1; }
done
for n in discard_granularity discard_max_hw_bytes atomic_write_unit_max_bytes \
	physical_block_size; do
	echo "queue/$n: $(cat "/sys/block/$usd/queue/$n")"
done
[ $bad = 0 ] || fail "queue limits differ"

# --- removal and reload leave nothing behind -----------------------------------
# Nothing of nvme-phys: no controller or disk device, no link to one.
nothing_left() {
	local why=$1 l
	[ ! -e "/sys/class/nvme-phys/$us" ] || fail "$why: /sys/class/nvme-phys/$us left"
	[ ! -e "/sys/block/$usd" ] || fail "$why: /sys/block/$usd left"
	for l in "/dev/$us" "/dev/$usd" "/dev/ng${us#nvme}n1"; do
		[ ! -e "$l" ] || fail "$why: $l left"
	done
	l=$(find /dev/disk -xtype l 2>/dev/null)
	[ -z "$l" ] || fail "$why: dangling links: $l"
}
relinked() {
	settle
	[ "$(links "$usd")" = "$ul" ] || fail "$1: links now $(links "$usd")"
}
echo "${b[1]}" >"/sys/bus/pci/devices/${b[1]}/driver/unbind"
udevadm settle --timeout=60
nothing_left unbind
bind_ctrl "${b[1]}" nvme-phys
relinked rebind
unbind_ctrl "${b[1]}"
rmmod nvme_phys
udevadm settle --timeout=60
nothing_left rmmod
[ ! -e /sys/class/nvme-phys ] || fail "class nvme-phys left after rmmod"
bind_ctrl "${b[1]}" nvme-phys
relinked reload
# The in-tree disk kept its links throughout.
[ "$(links "$itd" | grep -v '^by-path/')" = "$il" ] || fail "in-tree links changed"
echo "devmodel: ok"
