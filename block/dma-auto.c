// SPDX-License-Identifier: GPL-2.0-only
/*
 * auto: for each request, phys or iova, whichever this device has been
 * measured to map and unmap faster for requests of its size.
 *
 * Which one wins depends on the machine: IOVA batching saves an IOTLB sync
 * (and, with a strict IOMMU, an invalidation) per segment but pays an IOVA
 * allocation and a destroy per request, and what each costs varies with the
 * IOMMU, its mode and the load.  So auto does not follow a rule; it keeps,
 * per device, a running estimate of what a request costs on each path, and
 * takes the cheaper one.
 *
 * The model.  Requests fall into buckets by their segment count as the
 * block layer counted it (1, 2-3, 4-7, 8-15, 16-31, 32-63, and 64 up to the
 * driver's 128), since the segment count is what the two paths scale with
 * differently.  A bucket's two estimates are
 * compared with each other, so the requests behind them should cost about
 * the same: from 16 to 128 segments either path's cost grows several times
 * over, and in one bucket the mix of sizes each path happened to sample
 * would decide rather than the paths.
 *
 * Each bucket holds, for phys and for iova, an exponentially weighted moving
 * average of the time from the start of the mapping to the end of its
 * unmap, taken from the very timestamps the statistics take; only requests
 * that auto itself sent down a path, whose mapping succeeded, and that do
 * not follow a request of the other path (below), feed it.
 *
 * The weight of a sample depends on which path it measured.  The path auto
 * takes now is measured by nearly every request, so a sample of it weighs
 * 1/64: its estimate still follows a change within tens of requests, a
 * fraction of a millisecond, while one slow request lifts it by about 3/64
 * at most (see the bound below), not 3/8.  The other path is measured only
 * by exploration, one sample a run, so a sample of it weighs 1/8, or its
 * estimate would take hundreds of thousands of requests to follow a change.
 *
 * Why not 1/8 for both: in the guest (TCG) one request in a few hundred
 * takes several times as long as the rest (the host preempts a virtual CPU,
 * an interrupt comes).  At 1/8 each such request lifted the chosen path's
 * estimate past that of a path within 10-25% of it, and auto stayed on
 * the dearer path until a slow request of that one sent it back.  Polled
 * 4 KiB reads at queue depth 1 under a strict IOMMU, where phys runs 14%
 * more instructions than iova, 16 rounds of a second each: auto took phys
 * for 38% of the requests at 1/8 (0-94% a round), 10% at 1/64 (0-69%).
 *
 * One sample counts at most four times the current estimate (plus a
 * microsecond), so an interrupt in the middle of a mapping does not swing
 * the choice, while a real change still moves the estimate of a path
 * being explored by more than a third per sample.  A tighter bound would
 * hide costs that come in bursts: under a lazy IOMMU, phys pays for a flush
 * of the queued invalidations every few requests, and an estimate that
 * clips those samples settles near the cheap ones, however dear the
 * flushes.
 *
 * The first estimate is the mean of the warm-up's samples but the dearest.
 * Nothing bounds those samples, there being no estimate yet to bound them
 * by, and an estimate too high does not heal as one too low does: one too
 * low makes auto take the path, whose every request then corrects it; one
 * too high keeps auto off the path, and only exploration, one request in
 * hundreds, brings it down.  So one slow request among the first (a cold
 * IOVA cache, a preempted virtual CPU) would otherwise keep auto on the
 * dearer path for thousands of requests.  The cheapest sample would do
 * worse the other way: where a path's cost varies widely (phys under a lazy
 * IOMMU), its cheapest request looks cheaper than the other path, and auto
 * takes it for tens of requests until its estimate catches up.
 *
 * Cold runs.  The first request on a path after one on the other path runs
 * cold: code, caches and TLB entries the other path pushed out.  In the
 * guest (strict IOMMU, 4 KiB reads at queue depth 1) such a request cost
 * 2.5 times a warm one, the next one far less (in most traces 0-20% over
 * warm).  The path auto is not on is only measured by such switches, so
 * learning from them biased its estimate high, by more than the gap between
 * two close paths, and auto stayed on the path it was on, right or wrong.
 * So auto takes a path it switches to for NVMP_AUTO_RUN requests in a row
 * (a "run"), and never learns from the first request after a switch, the
 * one back to the cheaper path included.
 *
 * The choice.  Until both paths of a bucket have NVMP_AUTO_WARMUP samples,
 * auto takes runs of whichever has fewer ("warm-up").  After that it takes
 * the path with the lower estimate, except for one run every N requests per
 * CPU, which takes the other one ("explored") so that an estimate the choice
 * no longer feeds still follows changes; the cheaper path's own estimate is
 * fed by every warm request it takes.  An explored sample that comes in a
 * quarter or more under the cheaper path's estimate, without moving the
 * other path's estimate below it, calls for a recheck: the next request of
 * the bucket that is free to choose explores again (see "Rechecks").
 * Without a translating IOMMU iova cannot batch anything (it would fall
 * back to phys), so auto is phys there, with no model, no exploration and
 * no counting at all.
 *
 * Rechecks.  The path auto is not on keeps the estimate of its last
 * explored sample until the next one, up to thousands of requests later,
 * while what both paths cost may change: between two fio jobs on one
 * device a request of one segment cost 1.5 to 2 times what it had before,
 * on both paths.  An estimate left too low costs little: auto takes the
 * path and its own samples correct it within tens of requests.  One left
 * too high keeps auto off a path that has become the cheaper, and at 1/8 a
 * sample it takes ten or twenty explored samples to fall below the other
 * path's: at one run in 256 to 512 requests, thousands of requests on the
 * dearer path.  An explored sample a quarter or more under the chosen
 * path's estimate says that this may be happening, and a recheck takes the
 * next sample at once, and so on while they come in that far under: such
 * an estimate then falls in tens of requests.
 *
 * Why a quarter: in the guest (strict IOMMU, 4 KiB reads at queue depth 1,
 * polled or not) a path's cost moves by a third from one request to the
 * next, and the two paths are close.  A sample of the dearer path came in
 * under the cheaper one's mean 17-75% of the time, a quarter under 0-21%.
 * Rechecking on any sample under, auto switched paths almost twice as
 * often (1.6% of requests against 0.9%; 1.0% a quarter under), each
 * switch costing about one request more (the cold one), and chose no
 * better.  A quarter keeps the rechecks to where staying would cost most;
 * a smaller advantage is found by exploration alone, as before.
 *
 * How often to explore.  Exploring costs the gap between the two paths
 * NVMP_AUTO_RUN times a run, so with N fixed auto would lose
 * NVMP_AUTO_RUN * (costlier - cheaper) / N per request to the better fixed
 * path, and the wider the gap, the more: with a strict IOMMU a request of
 * 32 segments can cost five times as much on phys as on iova.
 * Hence N grows with the gap:
 *
 *   N = NVMP_AUTO_EXPLORE * costlier / cheaper, rounded to the nearest,
 *
 * bounded to [NVMP_AUTO_EXPLORE, NVMP_AUTO_EXPLORE_MAX].  Exploring then
 * costs each request NVMP_AUTO_RUN * (costlier - cheaper) / N, which is
 * less than NVMP_AUTO_RUN * cheaper / NVMP_AUTO_EXPLORE, 1/128 of what the
 * cheaper path costs, however wide the gap, as long as the upper bound does
 * not hold N back (up to a ratio of 16); the cold request back to the
 * cheaper path adds its own excess once per N.  That is the price auto pays
 * for measuring instead of guessing, below the spread of a mapping's cost,
 * while a change still shows within a few thousand requests: milliseconds
 * on real hardware.  The upper bound keeps a far costlier path measured
 * again at least once in NVMP_AUTO_EXPLORE_MAX requests.  Noticing that the
 * costlier path has become the cheaper one does take longer than with N
 * fixed: each explored sample moves its estimate by 1/8 of the error, and
 * while the estimates are far apart the samples are too; the closer the two
 * paths, the sooner the estimates are checked.
 *
 * Each CPU counts a bucket's requests since its last explored run there
 * began.  When the count reaches NVMP_AUTO_EXPLORE, N is worked out (one
 * 64-bit division) from the estimates in ns, as compared and shown, and
 * kept beside the count; the first request from N on that is free to
 * choose (not in a run) begins an explored run, and the count restarts
 * from 0.  So a request pays for the division once per cycle of N, not
 * every time, and the estimates may move during a cycle without changing
 * its length, which is at most NVMP_AUTO_EXPLORE_MAX.
 *
 * What choosing costs.  Every request pays for the choice, so the common
 * case (a warm bucket, no run going on, no exploration due) is kept short:
 * it reads one byte of the model, the cheaper path, which learning keeps
 * up to date after each warm sample, and a CPU's counters for the bucket,
 * with one comparison against the tick where anything else is due.  The
 * warm-up, runs and exploration are out of line.
 *
 * Concurrency.  No lock: the estimates are shared per device and updated
 * with single relaxed loads and stores, so two CPUs finishing at once may
 * lose one sample, which an estimate can afford; the cheaper path is stored
 * the same way, by whichever CPU sees it change, and so is a call for a
 * recheck.  A CPU that takes that call off as another stores a new choice
 * may put the old one back; the next sample sets it right.  The counters,
 * the exploration tick and the run a CPU is in are per CPU, beside the
 * statistics; a run is a run of one CPU's requests.  The fixed phys and iova
 * paths never touch the model.
 *
 *   <debugfs>/nvme-phys/nvme<N>/dma/auto_model
 *
 * shows one line per bucket: the estimates (ns per request; while a path
 * warms up, the mean of its samples so far but the dearest), their sample
 * counts, the path auto takes now ("warmup" while it is still measuring),
 * how many requests took the cheaper path (picked_phys, picked_iova),
 * explored the other one (NVMP_AUTO_RUN a run) or were sent while warming
 * up, and N now (explore_every; 0 while warming up and without a
 * translating IOMMU, where nothing is explored).  Writing 0 forgets
 * everything, and auto measures again from scratch.
 */
