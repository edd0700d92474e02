# SPDX-License-Identifier: GPL-2.0-only
"""Raw results of fio-jobs/bench-run -> figures, summary.json, report.md.

Python standard library only (the host has no matplotlib; bench_plots.py
draws the pictures where matplotlib is).

A run folder holds one folder per IOMMU mode (or "dev" on real hardware),
each with raw/ as bench-run wrote it (see the comment at its top).  A cell is
one (mode, path, job); every round gives it one measurement or a failure.
"""

import datetime
import json
import math
import os
import re
import statistics

PATHS = ["auto", "phys", "iova", "page", "sg", "upstream"]
INTREE = "in-tree"
VARIANTS = PATHS + [INTREE]
MODE_ORDER = ["off", "strict", "lazy", "pt", "dev"]

METRICS = [
    # key, column title, unit, digits, lower is better
    ("p50_us", "p50", "µs", 1, True),
    ("p99_us", "p99", "µs", 1, True),
    ("p999_us", "p99.9", "µs", 1, True),
    ("iops", "IOPS", "", 0, False),
    ("mbps", "MB/s", "", 1, False),
    ("sys_cpu_us_per_io", "sys CPU/IO", "µs", 1, True),
    ("map_unmap_ns_per_req", "map+unmap/req", "ns", 0, True),
]
SUMMARY_KEYS = [m[0] for m in METRICS] + ["rounds"]
MU = "map_unmap_ns_per_req"
FIXED = ["phys", "iova", "page", "sg"]
# Target 1 of issue 4: strict IOMMU, 128 KiB requests of 32 scattered pages.
T1_MODE, T1_JOB = "strict", "read-128k-pages-qd1"
TARGET_RESULTS = ["met", "within the spread", "not met", "no data"]
PCT_KEYS = {"p50_us": "50.000000", "p99_us": "99.000000", "p999_us": "99.900000"}


class BenchError(Exception):
    """Bad raw data or a bad request: one line for the user."""


# --- reading -----------------------------------------------------------------

def read_kv(path):
    """key=value lines -> dict (missing file: empty dict)."""
    out = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.rstrip("\n")
                if "=" in line:
                    k, v = line.split("=", 1)
                    out[k.strip()] = v.strip()
    except FileNotFoundError:
        pass
    return out


def read_stats(path):
    """A debugfs statistics file ("key value ..." lines) -> dict of ints."""
    out = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit():
                out[parts[0]] = int(parts[1])
            elif len(parts) > 2:
                out[parts[0]] = [int(x) for x in parts[1:] if x.isdigit()]
    return out


def read_snapshot(path):
    """A hook snapshot: the /proc/stat cpu line and the disk's diskstats line."""
    cpu = disk = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.split()
            if parts and parts[0] == "cpu":
                cpu = [int(x) for x in parts[1:]]
            elif parts and parts[0] == "disk":
                # disk MAJOR MINOR NAME reads merged sectors ms writes merged sectors ...
                disk = [int(x) for x in parts[4:]]
    return cpu, disk


def read_irq(path):
    """The "irq N" line of a counting-pass snapshot (see load_count): N, or None.

    read_snapshot() passes over that line; this reads it alone.
    """
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2 and parts[0] == "irq" and parts[1].isdigit():
                return int(parts[1])
    return None


def load_fio_json(path):
    """fio's JSON output; fio may put "Saving output of prerun ..." lines before it."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    start = text.find("{")
    while start > 0 and text[start - 1] != "\n":
        start = text.find("{", start + 1)
    if start < 0:
        raise ValueError("no JSON in " + path)
    obj, _ = json.JSONDecoder().raw_decode(text[start:])
    return obj


def parse_job_file(path):
    """The options of a job file (global and job section merged, later wins)."""
    opts = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;[":
                continue
            if "=" in line:
                k, v = line.split("=", 1)
                opts[k.strip()] = v.strip()
            else:
                opts[line] = "1"
    return opts


def size_bytes(text, default=0):
    m = re.match(r"^\s*(\d+)\s*([kmgt]?)i?b?\s*$", str(text), re.I)
    if not m:
        return default
    mult = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
    return int(m.group(1)) * mult[m.group(2).lower()]


def headline(opts):
    """The metric that decides "faster" for a job: (key, description)."""
    depth = int(re.sub(r"\D", "", opts.get("iodepth", "1")) or 1)
    bs = size_bytes(opts.get("bs", "4k"), 4096)
    if depth <= 1:
        return "p50_us", "p50 latency"
    if bs >= 256 * 1024:
        return "mbps", "bandwidth"
    return "iops", "IOPS"


def fail_reason_from_log(log_lines, name):
    for line in log_lines:
        if name in line and ("error" in line.lower() or "fio:" in line):
            return line.strip()[:200]
    return None


def measure(job_entry, pre, post, dma, path_back, variant, bs, clk_tck):
    """One round's figures for one cell, or raise BenchError with the reason."""
    if job_entry.get("error", 0):
        err = job_entry["error"]
        raise BenchError("fio error %d (%s)" % (err, os.strerror(err)))
    rd, wr = job_entry["read"], job_entry["write"]
    ios = rd["total_ios"] + wr["total_ios"]
    if ios == 0:
        raise BenchError("no I/O completed")
    main = rd if rd["total_ios"] >= wr["total_ios"] else wr
    lat = main.get("lat_ns", {})
    pct = lat.get("percentile") or main["clat_ns"].get("percentile")
    if not pct:
        raise BenchError("fio reported no latency percentiles")
    res = {
        "p50_us": pct["50.000000"] / 1000.0,
        "p99_us": pct["99.000000"] / 1000.0,
        "p999_us": pct["99.900000"] / 1000.0,
        "iops": rd["iops"] + wr["iops"],
        "mbps": (rd["bw_bytes"] + wr["bw_bytes"]) / 1e6,
        "curve": {float(k): v / 1000.0 for k, v in pct.items()},
        "ios": ios,
        "lat_kind": "total" if lat.get("percentile") else "completion",
    }
    # Kernel CPU time (system + irq + softirq, every CPU) between the hook's
    # snapshots, per I/O of the job's block size in the same window.
    res["sys_cpu_us_per_io"] = None
    if pre and post and pre[0] and post[0] and pre[1] and post[1]:
        ticks = sum(post[0][i] - pre[0][i] for i in (2, 5, 6))
        sectors = (post[1][2] - pre[1][2]) + (post[1][6] - pre[1][6])
        nio = sectors * 512.0 / bs if bs else 0
        if nio > 0:
            res["sys_cpu_us_per_io"] = ticks * (1e6 / clk_tck) / nio
    res["map_unmap_ns_per_req"] = None
    res["segs_per_req"] = None
    if variant != INTREE:
        if dma is None or path_back is None:
            raise BenchError("no driver statistics (the hook after the run did not run)")
        if path_back != variant:
            raise BenchError("dma_path read back as '%s', not '%s'" % (path_back, variant))
        reqs = dma.get("requests", 0)
        if reqs <= 0:
            raise BenchError("the driver counted no requests on path %s" % variant)
        res["map_unmap_ns_per_req"] = (dma.get("map_ns", 0) + dma.get("unmap_ns", 0)) / reqs
        res["segs_per_req"] = dma.get("segs_in", 0) / reqs
        res["segs_out_per_req"] = dma.get("segs_out", 0) / reqs
        res["dma_errors"] = dma.get("errors", 0)
        res["iova_fallback"] = dma.get("iova_fallback", 0)
    return res


