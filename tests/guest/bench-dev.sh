# SPDX-License-Identifier: GPL-2.0-only
#
# fio-jobs/compare --dev, as on real hardware: the guest is a machine where
# nvme-phys drives one controller and the in-tree driver another.
#  - without --allow-write the job that writes is not run, and summary.json
#    and report.md say why; the reads run on every path asked for, the
#    driver's path was switched for each run (read back, and its statistics
#    reset and counted), the path set before is set again at the end;
#  - with --allow-write on blank devices the job that writes runs too;
#  - --allow-write is refused, in one line and before anything is written,
#    for a device with a file system, a mounted device, and an in-tree
#    device with a swap signature.
# guest-timeout: 900
set -eu
. "$SRC/tests/guest/lib.sh"
b=($(nvme_bdfs))
[ ${#b[@]} -ge 2 ] || { echo "need two controllers, have ${#b[@]}"; exit 1; }

bind_ctrl "${b[0]}" nvme
bind_ctrl "${b[1]}" nvme-phys
intree=$(ctrl_disk "${b[0]}")
ours=$(ctrl_disk "${b[1]}")
sysfs=$(phys_sysfs "${b[1]}")
dbg=$(phys_debugfs "${b[1]}")
echo "in-tree: ${b[0]} -> $intree; nvme-phys: ${b[1]} -> $ours"

fail() {
	echo "bench-dev: $*"
	exit 1
}
compare=$SRC/fio-jobs/compare
common=(--dev "$ours" --intree-dev "$intree" --jobs randread-4k-qd1,randwrite-4k-qd1
	--paths phys,sg,in-tree --rounds 2 --runtime 500ms --ramp 0 --size 16m --no-plots)
# The first 16 MiB as the device holds them (not the page cache).
sum16() {
	dd if="$1" bs=1M count=16 iflag=direct status=none | md5sum
}
writes_of() {	# writes completed, /sys/block/<disk>/stat
	awk '{ print $5 }' "/sys/block/$(basename "$1")/stat"
}
# run NAME [options]: compare into ./NAME/run, its output in ./NAME.out.
run() {
	local name=$1 rc=0
	shift
	mkdir -p "$name"
	"$compare" "${common[@]}" --out "$PWD/$name/run" "$@" >"$name.out" 2>&1 || rc=$?
	echo "compare $name: exit $rc"
	# The results, for a look afterwards.
	[ -z "${OUT:-}" ] || cp -r "$name/run" "$OUT/bench-dev-$name"
	if [ $rc != 0 ]; then
		tail -n 20 "$name.out"
		fail "compare $name exited with $rc"
	fi
}

# Earlier tests of the boot left data behind: blank devices, as new.
for d in "$ours" "$intree"; do
	dd if=/dev/zero of="$d" bs=1M count=1 oflag=direct status=none
	[ -z "$(blkid -p -o value -s TYPE "$d")" ] || fail "$d is not blank"
done

# --- read only ------------------------------------------------------------------
set_path "${b[1]}" page
w_ours=$(writes_of "$ours") w_intree=$(writes_of "$intree")
run ro
[ "$(cat "$sysfs/dma_path")" = page ] || fail "dma_path is $(cat "$sysfs/dma_path") after the run, not page again"
[ "$(writes_of "$ours")" = "$w_ours" ] || fail "$ours was written to without --allow-write"
[ "$(writes_of "$intree")" = "$w_intree" ] || fail "$intree was written to without --allow-write"
raw=$(echo ro/run/*/raw)
[ -d "$raw" ] || fail "no raw results in ro/run"
# Each run of nvme-phys: the path read back after it is the path it was
# for, and the path's statistics, reset before it, counted its requests:
# as many as fio did, not those of an earlier run too.
python3 - "$raw" <<'EOF'
import json, os, sys
raw = sys.argv[1]
bad = []
for r in (1, 2):
    text = open(os.path.join(raw, "r%d" % r, "fio.json")).read()
    fio = json.loads(text[0 if text.startswith("{") else text.index("\n{") + 1:])
    ios = {j["jobname"]: j["read"]["total_ios"] + j["write"]["total_ios"] for j in fio["jobs"]}
    for p in ("phys", "sg"):
        base = os.path.join(raw, "r%d" % r, "randread-4k-qd1." + p)
        back = open(base + ".path").read().strip()
        reqs = [int(l.split()[1]) for l in open(base + ".dma") if l.split()[0] == "requests"][0]
        want = ios.get("randread-4k-qd1." + p, 0)
        print("round %d %s: dma_path %s, %d requests, fio %d I/Os" % (r, p, back, reqs, want))
        if back != p:
            bad.append("round %d %s: dma_path read back as %s" % (r, p, back))
        if want <= 0 or not want <= reqs <= want * 1.05 + 16:
            bad.append("round %d %s: the driver counted %d requests, fio %d I/Os" % (r, p, reqs, want))
for p in ("phys", "sg", "in-tree"):
    for r in (1, 2):
        if os.path.exists(os.path.join(raw, "r%d" % r, "randwrite-4k-qd1." + p + ".pre")):
            bad.append("round %d: randwrite-4k-qd1 ran on %s" % (r, p))
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
# After the last run only its path has counted anything: the statistics
# were reset before it, and no other path carried its requests.
cat "$dbg/dma/all"
awk 'NR > 1 && $2 > 0 { n++ } END { exit n != 1 }' "$dbg/dma/all" ||
	fail "not exactly one path has requests in dma/all after the last run"
python3 - ro/run <<'EOF'
import json, re, sys
run = sys.argv[1]
s = json.load(open(run + "/summary.json"))
rep = open(run + "/report.md").read()
bad = []
if len(s) != 1:
    bad.append("modes %s" % sorted(s))
figures = ("p50_us", "p99_us", "p999_us", "iops", "mbps", "sys_cpu_us_per_io", "map_unmap_ns_per_req")
for mode, paths in s.items():
    if set(paths) != {"phys", "sg", "in-tree"}:
        bad.append("%s: paths %s" % (mode, sorted(paths)))
    for p, jobs in paths.items():
        if set(jobs) != {"randread-4k-qd1", "randwrite-4k-qd1"}:
            bad.append("%s/%s: jobs %s" % (mode, p, sorted(jobs)))
            continue
        c = jobs["randread-4k-qd1"]
        for k in figures:
            if k == "map_unmap_ns_per_req" and p == "in-tree":
                if c[k] is not None:
                    bad.append("%s/%s: map+unmap for the in-tree driver: %r" % (mode, p, c[k]))
            elif not isinstance(c.get(k), (int, float)) or c[k] <= 0:
                bad.append("%s/%s/randread-4k-qd1 %s: %r" % (mode, p, k, c.get(k)))
        if c.get("rounds") != 2:
            bad.append("%s/%s/randread-4k-qd1: rounds %r" % (mode, p, c.get("rounds")))
        c = jobs["randwrite-4k-qd1"]
        if c.get("rounds") != 0 or c.get("skipped") is not True or any(c.get(k) is not None for k in figures):
            bad.append("%s/%s/randwrite-4k-qd1 is not a skipped cell: %r" % (mode, p, c))
        if "--allow-write" not in c.get("error", ""):
            bad.append("%s/%s/randwrite-4k-qd1: the reason does not name --allow-write: %r" % (mode, p, c.get("error")))
        row = re.search(r"^\| randwrite-4k-qd1 \| %s \|.*$" % re.escape(p), rep, re.M)
        if not row or "skipped" not in row.group(0) or "--allow-write" not in row.group(0):
            bad.append("report row of randwrite-4k-qd1 on %s: %s" % (p, row.group(0) if row else "none"))
        elif re.search(r"\|\s*\|", row.group(0)):
            bad.append("empty cell in: " + row.group(0))
if not re.search(r"^- .*randwrite-4k-qd1 / .*skipped: the job writes", rep, re.M):
    bad.append("no skipped line in the report's list of failed and skipped runs")
if "- randwrite-4k-qd1: not run: the job writes (run with --allow-write)." not in rep:
    bad.append("the verdict does not say why randwrite-4k-qd1 did not run")
print("\n".join(bad) if bad else "ro: summary and report as expected")
sys.exit(1 if bad else 0)
EOF
grep -q "randwrite-4k-qd1 .*skipped" ro.out || fail "the terminal table does not show the skipped job"

# --- --allow-write on blank devices -------------------------------------------------
run rw --allow-write
[ "$(writes_of "$ours")" -gt "$w_ours" ] || fail "nothing was written to $ours with --allow-write"
[ "$(writes_of "$intree")" -gt "$w_intree" ] || fail "nothing was written to $intree with --allow-write"
python3 - rw/run <<'EOF'
import json, sys
run = sys.argv[1]
s = json.load(open(run + "/summary.json"))
bad = []
for mode, paths in s.items():
    if set(paths) != {"phys", "sg", "in-tree"}:
        bad.append("%s: paths %s" % (mode, sorted(paths)))
    for p, jobs in paths.items():
        if set(jobs) != {"randread-4k-qd1", "randwrite-4k-qd1"}:
            bad.append("%s/%s: jobs %s" % (mode, p, sorted(jobs)))
        for j, c in jobs.items():
            for k in ("p50_us", "p99_us", "p999_us", "iops", "mbps", "sys_cpu_us_per_io", "map_unmap_ns_per_req"):
                if k == "map_unmap_ns_per_req" and p == "in-tree":
                    if c[k] is not None:
                        bad.append("%s/%s/%s: map+unmap for the in-tree driver" % (mode, p, j))
                elif not isinstance(c.get(k), (int, float)) or c[k] <= 0:
                    bad.append("%s/%s/%s %s: %r" % (mode, p, j, k, c.get(k)))
            if c.get("rounds") != 2 or c.get("skipped") or c.get("error"):
                bad.append("%s/%s/%s: %r" % (mode, p, j, c))
if "skipped" in open(run + "/report.md").read():
    bad.append("the report mentions a skipped run")
print("\n".join(bad) if bad else "rw: every job ran on every path")
sys.exit(1 if bad else 0)
EOF

# --- refusals ---------------------------------------------------------------------
# refused NAME DEV PATTERN: compare --allow-write fails in one line that
# matches PATTERN, before it creates its results folder, and DEV's first
# 16 MiB stay as they were.
refused() {
	local name=$1 dev=$2 pat=$3 before rc=0
	before=$(sum16 "$dev")
	"$compare" "${common[@]}" --allow-write --out "$PWD/$name" >"$name.stdout" 2>"$name.stderr" || rc=$?
	echo "compare $name: exit $rc: $(cat "$name.stderr")"
	[ $rc != 0 ] || fail "$name: compare did not refuse"
	[ "$(wc -l <"$name.stderr")" = 1 ] && grep -qE "$pat" "$name.stderr" ||
		fail "$name: expected one line matching '$pat'"
	[ ! -s "$name.stdout" ] || fail "$name: output on stdout: $(head -c 200 "$name.stdout")"
	[ ! -e "$name" ] || fail "$name: the results folder was created"
	[ "$(sum16 "$dev")" = "$before" ] || fail "$name: $dev changed"
}
mkfs.ext4 -q -F -E nodiscard "$ours"
[ "$(blkid -p -o value -s TYPE "$ours")" = ext4 ] || fail "mkfs.ext4 made no ext4 on $ours"
refused fs "$ours" "^compare: error: refusing to write to $ours: it has a signature of type ext4 \\((lsblk|blkid|wipefs)\\)\$"
mkdir mnt
mount -t ext4 -o ro,noload "$ours" mnt
trap 'umount "$PWD/mnt" 2>/dev/null' EXIT
refused mounted "$ours" "^compare: error: refusing to write to $ours: it is mounted on $PWD/mnt\$"
umount mnt
trap - EXIT
[ "$(blkid -p -o value -s TYPE "$ours")" = ext4 ] || fail "$ours lost its file system"
wipefs -q -a "$ours"
mkswap "$intree" >/dev/null
refused swap "$intree" "^compare: error: refusing to write to $intree: it has a signature of type swap \\((lsblk|blkid|wipefs)\\)\$"
[ "$(blkid -p -o value -s TYPE "$intree")" = swap ] || fail "$intree lost its swap signature"
echo "bench-dev: ok"