#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include "nvmp-block.h"

/* Index of a path in a bucket's estimates and counters. */
#define NVMP_EST_PHYS	0
#define NVMP_EST_IOVA	1

/*
 * An estimate is kept scaled by 2^NVMP_AUTO_SHIFT, the inverse weight of
 * a sample of the path auto takes; a sample of the other path (explored)
 * weighs 2^-NVMP_AUTO_SHIFT_EXPLORED.
 */
#define NVMP_AUTO_SHIFT			6
#define NVMP_AUTO_SHIFT_EXPLORED	3

/* Set in a bucket's @choice beside the cheaper path: explore it again now. */
#define NVMP_AUTO_RECHECK		0x80

/*
 * While a path warms up (fewer than NVMP_AUTO_WARMUP samples), @ewma holds
 * the sum of its samples in ns and @worst the dearest of them.
 */
struct nvmp_auto_est {
	u64 ewma;		/* ns per request, << NVMP_AUTO_SHIFT */
	u64 worst;		/* ns */
	u32 samples;		/* saturating */
};

/*
 * @choice caches what nvmp_auto_cheaper() says, for the common case of
 * nvmp_auto_pick() to read one byte: nvmp_auto_learn() sets it after each
 * sample, and nvmp_auto_pick()'s slow path whenever it finds it warming up.
 * nvmp_auto_learn() adds NVMP_AUTO_RECHECK to it, and the slow path takes it
 * off as it begins the run that rechecks.
 */