def load_mode(raw):
    """Everything bench-run wrote in one raw folder."""
    info = read_kv(os.path.join(raw, "info"))
    if not info:
        raise BenchError("no bench-run results in %s (no info file)" % raw)
    label = info.get("label", os.path.basename(os.path.dirname(raw)))
    jobs = info.get("jobs", "").split()
    variants = info.get("paths", "").split()
    rounds = int(info.get("rounds", "0") or 0)
    clk_tck = float(info.get("clk_tck", "100") or 100)
    job_opts = {}
    for j in jobs:
        jf = os.path.join(raw, "jobs", j + ".fio")
        job_opts[j] = parse_job_file(jf) if os.path.exists(jf) else {}
    skipped = {}
    try:
        with open(os.path.join(raw, "skipped"), encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split(" ", 2)
                if len(parts) == 3:
                    skipped[(parts[1], parts[0])] = parts[2]
    except FileNotFoundError:
        pass
    cells = {}  # (variant, job) -> list of per-round dicts {"round", "ok", ...}
    for r in range(1, rounds + 1):
        rdir = os.path.join(raw, "r%d" % r)
        entries, logs, statuses, hung = {}, [], [], {}
        if os.path.isdir(rdir):
            for name in sorted(os.listdir(rdir)):
                full = os.path.join(rdir, name)
                if re.match(r"^fio(-\d+)?\.json$", name):
                    try:
                        obj = load_fio_json(full)
                        if obj.get("fio version"):
                            info.setdefault("fio", obj["fio version"])
                        for e in obj.get("jobs", []):
                            entries[e["jobname"]] = e
                    except (ValueError, KeyError):
                        pass
                elif re.match(r"^fio(-\d+)?\.log$", name):
                    with open(full, encoding="utf-8", errors="replace") as f:
                        logs.extend(f.read().splitlines())
            for line in _lines(os.path.join(rdir, "status")):
                parts = line.split()
                if len(parts) == 2:
                    statuses.append(int(parts[1]))
            for line in _lines(os.path.join(rdir, "hung")):
                parts = line.split()
                if len(parts) == 2:
                    hung[parts[0]] = parts[1]
        for j in jobs:
            bs = size_bytes(job_opts[j].get("bs", "4k"), 4096)
            for v in variants:
                if (v, j) in skipped:
                    continue
                name = "%s.%s" % (j, v)
                rec = {"round": r}
                try:
                    if not os.path.isdir(rdir):
                        rec["missing"] = True
                        raise BenchError("round %d did not run" % r)
                    if name in hung:
                        raise BenchError("hung: no end %s s after its runtime; fio was stopped" % hung[name])
                    if name not in entries:
                        why = fail_reason_from_log(logs, name)
                        if why:
                            raise BenchError(why)
                        bad = [s for s in statuses if s != 0]
                        if not statuses:
                            raise BenchError("no fio output for round %d" % r)
                        if bad:
                            raise BenchError("fio exited with %d before this run" % bad[0])
                        raise BenchError("not in fio's output")
                    base = os.path.join(rdir, name)
                    pre = read_snapshot(base + ".pre") if os.path.exists(base + ".pre") else None
                    post = read_snapshot(base + ".post") if os.path.exists(base + ".post") else None
                    dma = read_stats(base + ".dma") if os.path.exists(base + ".dma") else None
                    back = None
                    if os.path.exists(base + ".path"):
                        back = "".join(_lines(base + ".path")).strip()
                    e = entries[name]
                    if e.get("error", 0):
                        why = fail_reason_from_log(logs, name)
                        err = e["error"]
                        raise BenchError("fio error %d (%s)%s" % (
                            err, os.strerror(err), ": " + why if why else ""))
                    rec.update(measure(e, pre, post, dma, back, v, bs, clk_tck))
                    rec["ok"] = True
                except BenchError as exc:
                    rec["ok"] = False
                    rec["reason"] = str(exc)
                cells.setdefault((v, j), []).append(rec)
    missing = [r for r in range(1, rounds + 1) if not os.path.isdir(os.path.join(raw, "r%d" % r))]
    return {
        "label": label, "info": info, "jobs": jobs, "variants": variants,
        "rounds": rounds, "job_opts": job_opts, "skipped": skipped, "cells": cells,
        "missing_rounds": missing, "count": load_count(raw, info),
    }


COUNT_DIR = "count"
COUNT_FILES = (".pre", ".post", ".doorbells", ".qemu")
# A counting round's files: cN.JOB.VARIANT.* (before counting rounds: JOB.VARIANT.*).
COUNT_ROUND = re.compile(r"^c([1-9][0-9]*)\.(.+\..+)$")
# The figures of a counting run that load_count() gives per cell as the
# median over the counting rounds, with _min and _max.
COUNT_KEYS = ["ios", "irq", "irq_per_io", "sq_db", "cq_db", "sq_db_per_io", "cq_db_per_io",
              "db_per_io", "msix_per_io", "driver_sq_mmio_per_io", "driver_cq_mmio_per_io"]


def load_count(raw, info):
    """The untimed counting pass of one raw folder, if it ran.

    After the rounds, bench-run runs each job once more on auto and on the
    in-tree driver for info's count_ios I/Os, in info's count_rounds
    counting rounds, and writes count/cN.JOB.VARIANT.* for counting round N
    (runs before the counting rounds: count/JOB.VARIANT.*, one round):
    .pre and .post (snapshots as the rounds' ones, plus "irq N": the
    interrupts of the controller's vectors, all CPUs), .doorbells (nvme-phys:
    its debugfs doorbell counters, reset before the run) and .qemu (in the
    guest, written by compare from QEMU's trace events: sq_mmio, cq_mmio,
    msix).  count_run() reads one run.

    Returns a dict: ran (False without a count/ folder), why (then: the
    reason), ios_asked (count_ios, or None), rounds (count_rounds; 1 before
    the counting rounds), layout ("rounds", or "single" for count/JOB.VARIANT.*),
    source (info's count_source) and cells: (variant, job) -> a dict with
    runs (count_run()'s dict per counting round, with its round), and, over
    the runs that have them, each of COUNT_KEYS as the median, KEY_min and
    KEY_max (None without any), plus counted (runs with an I/O count),
    db_source (the runs' source of doorbell counts, "mixed" when they
    differ), error (no run with an I/O count: why) and why (a figure or a
    run left out: why, per counting round when more than one).
    """
    asked = info.get("count_ios", "")
    asked = int(asked) if asked.isdigit() else None
    planned = info.get("count_rounds", "")
    out = {"ran": False, "why": None, "ios_asked": asked or None,
           "rounds": int(planned) if planned.isdigit() else 1,
           "layout": "rounds" if planned.isdigit() else "single",
           "source": info.get("count_source") or None, "cells": {}}
    cdir = os.path.join(raw, COUNT_DIR)
    if not os.path.isdir(cdir):
        out["why"] = ("count_ios=0" if asked == 0 else
                      "count_ios=%d, but no count/ folder" % asked if asked else
                      "no count_ios in info, no count/ folder")
        return out
    out["ran"] = True
    names = {}
    for name in os.listdir(cdir):
        for suffix in COUNT_FILES:
            if not name.endswith(suffix):
                continue
            stem, rnd = name[:-len(suffix)], 1
            m = COUNT_ROUND.match(stem)
            if m:
                stem, rnd = m.group(2), int(m.group(1))
                out["layout"] = "rounds"
            if "." in stem:
                j, v = stem.rsplit(".", 1)
                if v in VARIANTS:
                    names.setdefault((v, j), {})[rnd] = name[:-len(stem) - len(suffix)] + stem
    guest = info.get("guest") == "1" or out["source"] == "qemu"
    out["rounds"] = max([out["rounds"]] + [n for bases in names.values() for n in bases])
    for (v, j), bases in sorted(names.items()):
        runs = []
        for rnd in sorted(bases):
            r = count_run(os.path.join(cdir, bases[rnd]), v, guest)
            r["round"] = rnd
            runs.append(r)
        out["cells"][(v, j)] = count_cell(runs, out["rounds"])
    return out


def count_run(base, v, guest):
    """One counting run, from the files base.*: a dict of ios, irq, irq_per_io,
    sq_db, cq_db, sq_db_per_io, cq_db_per_io, db_per_io, msix_per_io,
    db_source ("qemu", "driver" or None), driver (the .doorbells counters,
    or None), driver_sq_mmio_per_io and driver_cq_mmio_per_io (from
    .doorbells, also when .qemu gave the figures), error (no I/O count: why)
    and why (a figure left out: why, or None).

    The I/Os of a run are the reads and writes the disk completed between
    the snapshots (diskstats fields 1 and 5).  Doorbell writes come from
    .qemu where there is one (both drivers counted alike), else from
    .doorbells (nvme-phys only).
    """
    c = {"ios": None, "irq": None, "irq_per_io": None, "sq_db": None, "cq_db": None,
         "sq_db_per_io": None, "cq_db_per_io": None, "db_per_io": None, "msix_per_io": None,
         "db_source": None, "driver": None, "driver_sq_mmio_per_io": None,
         "driver_cq_mmio_per_io": None, "error": None, "why": None}
    whys = []
    have = [os.path.exists(base + s) for s in (".pre", ".post")]
    if not all(have):
        c["error"] = "no %s snapshot" % " and no ".join(
            s for s, h in zip((".pre", ".post"), have) if not h)
        return c
    pre, post = read_snapshot(base + ".pre")[1], read_snapshot(base + ".post")[1]
    if not pre or not post or len(pre) < 5 or len(post) < 5:
        c["error"] = "no diskstats line in the snapshots"
        return c
    c["ios"] = (post[0] - pre[0]) + (post[4] - pre[4])
    if c["ios"] <= 0:
        c["error"] = "the disk completed no I/O between the snapshots"
        return c
    ios = float(c["ios"])
    irq = [read_irq(base + ".pre"), read_irq(base + ".post")]
    if None in irq:
        whys.append("no irq line in the snapshots")
    else:
        c["irq"] = irq[1] - irq[0]
        c["irq_per_io"] = c["irq"] / ios
    if os.path.exists(base + ".doorbells"):
        c["driver"] = read_stats(base + ".doorbells")
        for k in ("sq_mmio", "cq_mmio"):
            if isinstance(c["driver"].get(k), int):
                c["driver_%s_per_io" % k] = c["driver"][k] / ios
    q = read_stats(base + ".qemu") if os.path.exists(base + ".qemu") else None
    if q is not None:
        c["db_source"] = "qemu"
        c["sq_db"], c["cq_db"] = q.get("sq_mmio"), q.get("cq_mmio")
        if isinstance(q.get("msix"), int):
            c["msix_per_io"] = q["msix"] / ios
    elif c["driver"] is not None and v != INTREE:
        c["db_source"] = "driver"
        c["sq_db"], c["cq_db"] = c["driver"].get("sq_mmio"), c["driver"].get("cq_mmio")
    elif v == INTREE:
        whys.append("no QEMU doorbell count for this run" if guest else
                    "no doorbell counts for the in-tree driver outside the guest")
    else:
        whys.append("no doorbell counts (neither .qemu nor .doorbells)")
    if c["db_source"]:
        if isinstance(c["sq_db"], int) and isinstance(c["cq_db"], int):
            c["sq_db_per_io"], c["cq_db_per_io"] = c["sq_db"] / ios, c["cq_db"] / ios
            c["db_per_io"] = (c["sq_db"] + c["cq_db"]) / ios
        else:
            whys.append("no sq_mmio or cq_mmio in .%s" % ("qemu" if q is not None else "doorbells"))
            c["sq_db"] = c["cq_db"] = None
    c["why"] = "; ".join(whys) or None
    return c


def count_cell(runs, planned):
    """One cell of the counting pass from its runs (count_run()'s, with round)."""
    ok = [r for r in runs if r["error"] is None]
    c = {"runs": runs, "counted": len(ok), "error": None, "why": None}
    medians(c, ok, COUNT_KEYS)
    sources = {r["db_source"] for r in ok if r["db_per_io"] is not None}
    c["db_source"] = sources.pop() if len(sources) == 1 else "mixed" if sources else None
    # One reason said once when every run has it; else per counting round.
    problems = [(r["round"], r["error"] or r["why"]) for r in runs if r["error"] or r["why"]]
    problems += [(n, "not counted (no files)") for n in range(1, planned + 1)
                 if n not in [r["round"] for r in runs]]
    if not ok:
        c["error"] = "; ".join(sorted({w for _n, w in problems}))
    elif len({w for _n, w in problems}) == 1 and len(problems) == len(runs) == planned:
        c["why"] = problems[0][1]
    elif problems:
        c["why"] = "; ".join("counting round %d: %s" % p for p in sorted(problems))
    return c


def _lines(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return [l.rstrip("\n") for l in f]
    except FileNotFoundError:
        return []


def find_raw_dirs(run_dir):
    """The raw folders of a run folder, one per mode."""
    out = []
    for name in sorted(os.listdir(run_dir)):
        raw = os.path.join(run_dir, name, "raw")
        if os.path.isfile(os.path.join(raw, "info")):
            out.append(raw)
    return out


# --- aggregating -------------------------------------------------------------

def aggregate(rounds):
    """Median and spread of each figure over the rounds that worked."""
    ok = [r for r in rounds if r.get("ok")]
    bad = [r for r in rounds if not r.get("ok")]
    agg = {"rounds": len(ok), "planned": len(rounds),
           "failures": ["round %d: %s" % (r["round"], r["reason"]) for r in bad if not r.get("missing")],
           "missing": [r["round"] for r in bad if r.get("missing")]}
    medians(agg, ok, [m[0] for m in METRICS] + ["segs_per_req"])
    curves = [r["curve"] for r in ok if r.get("curve")]
    if curves:
        pcts = sorted(set.intersection(*[set(c) for c in curves]))
        agg["curve"] = {p: statistics.median([c[p] for c in curves]) for p in pcts}
    kinds = {r.get("lat_kind") for r in ok}
    agg["lat_kind"] = kinds.pop() if len(kinds) == 1 else "mixed"
    if not ok:
        agg["error"] = bad[0]["reason"] if bad else "no result"
        agg["failures"] = agg["failures"] or []
    return agg


def medians(agg, ok, keys):
    """agg[KEY]: the median of KEY over the results ok that have it, with
    KEY_min, KEY_max and KEY_spread (half the range over the median, in %;
    None after one); None without any."""
    for key in keys:
        vals = [r[key] for r in ok if r.get(key) is not None]
        if not vals:
            agg[key] = None
            agg[key + "_spread"] = None
            continue
        med = statistics.median(vals)
        agg[key] = med
        agg[key + "_min"] = min(vals)
        agg[key + "_max"] = max(vals)
        # One round has no spread to speak of.
        agg[key + "_spread"] = None if len(vals) < 2 else (
            (max(vals) - min(vals)) / 2.0 / med * 100.0 if med else 0.0)


def analyse(mode):
    """Per cell aggregates, headline ratios and the verdict for one mode."""
    res = {}
    for (v, j), rounds in mode["cells"].items():
        res[(v, j)] = aggregate(rounds)
    for (v, j), why in mode["skipped"].items():
        res[(v, j)] = {"rounds": 0, "planned": 0, "failures": [], "error": why, "skipped": True}
        for key in [m[0] for m in METRICS] + ["segs_per_req"]:
            res[(v, j)][key] = None
    mode["agg"] = res
    mode["headline"] = {j: headline(mode["job_opts"].get(j, {})) for j in mode["jobs"]}
    for (v, j), a in res.items():
        key = mode["headline"][j][0]
        for ref, name in (("page", "vs_page"), (INTREE, "vs_intree")):
            a[name] = speed(a, res.get((ref, j)), key)
    mode["paired"] = {j: paired(mode, j) for j in mode["jobs"]}
    mode["verdict"] = verdict(mode)
    return mode


def speed(a, ref, key):
    """How much faster a is than ref on key (>1: faster), and if it is beyond noise."""
    if not a or not ref or a.get(key) is None or ref.get(key) is None:
        return None
    lower_better = key.endswith("_us")
    if a[key] == 0 or ref[key] == 0:
        return None
    ratio = ref[key] / a[key] if lower_better else a[key] / ref[key]
    if a is ref:
        return {"ratio": 1.0, "clear": False, "noise": 0.0}
    if a.get(key + "_spread") is None or ref.get(key + "_spread") is None:
        # A single round: nothing to tell a difference from noise.
        return {"ratio": ratio, "clear": None, "noise": None}
    noise = (a[key + "_spread"] + ref[key + "_spread"]) / 100.0
    return {"ratio": ratio, "clear": abs(ratio - 1.0) > noise, "noise": noise}


def fmt_num(v, digits):
    if v is None:
        return "n/a"
    if digits == 0 or abs(v) >= 1000:
        return "{:,.0f}".format(v)
    return "{:.{d}f}".format(v, d=digits)


def fmt_ratio(s):
    if not s:
        return "n/a"
    return ("≈" if s["clear"] is False else "") + "{:.2f}×".format(s["ratio"])


def verdict(mode):
    """Sentences saying which path wins where, from the figures."""
    lines = []
    wins = {}
    res = mode["agg"]
    for j in mode["jobs"]:
        key, what = mode["headline"][j]
        lower = key.endswith("_us")
        cands = [(v, res[(v, j)]) for v in mode["variants"]
                 if (v, j) in res and res[(v, j)].get(key) is not None]
        if not cands:
            why = sorted({re.sub(r"^skipped: *", "", res[(v, j)]["error"]) for v in mode["variants"]
                          if res.get((v, j), {}).get("skipped")})
            if why and all(res[(v, j)].get("skipped") for v in mode["variants"] if (v, j) in res):
                lines.append("- %s: not run: %s." % (j, "; ".join(why)))
            else:
                lines.append("- %s: no path produced a result." % j)
            continue
        cands.sort(key=lambda c: c[1][key] if lower else -c[1][key])
        best, ba = cands[0]
        text = "- %s (%s): **%s** best, %s %s" % (
            j, what, best, fmt_num(ba[key], 1 if key != "iops" else 0),
            "µs" if lower else ("IOPS" if key == "iops" else "MB/s"))
        rel = []
        for ref in ("page", INTREE):
            if ref != best and (ref, j) in res and ba.get("vs_" + ("page" if ref == "page" else "intree")):
                s = ba["vs_" + ("page" if ref == "page" else "intree")]
                rel.append("%s %s" % (fmt_ratio(s), ref))
        if rel:
            text += " (" + ", ".join(rel) + ")"
        if len(cands) > 1:
            second, sa = cands[1]
            s = speed(ba, sa, key)
            lead = (s["ratio"] - 1.0) * 100.0
            if s["clear"] is None:
                text += "; ahead of %s by %.1f%% (one round: no spread to judge that by)." % (second, lead)
            elif s["clear"]:
                text += "; ahead of %s by %.1f%%, more than the round-to-round spread (±%.1f%%)." % (
                    second, lead, s["noise"] * 100.0)
                wins[best] = wins.get(best, 0) + 1
            else:
                tied = [c[0] for c in cands if not speed(ba, c[1], key)["clear"]]
                text += "; its lead over %s (%.1f%%) is within the spread (±%.1f%%): no clear winner among %s." % (
                    second, lead, s["noise"] * 100.0, ", ".join(tied))
            behind = []
            for v, a in cands[1:]:
                sp = speed(a, ba, key)
                if sp and sp["clear"]:
                    behind.append("%s %.2f×" % (v, sp["ratio"]))
            if behind:
                text += " Clearly slower than %s: %s." % (best, ", ".join(behind))
        mm = [(v, res[(v, j)]["map_unmap_ns_per_req"]) for v in mode["variants"]
              if (v, j) in res and res[(v, j)].get("map_unmap_ns_per_req") is not None]
        if mm:
            mm.sort(key=lambda x: x[1])
            text += " Cheapest map+unmap: %s (%s ns/request" % (mm[0][0], fmt_num(mm[0][1], 0))
            page = res.get(("page", j), {}).get("map_unmap_ns_per_req")
            if page and mm[0][0] != "page":
                text += ", %.2f× page's" % (mm[0][1] / page)
            text += ")."
        lines.append(text)
    # Against the page baseline, path by path.
    better, worse = {}, {}
    for j in mode["jobs"]:
        for v in PATHS:
            sp = res.get((v, j), {}).get("vs_page")
            if v != "page" and sp and sp["clear"]:
                (better if sp["ratio"] > 1 else worse).setdefault(v, []).append(j)
    if better or worse:
        parts = []
        for v in PATHS:
            if v in better or v in worse:
                bits = []
                if v in better:
                    bits.append("faster in %s" % ", ".join(better[v]))
                if v in worse:
                    bits.append("slower in %s" % ", ".join(worse[v]))
                parts.append("%s %s" % (v, "; ".join(bits)))
        lines.append("- Against `page` beyond the spread: " + ". ".join(parts) + ".")
    if wins:
        order = sorted(wins.items(), key=lambda x: -x[1])
        lines.append("- Clear wins per path: " + ", ".join("%s %d" % w for w in order)
                     + " (of %d jobs)." % len(mode["jobs"]))
    else:
        lines.append("- No job has a single winner: in each, the best path's lead over the"
                     " runner-up is within the round-to-round spread%s." % (
            " (one round only: no spread to judge by)" if mode["rounds"] < 2 else ""))
    # How scattered the page-sized buffers really were, from the paths that
    # count the request's own segments (the others may count merged ones).
    pages = [j for j in mode["jobs"] if "pages" in j]
    for j in pages:
        segs = [res[(v, j)].get("segs_per_req") for v in ("page", "phys") if (v, j) in res]
        segs = [s for s in segs if s is not None]
        if segs:
            bs = size_bytes(mode["job_opts"].get(j, {}).get("bs", "4k"), 4096)
            want = bs / 4096.0
            got = statistics.median(segs)
            lines.append("- %s: %.1f physical segments per request on page/phys (%.0f if every 4 KiB page "
                         "is apart)%s." % (j, got, want,
                                          "" if got >= want * 0.95 else ": the buffer was NOT fully scattered"))
    return lines


# --- targets -----------------------------------------------------------------

def no_cell(mode, v, j, has, lacking):
    """Why the cell (v, j) of mode is not usable, or None if has(cell) holds.

    lacking: the reason to give when the cell ran but has() is false and
    fio gave no error.
    """
    a = mode["agg"].get((v, j))
    if v not in mode["variants"] or a is None:
        return "%s was not run" % v
    if a.get("skipped"):
        return "%s skipped: %s" % (v, re.sub(r"^skipped: *", "", a.get("error") or "?"))
    if not has(a):
        return "%s failed: %s" % (v, a.get("error") or lacking)
    return None


def no_figure(mode, v, j):
    """Why the cell (v, j) of mode has no map+unmap figure, or None if it has one."""
    return no_cell(mode, v, j, lambda a: a.get(MU) is not None, "no map+unmap figure")


def target_check(target, mode, j, v, than, limit, check, left_out=None):
    """One target: v's map+unmap time per request at most limit times than's."""
    res = mode["agg"]
    t = {"target": target, "mode": mode["label"], "job": j, "path": v, "than": than,
         "check": check, "ns": None, "than_ns": None, "limit_ratio": limit, "ratio": None,
         "spread": None, "result": "no data", "why": None}
    whys = [w for w in (no_figure(mode, v, j), no_figure(mode, than, j) if than else None) if w]
    if not than:
        whys.append("no fixed path has a figure (%s)" % "; ".join(left_out or []))
    a, b = res.get((v, j)) or {}, res.get((than, j)) or {}
    t["ns"], t["than_ns"] = a.get(MU), b.get(MU)
    if not whys and not t["than_ns"]:
        whys.append("%s's map+unmap time is 0" % than)
    if whys:
        t["why"] = "; ".join(whys)
        return t
    t["ratio"] = t["ns"] / t["than_ns"]
    if a.get(MU + "_spread") is not None and b.get(MU + "_spread") is not None:
        # The notion of the report's "≈": the two cells' spreads added up.
        t["spread"] = a[MU + "_spread"] + b[MU + "_spread"]
    over = (t["ratio"] / limit - 1.0) * 100.0
    if over <= 0:
        t["result"] = "met"
    elif t["spread"] is not None and over <= t["spread"]:
        t["result"] = "within the spread"
    else:
        t["result"] = "not met"
    if left_out:
        t["why"] = "not counted: " + "; ".join(left_out)
    return t


def targets(modes, t1_job=T1_JOB):
    """Issue 4's targets on the medians of the map+unmap time per request.

    1. strict, read-128k-pages-qd1: iova's and auto's at most a third of
       page's, and no more than sg's or upstream's;
    2. every mode and job: auto's no more than the cheapest fixed path's
       (phys, iova, page, sg), nor upstream's.
    One dict per check (targets.json): target ("1", "2"), mode,
    job, path, than (the path compared with), check (its words), ns and
    than_ns (the medians), limit_ratio, ratio (ns / than_ns), spread (the two
    figures' spreads added up, %; None after one round), result (one of
    TARGET_RESULTS) and why (no data: the reason; else a fixed path left out).
    If strict or its job did not run, target 1 is one line without data.
    t1_job: target 1's job (the instruction clock's figures call it "pages").
    """
    out = []
    st = [m for m in modes if m["label"] == T1_MODE]
    if not st or t1_job not in st[0]["jobs"]:
        # One line for the whole target, not six saying the same.
        out.append({"target": "1", "mode": T1_MODE, "job": t1_job, "path": None, "than": None,
                    "check": "iova, auto ≤ page/3, sg, upstream", "ns": None, "than_ns": None,
                    "limit_ratio": None, "ratio": None, "spread": None, "result": "no data",
                    "why": ("IOMMU mode %s was not run" % T1_MODE if not st else
                            "%s was not run in %s" % (t1_job, T1_MODE))})
    else:
        for v in ("iova", "auto"):
            for than, limit in (("page", 1.0 / 3), ("sg", 1.0), ("upstream", 1.0)):
                out.append(target_check("1", st[0], t1_job, v, than, limit, "%s ≤ %s%s" % (
                    v, than, "/3" if limit < 1 else "")))
    for m in modes:
        for j in m["jobs"]:
            have = [(m["agg"][(v, j)][MU], v) for v in FIXED if not no_figure(m, v, j)]
            left = [no_figure(m, v, j) for v in FIXED if no_figure(m, v, j)]
            cheap = min(have)[1] if have else None
            out.append(target_check("2", m, j, "auto", cheap, 1.0, "auto ≤ cheapest fixed%s" % (
                " (%s)" % cheap if cheap else ""), left))
            out.append(target_check("2", m, j, "auto", "upstream", 1.0, "auto ≤ upstream"))
    return out


def target_result(t):
    """The result column of one target: the result and what it rests on."""
    if t["result"] == "no data":
        return "no data: " + t["why"]
    text = t["result"]
    if t["result"] != "met":
        text += " (%.1f%% over the limit, %s)" % (
            (t["ratio"] / t["limit_ratio"] - 1.0) * 100.0,
            "spread ±%.1f%%" % t["spread"] if t["spread"] is not None else
            "one round: no spread to judge by")
    if t["why"]:
        text += "; " + t["why"]
    return text


def target_rows(modes, checks=None):
    """Header and rows of the targets table, and the tally line."""
    head = ["mode", "job", "target", "check", "ns/req", "than ns/req", "ratio", "limit", "result"]
    rows, count = [], dict.fromkeys(TARGET_RESULTS, 0)
    agg = {m["label"]: m["agg"] for m in modes}
    for t in checks if checks is not None else targets(modes):
        count[t["result"]] += 1
        figs = []
        for v, key in ((t["path"], "ns"), (t["than"], "than_ns")):
            a = agg.get(t["mode"], {}).get((v, t["job"]))
            figs.append(cell_text(a, MU, 0) if a and t[key] is not None else "n/a")
        rows.append([t["mode"], t["job"], t["target"], t["check"]] + figs + [
            "{:.2f}×".format(t["ratio"]) if t["ratio"] is not None else "n/a",
            "≤ {:.2f}×".format(t["limit_ratio"]) if t["limit_ratio"] else "n/a", target_result(t)])
    tally = "targets: %d met, %d within the spread, %d not met, %d without data" % tuple(
        count[r] for r in TARGET_RESULTS)
    return head, rows, tally


# --- parity with the in-tree driver (issue 17) ----------------------------------

T17 = "17"
PARITY_PATH = "auto"
# auto/in-tree of the headline figure, median of the per-round ratios, at
# least this for these jobs; at most PARITY_LAT for every p50-latency job.
PARITY_JOBS = [("randread-4k-qd32", "iops", 0.95), ("seqread-1m", "mbps", 0.95)]
PARITY_LAT = 1.0
PARITY_DB_JOB = "randread-4k-qd32"
FIGURE_NAMES = {"p50_us": "p50 latency", "iops": "IOPS", "mbps": "MB/s",
                "db_per_io": "doorbell writes/IO"}


def no_rounds(mode, v, j):
    """Why the cell (v, j) of mode has no round that worked, or None if it has one."""
    return no_cell(mode, v, j, lambda a: a.get("rounds"), "no round worked")


def paired(mode, j, key=None, v=PARITY_PATH, ref=INTREE):
    """The ratios v/ref of job j's headline figure, round by round, in one mode.

    Only rounds in which both cells worked make a pair: the two ran in the
    same round, so whatever moved the whole guest from round to round moves
    both.  key: the figure (default: the job's headline figure).  The ratio
    is v's figure over ref's whatever the figure: for a p50 latency below 1
    is faster, for IOPS and MB/s above 1.  Returns a dict:
    figure (the key), ratios ([round, ratio] per pair), pairs, median, min
    and max of the ratios (None without pairs), and why (without pairs: the
    reason).
    """
    key = key or mode["headline"][j][0]
    good = {}
    for x in (v, ref):
        good[x] = {r["round"]: r[key] for r in mode["cells"].get((x, j), [])
                   if r.get("ok") and r.get(key) is not None}
    return pair_rounds(key, good[v], good[ref], (v, ref), "round", [
        w for w in (no_rounds(mode, v, j), no_rounds(mode, ref, j)) if w])


def pair_rounds(key, a, b, names, what, whys):
    """paired()'s dict from two dicts round -> figure: the ratios a/b of
    the rounds both have.  names: a's and b's (for why); what: what a
    round is called there; whys: why there can be no pairs, if known."""
    out = {"figure": key, "ratios": [], "pairs": 0, "median": None, "min": None, "max": None,
           "why": None}
    for rnd in sorted(set(a) & set(b)):
        if b[rnd]:
            out["ratios"].append([rnd, a[rnd] / b[rnd]])
    vals = [r[1] for r in out["ratios"]]
    if vals:
        out.update(pairs=len(vals), median=statistics.median(vals), min=min(vals), max=max(vals))
        return out
    if not whys:
        whys = ["no %s in which both worked (%s: %s %s; %s: %s %s)" % (
            what, names[0], what, ", ".join(str(r) for r in sorted(a)) or "none",
            names[1], what, ", ".join(str(r) for r in sorted(b)) or "none")]
    out["why"] = "; ".join(whys)
    return out


def parity_check(mode, j, key, limit, lower):
    """One target of issue 17 on the paired ratios auto/in-tree of job j:
    of the rounds (paired()), or for db_per_io of the counting rounds
    (count_paired(); then value and than_value: the two medians)."""
    t = {"target": T17, "mode": mode["label"], "job": j, "path": PARITY_PATH, "than": INTREE,
         "check": "auto/in-tree %s %s %g" % (FIGURE_NAMES.get(key, key), "≤" if lower else "≥", limit),
         "figure": key, "pairs": 0, "ratio": None, "min": None, "max": None, "limit_ratio": limit,
         "lower": lower, "value": None, "than_value": None, "result": "no data", "why": None}
    if key == "db_per_io":
        p = count_paired(mode, j)
        t["value"], t["than_value"] = p["value"], p["than_value"]
    elif j not in mode["jobs"]:
        t["why"] = "%s was not run in %s" % (j, mode["label"])
        return t
    else:
        p = paired(mode, j, key)
    t["pairs"], t["ratio"], t["min"], t["max"] = p["pairs"], p["median"], p["min"], p["max"]
    if not p["pairs"]:
        t["why"] = p["why"]
        return t
    if (t["ratio"] <= limit) if lower else (t["ratio"] >= limit):
        t["result"] = "met"
    elif (t["min"] <= limit) if lower else (t["max"] >= limit):
        # Some round is on the right side of the limit: the median is not,
        # but the rounds scatter across it.
        t["result"] = "within the spread"
    else:
        t["result"] = "not met"
    if p["pairs"] < 2:
        t["why"] = "one round: no spread"
    return t


def count_paired(mode, j, v=PARITY_PATH, ref=INTREE):
    """paired()'s dict for the doorbell writes per I/O of job j in the
    counting pass: the ratios v/ref per counting round in which both were
    counted by the same source; also value and than_value, the two cells'
    medians over their counting rounds (None without pairs)."""
    cnt = mode.get("count") or {}
    whys, runs = [], {v: {}, ref: {}}
    if not cnt.get("ran"):
        whys.append("the counting pass did not run (%s)" % (cnt.get("why") or "no count/ folder"))
    for x in (v, ref) if cnt.get("ran") else ():
        c = cnt["cells"].get((x, j))
        if c is None:
            whys.append("%s was not counted in %s" % (x, j))
            continue
        if c["db_per_io"] is None:
            whys.append("%s: %s" % (x, c["error"] or c["why"] or "no doorbell count"))
        runs[x] = {r["round"]: r for r in c["runs"] if r["db_per_io"] is not None}
    both = set(runs[v]) & set(runs[ref])
    same = {n for n in both if runs[v][n]["db_source"] == runs[ref][n]["db_source"]}
    if not whys and both and not same:
        whys.append("counted by different sources (%s: %s, %s: %s)" % (
            v, cnt["cells"][(v, j)]["db_source"], ref, cnt["cells"][(ref, j)]["db_source"]))
    p = pair_rounds("db_per_io", *[{n: r["db_per_io"] for n, r in runs[x].items()
                                    if n in same or n not in both} for x in (v, ref)],
                    names=(v, ref), what="counting round", whys=whys)
    p["value"] = p["than_value"] = None
    if p["pairs"]:
        p["value"], p["than_value"] = (cnt["cells"][(x, j)]["db_per_io"] for x in (v, ref))
    return p


def doorbell_check(mode, j=PARITY_DB_JOB):
    """Issue 17: auto's doorbell writes per I/O at most the in-tree driver's
    (counting pass), on the ratios paired per counting round."""
    return parity_check(mode, j, "db_per_io", 1.0, True)


def parity_targets(modes):
    """Issue 17's targets, auto against the in-tree driver, in every mode.

    a. randread-4k-qd32 IOPS and seqread-1m MB/s: the median of the
       per-round ratios auto/in-tree (paired()) at least 0.95: met; below,
       but the largest ratio at least 0.95: within the spread; else not met;
    b. every job whose headline figure is the p50 latency: the median ratio
       auto/in-tree at most 1: met; above, but the smallest at most 1:
       within the spread; else not met;
    c. randread-4k-qd32, from the counting pass: the median of the ratios
       auto/in-tree of the doorbell writes per I/O, paired per counting
       round (count_paired()), at most 1; judged as b.
    One pair judges too, but says "one round: no spread" in why.  One dict
    per check (after issue 4's in targets.json): target ("17"), mode, job,
    path ("auto"), than ("in-tree"), check (its words), figure (the key
    compared), pairs, ratio (the median ratio), min, max, limit_ratio,
    lower (True: at most the limit), value and than_value (c: the two
    drivers' medians of doorbell writes per I/O over the counting rounds;
    else None), result (one of TARGET_RESULTS) and why (no data: the reason).
    """
    out = []
    for m in modes:
        for j, key, limit in PARITY_JOBS:
            out.append(parity_check(m, j, key, limit, False))
        for j in m["jobs"]:
            if m["headline"][j][0] == "p50_us":
                out.append(parity_check(m, j, "p50_us", PARITY_LAT, True))
        out.append(doorbell_check(m))
    return out


def parity_result(t):
    """The result column of one parity target."""
    if t["result"] == "no data":
        return "no data: " + t["why"]
    text = t["result"]
    if t["figure"] == "db_per_io":
        text += " (medians: auto %.2f, in-tree %.2f per I/O)" % (t["value"], t["than_value"])
    if t["why"]:
        text += "; " + t["why"]
    return text


def parity_rows(checks):
    """Header and rows of the parity table, and its tally line."""
    head = ["mode", "job", "figure", "pairs", "median ratio", "[min, max]", "limit", "result"]
    rows, count = [], dict.fromkeys(TARGET_RESULTS, 0)
    for t in checks:
        count[t["result"]] += 1
        db = t["figure"] == "db_per_io"
        fig = FIGURE_NAMES.get(t["figure"], t["figure"])
        rows.append([
            t["mode"], t["job"], fig + (" (counted)" if db else ""), str(t["pairs"]),
            "{:.3f}×".format(t["ratio"]) if t["ratio"] is not None else "n/a",
            "[{:.3f}, {:.3f}]".format(t["min"], t["max"]) if t["min"] is not None else "—",
            "%s %.2f×" % ("≤" if t["lower"] else "≥", t["limit_ratio"]), parity_result(t)])
    tally = "parity: %d met, %d within the spread, %d not met, %d without data" % tuple(
        count[r] for r in TARGET_RESULTS)
    return head, rows, tally


PARITY_TEXT = ("Issue 17's targets, reported, not enforced: auto against the in-tree driver "
               "on the job's headline figure, as ratios of the two cells of the same round "
               "(rounds where either failed are left out), so that whatever moves the whole "
               "guest from round to round moves both: (a) randread-4k-qd32 IOPS and seqread-1m "
               "MB/s, auto/in-tree at least 0.95; (b) every one-I/O-at-a-time job, p50 latency "
               "auto/in-tree at most 1 (below 1: auto is faster); (c) randread-4k-qd32, "
               "doorbell writes per I/O in the counting pass, auto/in-tree at most 1, paired per "
               "counting round (pairs: counting rounds).  median ratio: the median of the "
               "per-round ratios; [min, max]: the smallest and largest.  `within the spread`: "
               "the median misses the limit, but some round's ratio meets it.  Which controller each driver has moves the "
               "queue-depth figures too (docs/parity.md).")


def count_rows(mode):
    """Header and rows of one mode's counting-pass table, and the notes under it."""
    cnt = mode["count"]
    head = ["job", "path", "rounds", "I/Os", "irq/IO", "SQ db/IO", "CQ db/IO", "db/IO"]
    rows, notes = [], []
    jobs = list(mode["jobs"]) + sorted({j for _v, j in cnt["cells"]} - set(mode["jobs"]))
    order = [INTREE, PARITY_PATH] + [v for v in PATHS if v != PARITY_PATH]
    f2 = lambda x: "%.2f" % x if x is not None else "n/a"

    def fig(c, k):
        # The median, and [min, max] when counting rounds differ in it.
        if c[k] is None or c[k + "_min"] == c[k + "_max"]:
            return f2(c[k])
        return "%s [%s, %s]" % (f2(c[k]), f2(c[k + "_min"]), f2(c[k + "_max"]))
    for j in jobs:
        for v in order:
            c = cnt["cells"].get((v, j))
            if c is None:
                if v in (INTREE, PARITY_PATH):
                    rows.append([j, v, "0/%d" % cnt["rounds"]] + ["n/a"] * 5)
                    notes.append("- %s / %s: not counted (no count/%s%s.%s.* files)." % (
                        j, v, "cN." if cnt["layout"] == "rounds" else "", j, v))
                continue
            rows.append([j, v, "%d/%d" % (c["counted"], cnt["rounds"]), fmt_num(c["ios"], 0)] + [
                fig(c, k) for k in ("irq_per_io", "sq_db_per_io", "cq_db_per_io", "db_per_io")])
            if c["error"] or c["why"]:
                notes.append("- %s / %s: %s." % (j, v, c["error"] or c["why"]))
            if c["db_source"] == "qemu" and c["driver_sq_mmio_per_io"] is not None:
                notes.append("- %s / %s: nvme-phys's own counters: %s SQ + %s CQ doorbell writes per "
                             "I/O (QEMU's: %s + %s)." % (
                                 j, v, fig(c, "driver_sq_mmio_per_io"), fig(c, "driver_cq_mmio_per_io"),
                                 fig(c, "sq_db_per_io"), fig(c, "cq_db_per_io")))
    return head, rows, notes


def count_title(mode):
    n, rounds = mode["count"]["ios_asked"], mode["count"]["rounds"]
    return "Interrupts and doorbell writes per I/O (untimed counting pass%s%s)" % (
        ", %s I/Os per run" % fmt_num(n, 0) if n else "",
        ", %d counting rounds: medians [min, max]" % rounds if rounds > 1 else "")


def count_report(mode):
    """The lines of one mode's counting-pass table in the report."""
    cnt = mode["count"]
    if not cnt["ran"]:
        return ["The counting pass (interrupts and doorbell writes per I/O) did not run (%s)." % cnt["why"]]
    src = {"qemu": "QEMU's trace events of the controller's doorbell registers, for both drivers",
           "driver": "nvme-phys's debugfs counters (`doorbells`: sq_mmio, cq_mmio); none for the "
                     "in-tree driver"}.get(cnt["source"], "QEMU's trace events where there are any, "
                                                            "else nvme-phys's debugfs counters")
    L = ["**%s.**" % count_title(mode), "",
         "Each job once more on the in-tree driver and on auto after the rounds, not timed%s.  "
         "rounds: the counting rounds that counted the run, of those that ran; "
         "I/Os: the reads and writes the disk completed (/proc/diskstats); irq: the interrupts "
         "of the controller's vectors (/proc/interrupts, all CPUs); doorbell writes (db): %s.%s" % (
             ", in %d counting rounds, the driver that goes first alternating" % cnt["rounds"]
             if cnt["rounds"] > 1 else "", src,
             "  Each figure is the median over the counting rounds, with [min, max] where they "
             "differ; the parity target on doorbell writes pairs the two drivers per counting "
             "round." if cnt["rounds"] > 1 else
             "  One counting run per driver (a run from before the counting rounds): too few to "
             "judge a difference by." if cnt["layout"] == "single" else ""),
         ""]
    head, rows, notes = count_rows(mode)
    L.extend(md_table(head, rows))
    if notes:
        L.append("")
        L.extend(notes)
    return L


# --- the instruction clock -------------------------------------------------------

IC_SHAPES = ["4k", "pages", "huge"]
IC_T1 = "pages"
IC_FILE = os.path.join("icount", "map-cost.txt")


def load_icount(run_dir):
    """The map-cost runs (fio-jobs/map-cost-run) of each mode that has one.

    One pseudo-mode per IOMMU mode, shaped like analyse()'s for the target
    checks: agg[(path, shape)] holds MU (map+unmap ns per request on the
    instruction clock) and segs (bio_vecs per request); jobs are the shapes.
    A line whose figures are missing becomes a cell with an error.
    """
    out = []
    for label in sorted(os.listdir(run_dir)) if os.path.isdir(run_dir) else []:
        path = os.path.join(run_dir, label, IC_FILE)
        if not os.path.isfile(path):
            continue
        m = {"label": label, "agg": {}, "variants": [], "jobs": []}
        with open(path, encoding="utf-8") as f:
            rows = [l.split() for l in f.read().splitlines()[1:] if l.strip()]
        for r in rows:
            if len(r) < 2:
                continue
            shape, v = r[0], r[1]
            if shape not in m["jobs"]:
                m["jobs"].append(shape)
            if v not in m["variants"]:
                m["variants"].append(v)
            try:
                req, segs, _, _, mp, um = (int(x) for x in r[2:8])
            except ValueError:
                m["agg"][(v, shape)] = {MU: None, "error": "no figures in map-cost.txt"}
                continue
            m["agg"][(v, shape)] = {MU: (mp + um) / req if req else None, "requests": req,
                                    "segs": segs / req if req else None,
                                    "error": None if req else "no request mapped"}
        m["jobs"].sort(key=lambda j: IC_SHAPES.index(j) if j in IC_SHAPES else 99)
        out.append(m)
    return ordered(out)


def icount_targets(ic):
    return targets(ic, IC_T1)


def icount_rows(m):
    """One row per shape: ns per request on each path, and ratios to page and upstream."""
    head = ["shape"] + [v for v in PATHS if v in m["variants"]] + ["iova/page", "auto/upstream"]
    rows = []
    for j in m["jobs"]:
        a = {v: (m["agg"].get((v, j)) or {}).get(MU) for v in PATHS}
        row = [j] + ["%.0f" % a[v] if a[v] is not None else "n/a" for v in PATHS if v in m["variants"]]
        for x, y in (("iova", "page"), ("auto", "upstream")):
            row.append("%.3f" % (a[x] / a[y]) if a.get(x) is not None and a.get(y) else "n/a")
        rows.append(row)
    return head, rows


ICOUNT_TEXT = ("IOMMU modes booted once more with `tests/vm/run --icount`: QEMU's clock "
               "then counts guest instructions, one ns each, so these figures depend on the "
               "code and the buffer only, not on the host's load: the fixed paths repeat to "
               "within 1% from boot to boot; auto's own choice can still vary where two paths "
               "are close.  fio-jobs/map-cost-run reads with O_DIRECT into buffers of a checked "
               "shape: `4k` (one page), `pages` (128 KiB of 32 pages no two of which are "
               "physically adjacent: 32 segments) and `huge` (128 KiB in a 2 MiB huge page: 1 "
               "segment), every path alike.  What this clock leaves out is what the emulated "
               "hardware costs outside the guest's instructions: IOMMU invalidations count only "
               "as the instructions that queue and wait for them, so paths that invalidate per "
               "segment (phys, page) look cheaper here than on real hardware.  The targets are "
               "checked on these figures too, from one run: a figure over its limit is not met.  "
               "auto's figure holds what it costs to choose (the model's bookkeeping, some 50 "
               "instructions a request) and to explore (at most 1/128 of the cheaper path's cost), "
               "so where one path is the cheaper for every request of a shape, auto comes that "
               "much over it on this clock, never under: `auto ≤ cheapest fixed` is then not met "
               "by that margin, and its ratio says how large the margin is.")


def icount_report(ic):
    L = ["## Map+unmap on the instruction clock", "", ICOUNT_TEXT, ""]
    for m in ic:
        L.append("**%s** (map+unmap ns per request; ratios of those):" % m["label"])
        L.append("")
        head, rows = icount_rows(m)
        L.extend(md_table(head, rows))
        L.append("")
    head, rows, tally = target_rows(ic, icount_targets(ic))
    L.extend(md_table(head, rows))
    L.append("")
    L.append(tally + " (instruction clock).")
    L.append("")
    return L


# --- writing -----------------------------------------------------------------

def summary(modes):
    """summary.json: mode -> path -> job -> the cell's medians (SUMMARY_KEYS).

    auto's cells also hold paired_vs_intree (paired(): the per-round ratios
    auto/in-tree of the headline figure, their median, min and max), and
    the cells the counting pass counted hold count (load_count()'s figures
    of the cell: medians over the counting rounds, _min, _max, and runs,
    each counting round's figures), auto's count also paired_vs_intree
    (count_paired(): the doorbell writes per I/O auto/in-tree per counting
    round); without a counting pass there is no count key.
    """
    out = {}
    for m in modes:
        d = out.setdefault(m["label"], {})
        counted = m.get("count", {}).get("cells", {})
        for v in m["variants"]:
            for j in m["jobs"]:
                a = m["agg"].get((v, j))
                if a is None:
                    continue
                cell = {k: a.get(k) for k in SUMMARY_KEYS}
                if v == INTREE:
                    cell["map_unmap_ns_per_req"] = None
                if a.get("skipped"):
                    cell["skipped"] = True
                if a.get("error"):
                    cell["error"] = a["error"]
                if v == PARITY_PATH and j in m.get("paired", {}):
                    cell["paired_vs_intree"] = m["paired"][j]
                if (v, j) in counted:
                    cell["count"] = dict(counted[(v, j)])
                    if v == PARITY_PATH:
                        cell["count"]["paired_vs_intree"] = count_paired(m, j)
                d.setdefault(v, {})[j] = cell
    return out


def cell_text(a, key, digits):
    if a.get(key) is None:
        return "n/a"
    sp = a.get(key + "_spread")
    return "%s ±%.0f%%" % (fmt_num(a[key], digits), sp) if sp is not None else fmt_num(a[key], digits)


def table_rows(mode, spreads=True):
    """Header and rows of one mode's table (lists of strings)."""
    head = ["job", "path"] + ["%s %s" % (m[1], m[2]) if m[2] else m[1] for m in METRICS] + [
        "segs/req", "× page", "× in-tree", "rounds"]
    rows = []
    for j in mode["jobs"]:
        for v in mode["variants"]:
            a = mode["agg"].get((v, j))
            if a is None:
                continue
            row = [j, v]
            if a.get("error") and not a.get("rounds"):
                tag = "skipped" if a.get("skipped") else "FAILED"
                why = re.sub(r"^skipped: *", "", a["error"])
                row += [tag] + ["—"] * (len(METRICS) + 2) + [
                    ("%s: %s" % (tag, why)) if a.get("skipped") else
                    "0/%d (%s)" % (a.get("planned", 0), "; ".join(a.get("failures") or [why]))]
                rows.append(row)
                continue
            for key, _t, _u, digits, _l in METRICS:
                if v == INTREE and key == "map_unmap_ns_per_req":
                    row.append("n/a (in-tree)")
                elif spreads:
                    row.append(cell_text(a, key, digits))
                else:
                    row.append(fmt_num(a.get(key), digits))
            row.append("n/a (in-tree)" if v == INTREE else fmt_num(a.get("segs_per_req"), 1))
            row.append(fmt_ratio(a.get("vs_page")))
            row.append(fmt_ratio(a.get("vs_intree")))
            note = "%d/%d" % (a["rounds"], a["planned"])
            why = list(a["failures"])
            if a.get("missing"):
                why.append("round%s %s not run" % ("s" if len(a["missing"]) > 1 else "",
                                                 ", ".join(str(r) for r in a["missing"])))
            if why:
                note += " (" + "; ".join(why) + ")"
            row.append(note)
            rows.append(row)
    return head, rows


def md_table(head, rows):
    esc = lambda s: str(s).replace("|", "\\|")
    out = ["| " + " | ".join(esc(h) for h in head) + " |",
           "|" + "|".join("---" for _ in head) + "|"]
    for r in rows:
        out.append("| " + " | ".join(esc(c) for c in r) + " |")
    return out


def text_table(head, rows, left=(0, 1)):
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)] if rows else [len(h) for h in head]
    fmt = lambda r: "  ".join(str(c).ljust(w) if i in left else str(c).rjust(w)
                              for i, (c, w) in enumerate(zip(r, widths))).rstrip()
    return [fmt(head), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows]


