# SPDX-License-Identifier: GPL-2.0-only
#
# Passthrough: nvme-phys on the first controller, the in-tree nvme driver on
# the second (identical but for its serial number, see tests/vm/run), and:
# - nvme-cli's id-ctrl, id-ns, smart-log, error-log, get-feature and fw-log
#   give the same answers through both drivers, field by field, but for the
#   fields listed in "differ" below;
# - nvme io-passthru writes and reads back through /dev/ng<N>n1, the
#   controller device and the block device;
# - fio's io_uring_cmd engine verifies data through /dev/ng<N>n1, with
#   interrupts and polled (poll_queues=1);
# - an unprivileged user gets what it may and nothing else;
# - bad input gets its errno (passthru-tool.c, built here);
# - 10,000 random calls (5,000 as root, 5,000 as nobody; seed printed, or
#   set with PT_SEED) leave the controller working;
# - removal while files are open and calls are running: every call on them
#   says ENODEV afterwards; the module unloads (no reference leaked).
# guest-timeout: 1200
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
[ ${#b[@]} -ge 2 ] || { echo "need two controllers, have ${#b[@]}"; exit 1; }

cc=$(command -v gcc || command -v gcc-16)
"$cc" -O2 -Wall -o pt "$SRC/tests/guest/passthru-tool.c" -luring
chmod 755 . pt

bind_ctrl "${b[0]}" nvme-phys poll_queues=1
bind_ctrl "${b[1]}" nvme
ours=$(ctrl_name "${b[0]}")
theirs=$(ctrl_name "${b[1]}")
n=${ours#nvme}
ctrl=/dev/$ours ng=/dev/ng${n}n1 bdev=/dev/${ours}n1
for f in "$ctrl" "$ng"; do
	for _ in $(seq 50); do [ -c "$f" ] && break; sleep 0.2; done
	[ -c "$f" ] || { echo "no $f"; ls -l /dev/nvme* /dev/ng*; exit 1; }
done
nscount=$(ls /sys/class/nvme-phys | grep -c "^ng${n}n" || true)
echo "nvme-phys: ${b[0]} -> $ctrl $ng $bdev ($nscount namespaces); in-tree: ${b[1]} -> /dev/$theirs"
ls -l /dev/nvme* /dev/ng*

# --- nvme-cli, field by field ------------------------------------------------
# compare NAME DIFFER-REGEX nvme-cli arguments: run "nvme ARGS DEV -o json" on
# both controllers; every field must match but those whose path matches
# DIFFER-REGEX (printed, so the log shows what differed and why it may).
compare() {
	local name=$1 differ=$2
	shift 2
	nvme "$@" "/dev/$ours" -o json >"$name.ours.json"
	nvme "$@" "/dev/$theirs" -o json >"$name.theirs.json"
	python3 - "$name" "$differ" "$ours" "$theirs" <<-'EOF'
	import json, re, sys
	name, differ = sys.argv[1], re.compile(sys.argv[2]) if sys.argv[2] else None
	# Some outputs are keyed by the device's name (fw-log): not a difference.
	def flat(v, p, out, dev):
	    if isinstance(v, dict):
	        for k, x in v.items():
	            k = "<dev>" if k == dev else k
	            flat(x, p + "." + k if p else k, out, dev)
	    elif isinstance(v, list):
	        for i, x in enumerate(v):
	            flat(x, "%s[%d]" % (p, i), out, dev)
	    else:
	        out[p] = v
	    return out
	a = flat(json.load(open(name + ".ours.json")), "", {}, sys.argv[3])
	b = flat(json.load(open(name + ".theirs.json")), "", {}, sys.argv[4])
	bad = 0
	for k in sorted(set(a) | set(b)):
	    if a.get(k) == b.get(k):
	        continue
	    if differ and differ.search(k) and k in a and k in b:
	        print("  %s: %s: differs as it may: %r vs %r" % (name, k, a[k], b[k]))
	        continue
	    print("  %s: %s: nvme-phys %r, in-tree %r" % (name, k, a.get(k), b.get(k)))
	    bad += 1
	print("%s: %d fields, %d differ where they must not" % (name, len(a), bad))
	sys.exit(1 if bad or not a else 0)
	EOF
}
fail=0
# Serial number, and the NQN built from it.
compare id-ctrl '^(sn|subnqn)$' id-ctrl || fail=1
compare id-ns '^$' id-ns -n 1 || fail=1
# Counters of what each driver did to its own controller (udev, blkid and
# probe read different amounts), and the controller's power-on time.
compare smart-log '^(data_units_read|data_units_written|host_read_commands|host_write_commands|controller_busy_time|power_on_hours)$' smart-log || fail=1
compare error-log '^$' error-log || fail=1
compare get-feature-7 '^$' get-feature -f 7 || fail=1
compare fw-log '^$' fw-log || fail=1
nvme get-feature "$ctrl" -f 7
[ $fail = 0 ] || { echo "nvme-cli answers differ"; exit 1; }

# --- nvme list ---------------------------------------------------------------
# libnvme builds its list from /sys/class/nvme and /sys/class/nvme-subsystem,
# which belong to nvme-core: nvme-phys controllers are not in it.
echo "nvme list:"
nvme list
if nvme list | grep -q "$ours"; then
	echo "nvme list now shows $ours: update README.md and docs/passthrough.md"
fi
nvme list | grep -q "/dev/${theirs}n1"

# --- io-passthru: write, read back --------------------------------------------
dd if=/dev/urandom of=pattern bs=4096 count=1 status=none
# A namespace's node tells its nsid (nvme get-ns-id: NVME_IOCTL_ID; the
# in-tree driver's ng0n1 need not be namespace 1); the controller's node
# gets namespace 1.
for dev in "$ng" "$ctrl" "$bdev" "/dev/ng${theirs#nvme}n1"; do
	nsid=1
	[ "$dev" = "$ctrl" ] || nsid=$(nvme get-ns-id "$dev" | sed -n 's/.*namespace-id: *\([0-9]*\).*/\1/p')
	nvme io-passthru "$dev" --opcode=0x01 --namespace-id="$nsid" --data-len=4096 \
		--cdw10=300000 --cdw12=7 --write --input-file=pattern
	nvme io-passthru "$dev" --opcode=0x02 --namespace-id="$nsid" --data-len=4096 \
		--cdw10=300000 --cdw12=7 --read --raw-binary >back
	cmp pattern back
	echo "io-passthru write + read back through $dev: same data"
	dd if=/dev/urandom of=pattern bs=4096 count=1 status=none
done
# nvme read / nvme write (libnvme's I/O passthrough).
dd if=/dev/urandom of=pattern bs=4096 count=1 status=none
nvme write "$ng" --start-block=310000 --block-count=7 --data-size=4096 --data=pattern
nvme read "$ng" --start-block=310000 --block-count=7 --data-size=4096 --data=back
cmp pattern back
echo "nvme write + nvme read through $ng: same data"
nvme ns-rescan "$ctrl"
nvme reset "$ctrl"
[ "$(cat "$(phys_sysfs "${b[0]}")/state")" = live ]

# --- fio io_uring_cmd ----------------------------------------------------------
for opts in "--nonvectored=0" "--nonvectored=1 --fixedbufs=1" "--hipri=1 --nonvectored=0"; do
	echo "fio io_uring_cmd $opts"
	# shellcheck disable=SC2086
	fio --name=uring-cmd --filename="$ng" --ioengine=io_uring_cmd \
		--cmd_type=nvme $opts --rw=randwrite --bs=4k --size=2m \
		--iodepth=8 --verify=crc32c --do_verify=1 --verify_fatal=1 \
		--output-format=terse >fio.out
	cut -d';' -f1-7 fio.out
done

# --- an unprivileged user ----------------------------------------------------------
chmod 0666 "$ctrl" "$ng" "$bdev"
nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"
}
nobody ./pt perm "$ctrl" "$ng" "$bdev"
# What blktests' nvme/046 asks of nvme-cli, as the in-tree driver allows it:
# Identify Controller and Namespace, a read; no write, no other Identify.
nobody nvme id-ctrl "$ng" >/dev/null
nobody nvme id-ns "$ng" >/dev/null
nobody nvme io-passthru "$ng" --opcode 2 --data-len 4096 --namespace-id 1 \
	--read >/dev/null
for c in "nvme ns-descs $ng" "nvme get-feature $ctrl -f 7" \
	"nvme io-passthru $ng --opcode 1 --data-len 4096 --namespace-id 1 --read"; do
	if nobody $c </dev/null >/dev/null 2>err; then
		echo "nobody ran $c"
		exit 1
	fi
	echo "nobody: $c: $(head -n1 err)"
done

# --- bad input ------------------------------------------------------------------------
./pt bad "$ctrl" "$ng" "$bdev"

# --- random calls ------------------------------------------------------------------------
seed=${PT_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "fuzz seed $seed (PT_SEED=$seed repeats it)"
./pt fuzz "$seed" 5000 "$ctrl" "$ng" "$bdev"
nobody ./pt fuzz "$((seed + 1))" 5000 "$ctrl" "$ng" "$bdev"
[ "$(cat "$(phys_sysfs "${b[0]}")/state")" = live ]

# --- removal with files open ------------------------------------------------------------
./pt hold "$ctrl" "$ng" "$bdev" >hold.log 2>&1 &
pid=$!
for _ in $(seq 300); do grep -q ready hold.log && break; sleep 0.2; done
sleep 2
unbind_ctrl "${b[0]}"
rc=0
wait $pid || rc=$?
cat hold.log
[ $rc = 0 ] || { echo "hold: exit $rc"; exit 1; }
[ ! -e "$ctrl" ] && [ ! -e "$ng" ]

# The controller comes back (maybe under another number), and the module
# leaves without leftovers.
bind_ctrl "${b[0]}" nvme-phys
ctrl=/dev/$(ctrl_name "${b[0]}")
for _ in $(seq 50); do [ -c "$ctrl" ] && break; sleep 0.2; done
nvme id-ctrl "$ctrl" >/dev/null
unbind_ctrl "${b[0]}"
echo "nvme_phys references: $(cat /sys/module/nvme_phys/refcnt)"
rmmod nvme_phys
[ ! -d /sys/class/nvme-phys ]
echo "passthru: ok"
