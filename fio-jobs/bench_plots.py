# SPDX-License-Identifier: GPL-2.0-only
"""Plots of a fio-jobs/compare run: python3 bench_plots.py RUN_DIR

Reads RUN_DIR/plotdata.json (written by bench_report.py) and writes, per
IOMMU mode:
  latency-<mode>.png    latency percentile curves, one panel per job, one
                        line per path
  map-unmap-<mode>.png  map+unmap time per request, per job (request shape)
                        and path, with the range over the rounds
Prints the names of the files written, one per line.  Needs matplotlib;
fio-jobs/compare runs this on the host when it has matplotlib, or else in
the project's Debian root, which has it.
"""

import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ORDER = ["auto", "phys", "iova", "page", "sg", "upstream", "in-tree"]
STYLE = {
    "auto": ("tab:blue", "-"), "phys": ("tab:orange", "-"), "iova": ("tab:green", "-"),
    "page": ("tab:red", "--"), "sg": ("tab:purple", "--"), "upstream": ("tab:brown", "-."),
    "in-tree": ("black", ":"),
}


def nines(p):
    """Percentile -> position on a "number of nines" axis."""
    return -math.log10(max(1e-6, 1.0 - p / 100.0))


def latency(mode, jobs, path):
    n = len(jobs)
    cols = min(3, n)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.8 * rows), squeeze=False)
    ticks = [50, 90, 99, 99.9, 99.99]
    for i, job in enumerate(jobs):
        ax = axes[i // cols][i % cols]
        for v in ORDER:
            d = jobs[job].get(v)
            if not d:
                continue
            color, ls = STYLE.get(v, ("grey", "-"))
            ax.plot([nines(p) for p in d["pct"]], d["us"], ls, color=color, label=v, linewidth=1.4)
        ax.set_title(job, fontsize=10)
        ax.set_yscale("log")
        ax.set_xticks([nines(t) for t in ticks])
        ax.set_xticklabels([("%g" % t) for t in ticks])
        ax.set_xlabel("percentile")
        ax.set_ylabel("latency (µs)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    for k in range(n, rows * cols):
        axes[k // cols][k % cols].axis("off")
    fig.suptitle("Total I/O latency by percentile, IOMMU %s (median over rounds)" % mode)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def map_unmap(mode, jobs, path):
    names = list(jobs)
    paths = [v for v in ORDER if any(v in jobs[j] for j in names)]
    width = 0.8 / max(1, len(paths))
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(names) + 2), 4.5))
    for k, v in enumerate(paths):
        xs, ys, lo, hi = [], [], [], []
        for i, j in enumerate(names):
            d = jobs[j].get(v)
            if not d:
                continue
            xs.append(i + (k - (len(paths) - 1) / 2.0) * width)
            ys.append(d["median"])
            lo.append(d["median"] - (d["min"] if d["min"] is not None else d["median"]))
            hi.append((d["max"] if d["max"] is not None else d["median"]) - d["median"])
        color = STYLE.get(v, ("grey", "-"))[0]
        ax.bar(xs, ys, width, yerr=[lo, hi], color=color, label=v, capsize=2)
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel("map + unmap per request (ns)")
    ax.set_title("Mapping cost per request, IOMMU %s (median, range over rounds)" % mode)
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=7, ncol=3)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main(run_dir):
    with open(os.path.join(run_dir, "plotdata.json"), encoding="utf-8") as f:
        data = json.load(f)
    for mode, jobs in data.get("latency", {}).items():
        if jobs:
            name = "latency-%s.png" % mode
            latency(mode, jobs, os.path.join(run_dir, name))
            print(name)
    for mode, jobs in data.get("map_unmap", {}).items():
        if jobs:
            name = "map-unmap-%s.png" % mode
            map_unmap(mode, jobs, os.path.join(run_dir, name))
            print(name)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: bench_plots.py RUN_DIR")
    main(sys.argv[1])