struct nvmp_auto_bucket {
	struct nvmp_auto_est est[2];	/* by NVMP_EST_* */
	u8 choice;
};

struct nvmp_auto_model {
	struct nvmp_auto_bucket bucket[NVMP_AUTO_BUCKETS];
};

int nvmp_auto_init(struct nvmp_dma_dev *dd)
{
	dd->model = kzalloc_obj(*dd->model);
	return dd->model ? 0 : -ENOMEM;
}

void nvmp_auto_exit(struct nvmp_dma_dev *dd)
{
	kfree(dd->model);
	dd->model = NULL;
}

static unsigned int nvmp_auto_bucket_of(unsigned int segs)
{
	if (segs <= 1)
		return 0;
	return min_t(unsigned int, ilog2(segs), NVMP_AUTO_BUCKETS - 1);
}

/* The estimate of a warm path, in ns. */
static u64 nvmp_auto_ns(const struct nvmp_auto_est *e)
{
	return READ_ONCE(e->ewma) >> NVMP_AUTO_SHIFT;
}

/* As debugfs shows it: warming up, the mean of the samples but the dearest. */
static u64 nvmp_auto_show_ns(const struct nvmp_auto_est *e)
{
	u32 n = READ_ONCE(e->samples);
	u64 sum = READ_ONCE(e->ewma);

	if (n >= NVMP_AUTO_WARMUP)
		return sum >> NVMP_AUTO_SHIFT;
	if (n < 2)
		return sum;
	return div_u64(sum - READ_ONCE(e->worst), n - 1);
}