def steadiness(modes, previous):
    lines = []
    for m in modes:
        lines.append("### %s" % m["label"])
        lines.append("")
        lines.append("Spread over rounds (half the range of the rounds, relative to the median), over all cells:")
        lines.append("")
        lines.append("| figure | median spread | largest spread (cell) |")
        lines.append("|---|---|---|")
        for key, title, unit, _d, _l in METRICS:
            sps = [(a.get(key + "_spread"), v, j) for (v, j), a in m["agg"].items()
                   if a.get(key + "_spread") is not None]
            if not sps:
                continue
            sps.sort(key=lambda x: x[0])
            worst = sps[-1]
            lines.append("| %s | ±%.1f%% | ±%.1f%% (%s, %s) |" % (
                title, statistics.median([s[0] for s in sps]), worst[0], worst[2], worst[1]))
        done = m["rounds"] - len(m.get("missing_rounds", []))
        if done < 2:
            lines.append("| (all) | — | only %d round ran: no spread |" % done)
        elif done < 3:
            lines.append("")
            lines.append("Only %d rounds ran: the spread says little." % done)
        lines.append("")
    if previous is None:
        lines.append("No earlier run in the same output folder to compare with.")
        return lines
    prev_dir, prev = previous
    lines.append("### Against the previous run (%s)" % prev_dir)
    lines.append("")
    lines.append("Differences of each cell's headline figure, and of its ratio to `page` "
                 "(under TCG whole-guest speed moves between boots; ratios within a boot are what count):")
    lines.append("")
    lines.append("| mode | cells in both | headline: median / largest change | × page: median / largest change |")
    lines.append("|---|---|---|---|")
    for m in modes:
        pm = prev.get(m["label"])
        if not pm:
            lines.append("| %s | 0 | — | — |" % m["label"])
            continue
        d_abs, d_rel = [], []
        for j in m["jobs"]:
            key = m["headline"][j][0]
            for v in m["variants"]:
                a = m["agg"].get((v, j))
                p = pm.get(v, {}).get(j)
                if not a or not p or a.get(key) is None or p.get(key) in (None, 0):
                    continue
                d_abs.append(((a[key] - p[key]) / p[key] * 100.0, v, j))
                ppage = pm.get("page", {}).get(j, {}).get(key)
                apage = m["agg"].get(("page", j), {}).get(key)
                if ppage and apage and v != "page":
                    d_rel.append(((a[key] / apage) / (p[key] / ppage) * 100.0 - 100.0, v, j))
        if not d_abs:
            lines.append("| %s | 0 | — | — |" % m["label"])
            continue
        big = max(d_abs, key=lambda x: abs(x[0]))
        cell = "%+.1f%% / %+.1f%% (%s, %s)" % (statistics.median([x[0] for x in d_abs]), big[0], big[2], big[1])
        rcell = "—"
        if d_rel:
            bigr = max(d_rel, key=lambda x: abs(x[0]))
            rcell = "%+.1f%% / %+.1f%% (%s, %s)" % (
                statistics.median([x[0] for x in d_rel]), bigr[0], bigr[2], bigr[1])
        lines.append("| %s | %d | %s | %s |" % (m["label"], len(d_abs), cell, rcell))
    return lines