static int nvmp_auto_other(int path)
{
	return path == NVMP_DMA_PHYS ? NVMP_DMA_IOVA : NVMP_DMA_PHYS;
}

/* The path of a warm bucket with the lower estimate. */
static int nvmp_auto_lower(const struct nvmp_auto_bucket *b)
{
	if (nvmp_auto_ns(&b->est[NVMP_EST_IOVA]) <
	    nvmp_auto_ns(&b->est[NVMP_EST_PHYS]))
		return NVMP_DMA_IOVA;
	return NVMP_DMA_PHYS;
}

/* The cheaper path of a bucket, or NVMP_DMA_AUTO while warming up. */
static int nvmp_auto_cheaper(const struct nvmp_auto_bucket *b)
{
	if (READ_ONCE(b->est[NVMP_EST_PHYS].samples) < NVMP_AUTO_WARMUP ||
	    READ_ONCE(b->est[NVMP_EST_IOVA].samples) < NVMP_AUTO_WARMUP)
		return NVMP_DMA_AUTO;
	return nvmp_auto_lower(b);
}

/*
 * How many requests apart a warm bucket explores: NVMP_AUTO_EXPLORE times
 * the ratio of its estimates, rounded, within [NVMP_AUTO_EXPLORE,
 * NVMP_AUTO_EXPLORE_MAX].  Each estimate is read once, and which one is the
 * larger is decided here, since another CPU may have moved either since the
 * choice was made.
 */
static unsigned int nvmp_auto_every(const struct nvmp_auto_bucket *b)
{
	u64 phys = nvmp_auto_ns(&b->est[NVMP_EST_PHYS]);
	u64 iova = nvmp_auto_ns(&b->est[NVMP_EST_IOVA]);
	u64 lo = min(phys, iova), hi = max(phys, iova);

	/* Equal, both 0 included: a ratio of 1. */
	if (hi == lo)
		return NVMP_AUTO_EXPLORE;
	/* A ratio of EXPLORE_MAX / EXPLORE (16) or more, or lo 0. */
	if (div64_u64(hi, NVMP_AUTO_EXPLORE_MAX / NVMP_AUTO_EXPLORE) >= lo)
		return NVMP_AUTO_EXPLORE_MAX;
	/*
	 * The ratio is below 16 here, so shifting both right (for huge values
	 * only, to keep the product below from overflowing) leaves lo above
	 * zero and the ratio as it was, to far better than the rounding.
	 */
	while (hi > U64_MAX / (2 * NVMP_AUTO_EXPLORE)) {
		hi >>= 1;
		lo >>= 1;
	}
	/* At least NVMP_AUTO_EXPLORE, as hi >= lo. */
	return min_t(u64, div64_u64(hi * NVMP_AUTO_EXPLORE + lo / 2, lo),
		     NVMP_AUTO_EXPLORE_MAX);
}

/*
 * Every case of nvmp_auto_pick() but the common one: warming up, in a run,
 * and the ticks where a CPU works out its explore interval or explores.
 * Keeps @c->next at the tick where the common case must come here again.
 */
static noinline int nvmp_auto_pick_slow(struct nvmp_auto_bucket *b,
					struct nvmp_auto_counts *c, int cheap)
{
	bool recheck = cheap & NVMP_AUTO_RECHECK;
	int pick;

	cheap &= ~NVMP_AUTO_RECHECK;
	if (cheap == NVMP_DMA_AUTO) {
		/* Both may have warmed up at once on two CPUs. */
		cheap = nvmp_auto_cheaper(b);
		if (cheap != NVMP_DMA_AUTO)
			WRITE_ONCE(b->choice, cheap);
	}
	if (cheap != NVMP_DMA_AUTO && ++c->tick == NVMP_AUTO_EXPLORE)
		c->every = nvmp_auto_every(b);
	if (c->run) {
		/* The rest of a run, on the path it started on. */
		c->run--;
		pick = c->last;
	} else if (recheck) {
		/* Another CPU may take it off too and recheck as well. */
		WRITE_ONCE(b->choice, cheap);
		pick = nvmp_auto_other(cheap);
		c->run = NVMP_AUTO_RUN - 1;
	} else if (cheap == NVMP_DMA_AUTO) {
		pick = READ_ONCE(b->est[NVMP_EST_IOVA].samples) <
		       READ_ONCE(b->est[NVMP_EST_PHYS].samples) ?
		       NVMP_DMA_IOVA : NVMP_DMA_PHYS;
		c->run = NVMP_AUTO_RUN - 1;
	} else if (c->tick >= NVMP_AUTO_EXPLORE && c->tick >= c->every) {
		c->tick = 0;
		pick = nvmp_auto_other(cheap);
		c->run = NVMP_AUTO_RUN - 1;
	} else {
		pick = cheap;
	}
	if (cheap == NVMP_DMA_AUTO)
		c->warmup++;
	else if (pick != cheap)
		c->explored++;
	else if (pick == NVMP_DMA_IOVA)
		c->picked_iova++;
	else
		c->picked_phys++;
	/* Until a cycle's interval is known, only its tick matters. */
	c->next = c->tick < NVMP_AUTO_EXPLORE ? NVMP_AUTO_EXPLORE :
		  max_t(u32, c->every, NVMP_AUTO_EXPLORE);
	return pick;
}

/**
 * nvmp_auto_pick - the path auto takes for a request
 * @dd: the device, which has a translating IOMMU (@dd->iova_capable)
 * @rq: the request
 * @map: its mapping record, where the choice is noted for learning
 *
 * Return: %NVMP_DMA_PHYS or %NVMP_DMA_IOVA.
 */
int nvmp_auto_pick(struct nvmp_dma_dev *dd, struct request *rq,
		   struct nvmp_dma_map *map)
{
	struct nvmp_auto_counts *c;
	struct nvmp_auto_bucket *b;
	unsigned int i;
	int cheap, pick;

	i = nvmp_auto_bucket_of(blk_rq_nr_phys_segments(rq));
	b = dd->model->bucket + i;
	cheap = READ_ONCE(b->choice);