def find_previous(run_dir):
    """The newest other run next to run_dir that has a summary.json."""
    parent = os.path.dirname(os.path.abspath(run_dir))
    me = os.path.basename(os.path.abspath(run_dir))
    try:
        names = sorted(os.listdir(parent), reverse=True)
    except OSError:
        return None
    for n in names:
        if n == me or n > me:
            continue
        f = os.path.join(parent, n, "summary.json")
        if os.path.isfile(f):
            try:
                with open(f, encoding="utf-8") as fh:
                    return n, json.load(fh)
            except ValueError:
                continue
    return None


def ordered(modes):
    return sorted(modes, key=lambda m: (MODE_ORDER.index(m["label"]) if m["label"] in MODE_ORDER else 99, m["label"]))


def report(run_dir, modes, meta, previous, plots):
    L = []
    L.append("# nvme-phys: DMA mapping paths compared with fio")
    L.append("")
    started = meta.get("started") or "?"
    L.append("Run %s, `%s`, %s." % (started, meta.get("command", "fio-jobs/compare"),
                                    "inside QEMU (TCG) guests" if meta.get("guest") else "on real hardware"))
    first = modes[0]["info"] if modes else {}
    L.append("Kernel %s, %s, %s CPU(s); %d round(s) of every job on every path per mode; each run "
             "%s measured after a %s ramp that is not counted; offsets within the first %s of each "
             "namespace." % (
                 first.get("kernel", "?"), first.get("fio", "fio ?"), first.get("cpus", "?"),
                 modes[0]["rounds"] if modes else 0, human_time(first.get("runtime", "?")),
                 human_time(first.get("ramp", "0")), first.get("size", "?")))
    for m in modes:
        if m["info"].get("budget"):
            L.append("")
            L.append("Note (%s): %s." % (m["label"], m["info"]["budget"]))
    for mode, why in sorted(meta.get("mode_rc", {}).items()):
        L.append("")
        L.append("Note (%s): the run ended early or with an error: %s; see %s/console.log and %s/dmesg." % (
            mode, why, mode, mode))
    L.append("")
    L.append("How to read the tables:")
    L.append("")
    L.append("- Each figure is the median over the rounds; `±x%` is half the range over the rounds, "
             "relative to the median.")
    L.append("- p50/p99/p99.9: percentiles of the total latency of an I/O (submission to completion, "
             "fio `lat_percentiles`), in µs.  Under TCG the emulated device often completes a command "
             "while the doorbell write is still being handled, which makes fio's completion latency "
             "alone (clat) meaningless there; the raw JSON has both.")
    L.append("- sys CPU/IO: kernel CPU time (system + irq + softirq, all CPUs, from /proc/stat) over the run, "
             "divided by the I/Os of the job's block size that the disk completed in the same window "
             "(from /proc/diskstats).")
    L.append("- map+unmap/req: (map_ns + unmap_ns) / requests from the driver's debugfs statistics of the "
             "path (`dma/<path>`), reset before each run; n/a for the in-tree driver.  segs/req: segs_in / "
             "requests, the physical segments each request had.")
    L.append("- × page, × in-tree: how much faster than `page` or than the in-tree driver, on the job's "
             "headline figure (p50 latency for one-I/O-at-a-time jobs, IOPS for small-block queue depth, "
             "bandwidth for large blocks): above 1 is faster.  `≈` marks a difference within the "
             "combined round-to-round spread of the two cells.")
    L.append("- Paths: auto, phys, iova, page, sg, upstream are nvme-phys's mapping paths (switched "
             "through sysfs `dma_path` between runs); in-tree is the kernel's own nvme driver on the "
             "other, identical controller.  Each round runs all jobs on all paths before the next "
             "round starts; the order of the paths rotates from round to round.")
    for m in modes:
        info = m["info"]
        L.append("")
        L.append("## IOMMU mode: %s" % m["label"])
        L.append("")
        det = info.get("iommu", "?")
        L.append("Runs of %s after a %s ramp; %d of %d round(s) ran." % (
            human_time(info.get("runtime", "?")), human_time(info.get("ramp", "0")),
            m["rounds"] - len(m.get("missing_rounds", [])), m["rounds"]))
        L.append("nvme-phys on %s (%s, %s), in-tree driver on %s; the device sees the IOMMU as `%s`%s; "
                 "kernel command line `%s`." % (
                     info.get("phys_dev", "?"), info.get("phys_bdf", "?"), info.get("phys_model", "?"),
                     info.get("intree_dev") or "none", det,
                     "" if det == m["label"] or m["label"] == "dev" else " (NOT the mode asked for!)",
                     info.get("cmdline", "?")))
        L.append("")
        head, rows = table_rows(m)
        L.extend(md_table(head, rows))
        L.append("")
        L.extend(count_report(m))
        L.append("")
        L.append("**Verdict (%s).**" % m["label"])
        L.append("")
        L.extend(m["verdict"])
        pl = [p for p in plots if ("-%s." % m["label"]) in p]
        if pl:
            L.append("")
            for p in pl:
                L.append("![%s](%s)" % (p, p))
    L.append("")
    L.append("## Targets")
    L.append("")
    L.append("The targets of issue 4, on the median map+unmap time per request (reported, not "
             "enforced): (1) strict IOMMU, %s: `iova`'s and `auto`'s at most a third of `page`'s, "
             "and no more than `sg`'s or `upstream`'s; (2) every mode and job: `auto`'s no more than "
             "the cheapest fixed path's (phys, iova, page, sg) nor `upstream`'s.  ratio: ns/req over "
             "than ns/req.  `within the spread`: over the limit by less than the combined "
             "round-to-round spread of the two figures (as for `≈`)." % T1_JOB)
    L.append("")
    head, rows, tally = target_rows(modes)
    L.extend(md_table(head, rows))
    L.append("")
    L.append(tally + ".")
    L.append("")
    L.append("## Parity with the in-tree driver (paired per round)")
    L.append("")
    L.append(PARITY_TEXT)
    L.append("")
    head, rows, tally = parity_rows(parity_targets(modes))
    L.extend(md_table(head, rows))
    L.append("")
    L.append(tally + ".")
    L.append("")
    ic = load_icount(run_dir)
    if ic:
        L.extend(icount_report(ic))
    L.append("## Steadiness")
    L.append("")
    L.extend(steadiness(modes, previous))
    fails = []
    for m in modes:
        if m.get("missing_rounds"):
            fails.append("- %s: round%s %s did not run%s" % (
                m["label"], "s" if len(m["missing_rounds"]) > 1 else "",
                ", ".join(str(r) for r in m["missing_rounds"]),
                " (" + meta["mode_rc"][m["label"]] + ")" if meta.get("mode_rc", {}).get(m["label"]) else ""))
        for (v, j), a in sorted(m["agg"].items(), key=lambda x: (x[0][1], x[0][0])):
            for f in a.get("failures", []):
                fails.append("- %s / %s / %s, %s" % (m["label"], j, v, f))
            if a.get("skipped"):
                fails.append("- %s / %s / %s: skipped: %s" % (m["label"], j, v, re.sub(r"^skipped: *", "", a["error"])))
    if fails:
        L.append("")
        L.append("## Failed and skipped runs")
        L.append("")
        L.extend(fails)
    L.append("")
    L.append("## Files")
    L.append("")
    L.append("- `summary.json`: the medians per mode, path and job (auto's also its paired ratios "
             "to the in-tree driver, the counted cells their counts per I/O); `targets.json`: the "
             "targets' results, issue 4's and then the parity targets.")
    if ic:
        L.append("- `targets-icount.json`: the same checks on the instruction clock; "
                 "`<mode>/icount/`: its boot, with `map-cost.txt` (fio-jobs/map-cost-run's totals "
                 "per shape and path), the console log and dmesg.")
    L.append("- `<mode>/raw/`: fio's JSON and messages per round (`rN/fio.json`, `rN/fio.log`), the job "
             "file fio ran (`rN/job.fio`), the driver statistics (`rN/<job>.<path>.dma`) and CPU/disk "
             "snapshots (`.pre`, `.post`) per run; `count/`: the counting pass's snapshots (with "
             "`irq`), doorbell counters (`.doorbells`) and QEMU's counts (`.qemu`), "
             "`cN.<job>.<path>.*` for counting round N; "
             "`<mode>/console.log`, `<mode>/dmesg`: the guest's.")
    if plots:
        L.append("- Plots: " + ", ".join("`%s`" % p for p in plots) + ".")
    return "\n".join(L) + "\n"