	c = get_cpu_ptr(dd->stats)->autoc + i;
	/*
	 * Warm, no recheck called for, in no run, and neither exploring nor
	 * due to work out when.
	 */
	if (likely((cheap == NVMP_DMA_PHYS || cheap == NVMP_DMA_IOVA) &&
		   !c->run && c->tick + 1 < c->next)) {
		c->tick++;
		if (cheap == NVMP_DMA_IOVA)
			c->picked_iova++;
		else
			c->picked_phys++;
		pick = cheap;
	} else {
		pick = nvmp_auto_pick_slow(b, c, cheap);
	}
	/* The first request after the other path runs cold: not learned. */
	map->auto_cold = pick != c->last;
	c->last = pick;
	put_cpu_ptr(dd->stats);

	map->auto_pick = pick;
	map->auto_bucket = i;
	return pick;
}

/**
 * nvmp_auto_learn - feed a request's cost into the model
 * @dd: the device
 * @map: the request's mapping record, mapped in full by auto's pick
 * @unmap_ns: how long unmapping it took
 */
void nvmp_auto_learn(struct nvmp_dma_dev *dd, const struct nvmp_dma_map *map,
		     u64 unmap_ns)
{
	struct nvmp_auto_bucket *b = dd->model->bucket + map->auto_bucket;
	struct nvmp_auto_est *e;
	u64 ns = map->map_ns + unmap_ns;
	u64 ewma, worst;
	int choice, cheap;
	u32 n, shift;

	e = b->est + (map->auto_pick == NVMP_DMA_IOVA);
	ewma = READ_ONCE(e->ewma);
	n = READ_ONCE(e->samples);
	if (n < NVMP_AUTO_WARMUP) {
		/* Warming up: the sum, the dearest, and at the end the mean. */
		worst = n ? max(READ_ONCE(e->worst), ns) : ns;
		ewma = n ? ewma + ns : ns;
		if (n == NVMP_AUTO_WARMUP - 1)
			ewma = div_u64((ewma - worst) << NVMP_AUTO_SHIFT,
				       NVMP_AUTO_WARMUP - 1);
		else
			WRITE_ONCE(e->worst, worst);
		WRITE_ONCE(e->ewma, ewma);
		WRITE_ONCE(e->samples, n + 1);
		/*
		 * Warming up, nvmp_auto_pick() decides, and settles the choice
		 * once both paths are warm.  Only a reset under I/O can find a
		 * choice here; it waits for the warm-up again.
		 */
		if (READ_ONCE(b->choice) != NVMP_DMA_AUTO)
			WRITE_ONCE(b->choice, NVMP_DMA_AUTO);
		return;
	}
	ns = min(ns, 4 * (ewma >> NVMP_AUTO_SHIFT) + NSEC_PER_USEC);
	/*
	 * A sample of the path auto takes weighs 1/64, one of the other path
	 * 1/8 (the comment at the top says why).  Once both paths are warm a
	 * choice is set, and the new estimate may change it or, for an
	 * explored sample, call for a recheck.
	 */
	choice = READ_ONCE(b->choice);
	cheap = choice & ~NVMP_AUTO_RECHECK;
	shift = map->auto_pick == cheap ? NVMP_AUTO_SHIFT :
					  NVMP_AUTO_SHIFT_EXPLORED;
	ewma = ewma - (ewma >> shift) + (ns << (NVMP_AUTO_SHIFT - shift));
	WRITE_ONCE(e->ewma, ewma);
	if (n < U32_MAX)
		WRITE_ONCE(e->samples, n + 1);
	if (cheap == NVMP_DMA_AUTO)
		return;
	if (cheap != nvmp_auto_lower(b))
		WRITE_ONCE(b->choice, nvmp_auto_other(cheap));
	else if (map->auto_pick != cheap && choice == cheap &&
		 4 * ns < 3 * nvmp_auto_ns(b->est + (cheap == NVMP_DMA_IOVA)))
		WRITE_ONCE(b->choice, cheap | NVMP_AUTO_RECHECK);
}

/* --- debugfs --------------------------------------------------------------- */

static const char *const nvmp_auto_bucket_names[NVMP_AUTO_BUCKETS] = {
	"1", "2-3", "4-7", "8-15", "16-31", "32-63", "64+",
};

static int nvmp_auto_show(struct seq_file *m, void *v)
{
	struct nvmp_dma_dev *dd = m->private;
	const struct nvmp_auto_counts *pc;
	struct nvmp_auto_counts sum;
	struct nvmp_auto_bucket *b;
	unsigned int i, cpu, every;
	int cheap;

	seq_puts(m, "bucket segs phys_ns iova_ns phys_samples iova_samples choice picked_phys picked_iova explored warmup explore_every\n");
	for (i = 0; i < NVMP_AUTO_BUCKETS; i++) {
		b = &dd->model->bucket[i];
		memset(&sum, 0, sizeof(sum));
		for_each_possible_cpu(cpu) {
			pc = &per_cpu_ptr(dd->stats, cpu)->autoc[i];
			sum.picked_phys += READ_ONCE(pc->picked_phys);
			sum.picked_iova += READ_ONCE(pc->picked_iova);
			sum.explored += READ_ONCE(pc->explored);
			sum.warmup += READ_ONCE(pc->warmup);
		}
		/* Without a translating IOMMU auto is phys, unmeasured. */
		cheap = dd->iova_capable ? nvmp_auto_cheaper(b) : NVMP_DMA_PHYS;
		every = dd->iova_capable && cheap != NVMP_DMA_AUTO ?
			nvmp_auto_every(b) : 0;
		seq_printf(m, "%u %s %llu %llu %u %u %s %llu %llu %llu %llu %u\n", i,
			   nvmp_auto_bucket_names[i],
			   nvmp_auto_show_ns(&b->est[NVMP_EST_PHYS]),
			   nvmp_auto_show_ns(&b->est[NVMP_EST_IOVA]),
			   READ_ONCE(b->est[NVMP_EST_PHYS].samples),
			   READ_ONCE(b->est[NVMP_EST_IOVA].samples),
			   cheap == NVMP_DMA_AUTO ? "warmup" : nvmp_dma_path_name(cheap),
			   sum.picked_phys, sum.picked_iova,
			   sum.explored, sum.warmup, every);
	}
	return 0;
}

static ssize_t nvmp_auto_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct nvmp_dma_dev *dd = file_inode(file)->i_private;
	unsigned int val, i, cpu;
	int ret;

	ret = kstrtouint_from_user(ubuf, count, 0, &val);
	if (ret)
		return ret;
	if (val)
		return -EINVAL;
	for (i = 0; i < NVMP_AUTO_BUCKETS; i++) {
		struct nvmp_auto_bucket *b = &dd->model->bucket[i];

		WRITE_ONCE(b->choice, NVMP_DMA_AUTO);
		WRITE_ONCE(b->est[NVMP_EST_PHYS].samples, 0);
		WRITE_ONCE(b->est[NVMP_EST_IOVA].samples, 0);
		WRITE_ONCE(b->est[NVMP_EST_PHYS].ewma, 0);
		WRITE_ONCE(b->est[NVMP_EST_IOVA].ewma, 0);
		WRITE_ONCE(b->est[NVMP_EST_PHYS].worst, 0);
		WRITE_ONCE(b->est[NVMP_EST_IOVA].worst, 0);
	}
	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(dd->stats, cpu)->autoc, 0,
		       sizeof(per_cpu_ptr(dd->stats, cpu)->autoc));
	return count;
}

DEFINE_SHOW_STORE_ATTRIBUTE(nvmp_auto);

void nvmp_auto_debugfs(struct nvmp_dma_dev *dd, struct dentry *dir)
{
	debugfs_create_file("auto_model", 0600, dir, dd, &nvmp_auto_fops);
}