def human_time(t):
    t = str(t)
    if t.endswith("ms"):
        ms = int(t[:-2] or 0)
        return "%g s" % (ms / 1000.0) if ms >= 1000 else "%d ms" % ms
    if t.endswith("s"):
        return t[:-1] + " s"
    return t + " s"


def plot_data(modes):
    out = {"latency": {}, "map_unmap": {}}
    for m in modes:
        lat = out["latency"].setdefault(m["label"], {})
        mu = out["map_unmap"].setdefault(m["label"], {})
        for j in m["jobs"]:
            for v in m["variants"]:
                a = m["agg"].get((v, j))
                if not a or not a.get("curve"):
                    continue
                pts = sorted(a["curve"].items())
                lat.setdefault(j, {})[v] = {"pct": [p for p, _ in pts], "us": [u for _, u in pts]}
                if a.get("map_unmap_ns_per_req") is not None and v != INTREE:
                    mu.setdefault(j, {})[v] = {
                        "median": a["map_unmap_ns_per_req"],
                        "min": a.get("map_unmap_ns_per_req_min"),
                        "max": a.get("map_unmap_ns_per_req_max"),
                    }
    return out


def build(run_dir, meta=None):
    """Read every mode of run_dir, write summary.json, targets.json and plotdata.json; return the modes."""
    raws = find_raw_dirs(run_dir)
    if not raws:
        raise BenchError("no results in %s (no <mode>/raw/info)" % run_dir)
    modes = ordered([analyse(load_mode(r)) for r in raws])
    with open(os.path.join(run_dir, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary(modes), f, indent=1, sort_keys=False)
        f.write("\n")
    with open(os.path.join(run_dir, "targets.json"), "w", encoding="utf-8") as f:
        json.dump(targets(modes) + parity_targets(modes), f, indent=1)
        f.write("\n")
    with open(os.path.join(run_dir, "plotdata.json"), "w", encoding="utf-8") as f:
        json.dump(plot_data(modes), f)
    ic = load_icount(run_dir)
    if ic:
        with open(os.path.join(run_dir, "targets-icount.json"), "w", encoding="utf-8") as f:
            json.dump(icount_targets(ic), f, indent=1)
            f.write("\n")
    return modes


def write_report(run_dir, modes, meta, plots):
    previous = find_previous(run_dir)
    text = report(run_dir, modes, meta or {}, previous, plots)
    with open(os.path.join(run_dir, "report.md"), "w", encoding="utf-8") as f:
        f.write(text)
    return text


def terminal_tables(modes, run_dir=None):
    out = []
    for m in modes:
        out.append("")
        out.append("== IOMMU mode %s (medians over %d round(s); ≈: within the spread)" % (m["label"], m["rounds"]))
        head, rows = table_rows(m, spreads=False)
        # Spread only on the headline figure, to keep the lines short.
        for r in rows:
            j, v = r[0], r[1]
            a = m["agg"].get((v, j))
            key = m["headline"][j][0]
            idx = 2 + [k[0] for k in METRICS].index(key)
            if a and a.get(key) is not None and a.get(key + "_spread") is not None:
                r[idx] = "%s±%.0f%%" % (r[idx], a[key + "_spread"])
            if "(" in r[-1]:
                r[-1] = r[-1].split(" (")[0] + " *"
            elif len(r[-1]) > 40:
                r[-1] = r[-1][:37] + "..."
        out.extend(text_table(head, rows))
        if any(r[-1].endswith("*") for r in rows):
            out.append("* some rounds failed or did not run: see the report")
        out.append("")
        if m["count"]["ran"]:
            # Indented: the lines that start with a job name are the table above.
            out.append(count_title(m) + ":")
            head, rows, _notes = count_rows(m)
            out.extend("  " + l for l in text_table(head, rows))
        else:
            out.append("Counting pass: did not run (%s)." % m["count"]["why"])
        out.append("")
        out.extend(l.replace("**", "") for l in m["verdict"])
    head, rows, tally = target_rows(modes)
    out.append("")
    out.append("== Targets (map+unmap ns per request, medians; see the report)")
    out.extend(text_table(head, rows, left=(0, 1, 2, 3, len(head) - 1)))
    out.append("")
    out.append(tally)
    head, rows, tally = parity_rows(parity_targets(modes))
    out.append("")
    out.append("== Parity with the in-tree driver (auto/in-tree, paired per round; see the report)")
    out.extend(text_table(head, rows, left=(0, 1, 2, len(head) - 1)))
    out.append("")
    out.append(tally)
    ic = load_icount(run_dir) if run_dir else []
    for m in ic:
        head, rows = icount_rows(m)
        out.append("")
        out.append("== %s on the instruction clock (map+unmap ns per request; see the report)" % m["label"])
        out.extend(text_table(head, rows, left=(0,)))
    if ic:
        head, rows, tally = target_rows(ic, icount_targets(ic))
        out.append("")
        out.append("== Targets on the instruction clock")
        out.extend(text_table(head, rows, left=(0, 1, 2, 3, len(head) - 1)))
        out.append("")
        out.append(tally + " (instruction clock)")
    return out


def now_stamp():
    return datetime.datetime.now().strftime("%Y%m%d-%H%M%S")


def isnan(x):
    return isinstance(x, float) and math.isnan(x)
