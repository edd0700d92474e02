// SPDX-License-Identifier: GPL-2.0-only
/*
 * iter-test: block/'s DMA iterator in user space, against the simulated
 * machine.  Prints one "ok - <name>" or "not ok - <name>" line per test and
 * exits non-zero if any failed.
 *
 *   iter-test [--seed N] [--iters N] [--tag TEXT] [--quick] [--only TEXT]
 *             [--request I] [--verbose] [--list]
 *
 * --seed      seed of the random test (default: from the clock, printed)
 * --iters     random requests (default 10000)
 * --tag       appended to every test name (e.g. the build: gcc, asan+ubsan)
 * --quick     fewer repetitions in the exhaustive cases (for valgrind)
 * --only      run only the tests whose name contains TEXT
 * --request   with --seed: run only random request I, verbosely
 */
#include <stdlib.h>
#include <time.h>
#include "check.h"

static const char *opt_tag = "";
static const char *opt_only;
static bool opt_quick;
static unsigned int nfailed, nrun;

/* --- reporting ------------------------------------------------------------- */

static void report(bool ok, const char *name, const char *why)
{
	nrun++;
	if (!ok)
		nfailed++;
	printf("%s - unit: %s%s%s\n", ok ? "ok" : "not ok", name,
	       *opt_tag ? " " : "", opt_tag);
	if (!ok && why && *why)
		printf("#   %s\n", why);
	fflush(stdout);
}

static bool selected(const char *name)
{
	return !opt_only || strstr(name, opt_only);
}

/* --- helpers --------------------------------------------------------------- */

static void lim_nvme(struct queue_limits *lim, unsigned long mask)
{
	memset(lim, 0, sizeof(*lim));
	lim->virt_boundary_mask = 4095;
	lim->max_segment_size = UINT_MAX;
	lim->seg_boundary_mask = mask;
	lim->max_segments = TR_MAX_SEGS_HW;
	lim->logical_block_size = 512;
	lim->dma_alignment = 3;
	lim->features = BLK_FEAT_PCI_P2PDMA;
}

static void lim_generic(struct queue_limits *lim, unsigned int max_seg,
			unsigned long mask)
{
	lim_nvme(lim, mask);
	lim->virt_boundary_mask = 0;
	lim->max_segment_size = max_seg;
}

struct tmode {
	enum sim_mode mode;
	unsigned long granule;
};

static const struct tmode all_modes[] = {
	{ SIM_DIRECT, 0 }, { SIM_SWIOTLB, 0 }, { SIM_IOMMU, 4096 },
	{ SIM_IOMMU, 16384 }, { SIM_IOMMU, 65536 },
};

static void fail_msg(char *why, size_t whylen, const struct tdev *d,
		     const struct treq *t, const struct run_spec *r,
		     const struct run_result *res)
{
	char desc[512];

	treq_describe(t, desc, sizeof(desc));
	snprintf(why, whylen, "%s, path %s, %s%s%s%s: %s [%s]", d->name,
		 nvmp_dma_path_name(r->path), drv_consumer_names[r->use],
		 res->injected ? ", injected " : "",
		 res->injected ? sim_fn_names[res->inj_fn] : "",
		 r->fail_after_first ? ", fail_mappings" : "", res->why, desc);
	if (check_verbose)
		treq_dump(t, stdout);
}

/*
 * Every valid path and consumer once on @t; with @every, then again with a
 * failure at each injectable call in turn (of @fn, or any).
 */
static bool all_paths(struct tdev *d, struct treq *t, bool every, int fn,
		      char *why, size_t whylen)
{
	struct run_spec r = { .inj_fn = fn };
	struct run_result res;
	unsigned int n, calls;

	for (r.path = 0; r.path < NVMP_DMA_NR_PATHS; r.path++) {
		for (r.use = 0; r.use < DRV_NR_CONSUMERS; r.use++) {
			if (!run_valid(d, t, r.path, r.use))
				continue;
			r.inj_nth = 0;
			if (!run_one(d, t, &r, &res)) {
				fail_msg(why, whylen, d, t, &r, &res);
				return false;
			}
			if (!every)
				continue;
			calls = fn == SIM_F_ANY ? res.calls_any : sim_cnt.calls[fn];
			for (n = 1; n <= calls + 1; n++) {
				r.inj_nth = n;
				if (!run_one(d, t, &r, &res)) {
					fail_msg(why, whylen, d, t, &r, &res);
					return false;
				}
			}
		}
	}
	return true;
}

static bool dev_cycle(struct tdev *d, enum sim_client c, const struct tmode *m,
		      char *why, size_t whylen)
{
	if (d->up && !tdev_down(d, why, whylen))
		return false;
	return tdev_up(d, c, m->mode, m->granule, why, whylen);
}

/* --- the random test ------------------------------------------------------- */

#define BLOCK 50

static u64 mix(u64 a, u64 b)
{
	u64 x = a * 0x9E3779B97F4A7C15ULL ^ (b + 0x632BE59BD9B4E019ULL);

	x ^= x >> 31;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 29;
	return x;
}

static void pick_config(u64 seed, unsigned int block, enum sim_client *c,
			struct tmode *m)
{
	struct src s;

	src_init_seed(&s, mix(seed, 0x10000000ULL + block));
	*c = src_chance(&s, 7, 10) ? SIM_NVME0 : SIM_NVME1;
	switch (src_below(&s, 20)) {
	case 0 ... 3:
		*m = all_modes[0];
		break;
	case 4 ... 8:
		*m = all_modes[1];
		break;
	case 9 ... 15:
		*m = all_modes[2];
		break;
	case 16 ... 17:
		*m = all_modes[3];
		break;
	default:
		*m = all_modes[4];
		break;
	}
}

/*
 * Statistics on in three blocks of four; in the others off, and half of
 * those with a tracepoint on.
 */
static void pick_counting(u64 seed, unsigned int block)
{
	struct src s;
	bool count;

	src_init_seed(&s, mix(seed, 0x20000000ULL + block));
	count = src_chance(&s, 3, 4);
	set_counting(count, !count && src_chance(&s, 1, 2));
}

static bool test_random(u64 seed, unsigned int iters, long only_req,
			char *why, size_t whylen)
{
	static const struct gen_opts opts = {
		.p2p_pct = 15, .mixed_pct = 3, .special_pct = 5, .force_prov = -1,
	};
	struct treq *t = calloc(1, sizeof(*t));
	struct tdev *d = calloc(1, sizeof(*d));
	unsigned int i, first = 0, fails = 0, runs = 0, skipped = 0, pass;
	char msg[1024];

	if (!t || !d)
		return false;
	if (only_req >= 0) {
		first = (unsigned int)only_req;
		iters = first + 1;
	}
	for (i = first; i < iters; i++) {
		struct queue_limits lim;
		struct run_spec r = { .inj_fn = SIM_F_ANY };
		struct run_result res;
		struct src s;

		if (i == first || i % BLOCK == 0) {
			enum sim_client c;
			struct tmode m;

			pick_config(seed, i / BLOCK, &c, &m);
			pick_counting(seed, i / BLOCK);
			if (!dev_cycle(d, c, &m, msg, sizeof(msg))) {
				printf("# request %u: %s\n", i, msg);
				fails++;
				tdev_down(d, msg, 0);
				if (!tdev_up(d, c, m.mode, m.granule, msg, sizeof(msg)))
					break;
			}
		}
		src_init_seed(&s, mix(seed, i));
		gen_limits(&s, &lim, src_chance(&s, 4, 5));
		if (gen_request(&s, t, &lim, &opts)) {
			skipped++;
			continue;
		}
		if (only_req >= 0) {
			treq_describe(t, msg, sizeof(msg));
			printf("# request %u on %s: %s\n", i, d->name, msg);
			treq_dump(t, stdout);
		}
		for (r.path = 0; r.path < NVMP_DMA_NR_PATHS; r.path++) {
			/* A consumer the request allows, picked at random. */
			do {
				r.use = src_below(&s, DRV_NR_CONSUMERS);
			} while (!run_valid(d, t, r.path, r.use) &&
				 run_valid(d, t, r.path, DRV_RAW));
			if (!run_valid(d, t, r.path, r.use))
				continue;
			r.prp_sgl_ok = src_below(&s, 2);
			sim_cpu = src_below(&s, SIM_NR_CPUS);
			/* Once as is, once with one call failing somewhere. */
			for (pass = 0; pass < 2; pass++) {
				r.inj_nth = 0;
				if (pass) {
					if (!res.calls_any)
						break;
					r.inj_nth = 1 + src_below(&s, res.calls_any);
				}
				runs++;
				if (run_one(d, t, &r, &res))
					continue;
				if (fails++ < 5 || only_req >= 0) {
					fail_msg(msg, sizeof(msg), d, t, &r, &res);
					printf("# request %u (--seed %llu --request %u): %s\n",
					       i, (unsigned long long)seed, i, msg);
					if (only_req >= 0 || fails <= 2)
						treq_dump(t, stdout);
				}
				break;
			}
		}
	}
	if (!tdev_down(d, msg, sizeof(msg))) {
		printf("# at the end: %s\n", msg);
		fails++;
	}
	set_counting(true, false);
	cover_print(stdout);
	treq_free(t);
	free(t);
	free(d);
	if (fails) {
		snprintf(why, whylen, "%u failed of %u runs (first ones above)", fails, runs);
		return false;
	}
	if (skipped > (iters - first) / 20) {
		snprintf(why, whylen, "the generator gave up on %u requests", skipped);
		return false;
	}
	return true;
}

/* --- focused tests ---------------------------------------------------------- */

static bool t_names(char *why, size_t whylen)
{
	char buf[32];
	int i;

	for (i = 0; i < NVMP_DMA_NR_PATHS; i++) {
		const char *n = nvmp_dma_path_name(i);

		snprintf(buf, sizeof(buf), "%s\n", n);
		if (!strcmp(n, "?") || nvmp_dma_path_parse(n) != i ||
		    nvmp_dma_path_parse(buf) != i) {
			snprintf(why, whylen, "path %d (%s) does not parse back", i, n);
			return false;
		}
	}
	if (strcmp(nvmp_dma_path_name(-1), "?") ||
	    strcmp(nvmp_dma_path_name(NVMP_DMA_NR_PATHS), "?") ||
	    nvmp_dma_path_parse("bogus") != -EINVAL || nvmp_dma_path_parse("") != -EINVAL ||
	    nvmp_dma_path_parse("iova\n\n") != -EINVAL ||
	    nvmp_dma_path_parse("phy") != -EINVAL) {
		snprintf(why, whylen, "bad names are not refused");
		return false;
	}
	return !sim_nr_violations();
}

/* Random requests of one kind on every mode, both clients, every path. */
static bool sweep(const struct gen_opts *o, unsigned int nreq, bool every,
		  int fn, bool nvme_only, u64 seed, char *why, size_t whylen)
{
	struct treq *t = calloc(1, sizeof(*t));
	struct tdev d = { 0 };
	unsigned int m, c, i;
	bool ok = true;

	if (!t)
		return false;
	for (m = 0; m < ARRAY_SIZE(all_modes) && ok; m++) {
		for (c = 0; c < SIM_NR_CLIENTS && ok; c++) {
			if (!dev_cycle(&d, c, &all_modes[m], why, whylen)) {
				ok = false;
				break;
			}
			for (i = 0; i < nreq && ok; i++) {
				struct queue_limits lim;
				struct src s;

				src_init_seed(&s, mix(seed, m * 1000 + c * 100 + i));
				do {
					gen_limits(&s, &lim, true);
				} while (nvme_only && !lim.virt_boundary_mask);
				if (gen_request(&s, t, &lim, o))
					continue;
				ok = all_paths(&d, t, every, fn, why, whylen);
			}
		}
	}
	if (!tdev_down(&d, why, ok ? whylen : 0))
		ok = false;
	treq_free(t);
	free(t);
	return ok;
}

static bool t_inject_every(char *why, size_t whylen)
{
	static const struct gen_opts o = {
		.p2p_pct = 20, .mixed_pct = 5, .special_pct = 10,
		.force_prov = -1, .max_bytes = 256 << 10,
	};

	return sweep(&o, opt_quick ? 2 : 8, true, SIM_F_ANY, false, 0xfa11, why,
		     whylen);
}

static bool t_inject_fn(int fn, u64 seed, char *why, size_t whylen)
{
	static const struct gen_opts o = {
		.force_prov = -1, .max_bytes = 1 << 20,
	};

	return sweep(&o, opt_quick ? 2 : 6, true, fn, true, seed, why, whylen);
}

static bool t_link_every(char *why, size_t whylen)
{
	return t_inject_fn(SIM_F_IOVA_LINK, 0x11c, why, whylen);
}

static bool t_sync(char *why, size_t whylen)
{
	return t_inject_fn(SIM_F_IOVA_SYNC, 0x5c, why, whylen);
}

static bool t_map_every(char *why, size_t whylen)
{
	return t_inject_fn(SIM_F_MAP_PHYS, 0x3a9, why, whylen) &&
	       t_inject_fn(SIM_F_MAP_PAGE, 0x3aa, why, whylen) &&
	       t_inject_fn(SIM_F_MAP_SG, 0x3ab, why, whylen) &&
	       t_inject_fn(SIM_F_MEMPOOL, 0x3ac, why, whylen) &&
	       t_inject_fn(SIM_F_LIST, 0x3ad, why, whylen);
}

static bool t_p2p(int prov, char *why, size_t whylen)
{
	struct gen_opts o = {
		.p2p_pct = 100, .force_prov = prov, .max_bytes = 1 << 20,
	};

	return sweep(&o, opt_quick ? 2 : 6, false, SIM_F_ANY, false,
		     0x929 + prov, why, whylen);
}

static bool t_p2p_switch(char *why, size_t whylen)
{
	return t_p2p(SIM_PROV_SWITCH, why, whylen);
}

static bool t_p2p_host(char *why, size_t whylen)
{
	return t_p2p(SIM_PROV_HOST, why, whylen);
}

static bool t_p2p_none(char *why, size_t whylen)
{
	return t_p2p(SIM_PROV_NONE, why, whylen);
}

static bool t_p2p_acs(char *why, size_t whylen)
{
	return t_p2p(SIM_PROV_ACS, why, whylen);
}

static bool t_mixed(char *why, size_t whylen)
{
	static const struct gen_opts o = {
		.mixed_pct = 100, .force_prov = -1, .max_bytes = 1 << 20,
	};

	return sweep(&o, opt_quick ? 2 : 6, true, SIM_F_ANY, false, 0x313, why,
		     whylen);
}

static bool t_discard(char *why, size_t whylen)
{
	static const struct gen_opts o = {
		.special_pct = 100, .force_prov = -1,
	};

	return sweep(&o, opt_quick ? 2 : 8, true, SIM_F_ANY, false, 0xd15c, why,
		     whylen);
}

/* Hand-made requests on every mode and both clients. */
static bool on_all_modes(struct treq *t, char *why, size_t whylen)
{
	struct tdev d = { 0 };
	unsigned int m, c;
	bool ok = true;

	for (m = 0; m < ARRAY_SIZE(all_modes) && ok; m++)
		for (c = 0; c < SIM_NR_CLIENTS && ok; c++)
			ok = dev_cycle(&d, c, &all_modes[m], why, whylen) &&
			     all_paths(&d, t, true, SIM_F_ANY, why, whylen);
	if (!tdev_down(&d, why, ok ? whylen : 0))
		ok = false;
	return ok;
}

static bool t_boundary(char *why, size_t whylen)
{
	static const struct {
		unsigned long mask;
		bool nvme;
		struct tpiece p[3];
	} cases[] = {
		/* Two bio_vecs, the first ends where a 64 KiB window ends. */
		{ 0xffff, true, { { 0x20e000, 0x2000 }, { 0x210000, 0x2000 } } },
		/* The same on the 4 GiB line with the default mask. */
		{ 0xffffffff, true, { { 0xfffff000, 0x1000 }, { 0x100000000ULL, 0x3000 } } },
		/* Three pieces, the middle one exactly one window. */
		{ 0xfff, true,
		  { { 0x300000, 0x1000 }, { 0x301000, 0x1000 }, { 0x302000, 0x800 } } },
		/* No virt boundary: a window boundary inside the merged run. */
		{ 0x1fff, false, { { 0x401f00, 0x100 }, { 0x402000, 0x2400 } } },
	};
	struct treq *t = calloc(1, sizeof(*t));
	struct queue_limits lim;
	unsigned int i, n;
	bool ok = true;

	for (i = 0; i < ARRAY_SIZE(cases) && ok; i++) {
		for (n = 0; n < 3 && cases[i].p[n].len; n++)
			;
		if (cases[i].nvme)
			lim_nvme(&lim, cases[i].mask);
		else
			lim_generic(&lim, 65536, cases[i].mask);
		if (treq_from_pieces(t, &lim, cases[i].p, NULL, n, true)) {
			snprintf(why, whylen, "case %u cannot be built", i);
			ok = false;
			break;
		}
		ok = on_all_modes(t, why, whylen);
	}
	treq_free(t);
	free(t);
	return ok;
}

static bool t_granule(char *why, size_t whylen)
{
	static const struct tpiece cases[][2] = {
		/* Second segment a page into a 16K granule, as the IOVA is. */
		{ { 0x300000, 0x1000 }, { 0x321000, 0x1000 } },
		/* Same offset into a 64K granule. */
		{ { 0x400000, 0x3000 }, { 0x433000, 0x2000 } },
		/* On the granule: can be batched. */
		{ { 0x500000, 0x4000 }, { 0x544000, 0x4000 } },
		/* First segment ends off the granule. */
		{ { 0x600000, 0x2000 }, { 0x640000, 0x4000 } },
	};
	struct treq *t = calloc(1, sizeof(*t));
	struct queue_limits lim;
	unsigned int i;
	bool ok = true;

	lim_nvme(&lim, 0xffffffff);
	for (i = 0; i < ARRAY_SIZE(cases) && ok; i++) {
		if (treq_from_pieces(t, &lim, cases[i], NULL, 2, i & 1)) {
			snprintf(why, whylen, "case %u cannot be built", i);
			ok = false;
			break;
		}
		ok = on_all_modes(t, why, whylen);
	}
	treq_free(t);
	free(t);
	return ok;
}

static bool t_split(char *why, size_t whylen)
{
	static const struct gen_opts o = { .force_prov = -1 };
	struct treq *t = calloc(1, sizeof(*t));
	struct tdev d = { 0 };
	unsigned int i, found = 0, m;
	bool ok = true;

	for (i = 0; found < (opt_quick ? 10U : 60U) && i < 5000 && ok; i++) {
		struct queue_limits lim;
		struct src s;

		src_init_seed(&s, mix(0x5b11, i));
		gen_limits(&s, &lim, true);
		if (gen_request(&s, t, &lim, &o) || !t->split)
			continue;
		m = found++ % ARRAY_SIZE(all_modes);
		ok = dev_cycle(&d, found & 1, &all_modes[m], why, whylen) &&
		     all_paths(&d, t, false, SIM_F_ANY, why, whylen);
	}
	if (!tdev_down(&d, why, ok ? whylen : 0))
		ok = false;
	if (ok && found < 10) {
		snprintf(why, whylen, "only %u split requests generated", found);
		ok = false;
	}
	treq_free(t);
	free(t);
	return ok;
}

/* --- auto's model ------------------------------------------------------------ */

/* One line of dma/auto_model. */
struct amodel {
	unsigned long long phys_ns, iova_ns, phys_samples, iova_samples;
	unsigned long long picked_phys, picked_iova, explored, warmup;
	unsigned int every;	/* explore_every */
	unsigned int lo, hi;	/* the segment counts of the bucket's name */
	char choice[16];
};

/* A bucket's name, "N", "N-M" or "N+", as a range of segment counts. */
static bool amodel_range(const char *segs, struct amodel *m)
{
	char tail[2];

	if (sscanf(segs, "%u-%u%1s", &m->lo, &m->hi, tail) == 2)
		return m->lo <= m->hi;
	if (sscanf(segs, "%u+%1s", &m->lo, tail) == 1 && strchr(segs, '+')) {
		m->hi = UINT_MAX;
		return true;
	}
	if (sscanf(segs, "%u%1s", &m->lo, tail) == 1) {
		m->hi = m->lo;
		return true;
	}
	return false;
}

static bool amodel_read(const char *dev, struct amodel *m, char *why, size_t whylen)
{
	char path[64], buf[4096], segs[16];
	struct dentry *f;
	const char *l;
	unsigned int i, idx;

	snprintf(path, sizeof(path), "%s/dma/auto_model", dev);
	f = sim_debugfs_lookup(path);
	if (!f || sim_debugfs_read(f, buf, sizeof(buf))) {
		snprintf(why, whylen, "debugfs %s cannot be read", path);
		return false;
	}
	l = strchr(buf, '\n');
	for (i = 0; i < NVMP_AUTO_BUCKETS; i++) {
		if (!l || sscanf(l + 1, "%u %15s %llu %llu %llu %llu %15s %llu %llu %llu %llu %u",
				 &idx, segs, &m[i].phys_ns, &m[i].iova_ns,
				 &m[i].phys_samples, &m[i].iova_samples, m[i].choice,
				 &m[i].picked_phys, &m[i].picked_iova, &m[i].explored,
				 &m[i].warmup, &m[i].every) != 12 || idx != i ||
		    !amodel_range(segs, &m[i])) {
			snprintf(why, whylen, "debugfs %s: bucket %u unreadable in \"%s\"",
				 path, i, buf);
			return false;
		}
		l = strchr(l + 1, '\n');
	}
	return true;
}

/*
 * Segment counts, one per bucket of the model: 1, 2-3, 4-7, 8-15, 16-31,
 * 32-63, 64+ (the last as large as the driver's 128 allows).
 */
static const unsigned int auto_segs[NVMP_AUTO_BUCKETS] = {
	1, 3, 6, 12, 20, 40, TR_MAX_SEGS_HW
};

/* Costs under which phys wins at 1 and 3 segments, iova from 6 on. */
static const struct sim_costs auto_costs = {
	.map = 100, .unmap = 100, .iova_alloc = 300, .iova_link = 20,
	.iova_sync = 300, .iova_destroy = 300
};

/* A request of @n separate 4 KiB pages (so @n segments). */
static bool auto_req(struct treq *t, unsigned int n)
{
	struct tpiece p[TR_MAX_PIECES];
	struct queue_limits lim;
	unsigned int k;

	if (n > TR_MAX_PIECES)
		return false;
	lim_nvme(&lim, 0xffffffff);
	for (k = 0; k < n; k++) {
		p[k].paddr = 0x600000 + k * 0x2000;
		p[k].len = 0x1000;
	}
	return !treq_from_pieces(t, &lim, p, NULL, n, false) &&
	       blk_rq_nr_phys_segments(&t->rq) == n;
}

/*
 * Requests of a warm-up per bucket: NVMP_AUTO_WARMUP learned samples of
 * each path, in runs of NVMP_AUTO_RUN that learn from all but their first.
 */
#define AUTO_WARMUP_REQS \
	(2U * NVMP_AUTO_RUN * DIV_ROUND_UP(NVMP_AUTO_WARMUP, NVMP_AUTO_RUN - 1))

/*
 * Per bucket, since auto_setup(): the path the last request took, and how
 * many requests took another path than the one before them (the first
 * request included), which auto does not learn from.
 */
static int auto_last[NVMP_AUTO_BUCKETS];
static unsigned long long auto_switches[NVMP_AUTO_BUCKETS];

/* One auto request of bucket @b; false on a failed run. */
static bool auto_one(struct tdev *d, struct treq *t, unsigned int b,
		     char *why, size_t whylen)
{
	struct run_spec r = { .path = NVMP_DMA_AUTO, .use = DRV_PRP };
	struct run_result res;

	if (!run_one(d, &t[b], &r, &res)) {
		fail_msg(why, whylen, d, &t[b], &r, &res);
		return false;
	}
	if (res.path_taken != auto_last[b])
		auto_switches[b]++;
	auto_last[b] = res.path_taken;
	return true;
}

/*
 * auto's model in @m0, @tail more requests of 1 segment, and the model
 * then in @m; false on a failed run.
 */
static bool auto_tail(struct tdev *d, struct treq *t, unsigned int tail,
		      struct amodel *m0, struct amodel *m, char *why,
		      size_t whylen)
{
	unsigned int i;

	if (!amodel_read("nvme0", m0, why, whylen))
		return false;
	for (i = 0; i < tail; i++)
		if (!auto_one(d, t, 0, why, whylen))
			return false;
	return amodel_read("nvme0", m, why, whylen);
}

/* @rounds auto requests per bucket, round robin; false on a failed run. */
static bool auto_rounds(struct tdev *d, struct treq *t, unsigned int rounds,
			char *why, size_t whylen)
{
	unsigned int i, b;

	for (i = 0; i < rounds; i++)
		for (b = 0; b < NVMP_AUTO_BUCKETS; b++)
			if (!auto_one(d, t, b, why, whylen))
				return false;
	return true;
}

/*
 * How many of the first @after requests past the warm-up explore, when a
 * run of NVMP_AUTO_RUN starts at every @every-th.
 */
static unsigned long long explored_for(unsigned long long after,
				       unsigned int every)
{
	unsigned long long s, n = 0;

	for (s = every; s <= after; s += every)
		n += min_t(unsigned long long, NVMP_AUTO_RUN, after - s + 1);
	return n;
}

/* What a request of @n segments costs on the simulated clock. */
static u64 cost_phys(unsigned int n)
{
	return n * (sim_cost.map + sim_cost.unmap);
}

static u64 cost_iova(unsigned int n)
{
	return sim_cost.iova_alloc + n * sim_cost.iova_link + sim_cost.iova_sync +
	       sim_cost.iova_destroy;
}

static const char *cheaper(unsigned int n)
{
	return cost_iova(n) < cost_phys(n) ? "iova" : "phys";
}

/*
 * How many requests apart auto explores when its estimates are the true
 * costs: 256 times costlier / cheaper, to the nearest, from 256 up to 4096
 * (worked out here in floating point, apart from block/).
 */
static unsigned int every_for(unsigned int n)
{
	double p = cost_phys(n), i = cost_iova(n);
	double r = p > i ? p / i : i / p;

	if (r * NVMP_AUTO_EXPLORE >= NVMP_AUTO_EXPLORE_MAX)
		return NVMP_AUTO_EXPLORE_MAX;
	return (unsigned int)(r * NVMP_AUTO_EXPLORE + 0.5);
}

/* Every DMA call of the simulated layer costs @k times what it did. */
static void sim_costs_times(u64 k)
{
	sim_cost.map *= k;
	sim_cost.unmap *= k;
	sim_cost.iova_alloc *= k;
	sim_cost.iova_link *= k;
	sim_cost.iova_sync *= k;
	sim_cost.iova_destroy *= k;
}

/* Costs where a request of 1 segment takes @phys ns on phys, @iova on iova. */
static struct sim_costs costs_1seg(u64 phys, u64 iova)
{
	return (struct sim_costs){ .map = phys / 2, .unmap = phys / 2,
				   .iova_alloc = iova / 4, .iova_link = iova / 4,
				   .iova_sync = iova / 4, .iova_destroy = iova / 4 };
}

/* Set up nvme0 in @mode and one request per bucket. */
static bool auto_setup(struct tdev *d, struct treq *t, const struct tmode *m,
		       char *why, size_t whylen)
{
	unsigned int b;

	for (b = 0; b < NVMP_AUTO_BUCKETS; b++) {
		if (!auto_req(&t[b], auto_segs[b])) {
			snprintf(why, whylen, "cannot build a request of %u segments",
				 auto_segs[b]);
			return false;
		}
	}
	sim_cpu = 0;
	memset(auto_last, 0, sizeof(auto_last));
	memset(auto_switches, 0, sizeof(auto_switches));
	return dev_cycle(d, SIM_NVME0, m, why, whylen);
}

static void auto_teardown(struct tdev *d, struct treq *t, bool *ok, char *why,
			  size_t whylen)
{
	unsigned int b;

	if (d->up && !tdev_down(d, why, *ok ? whylen : 0))
		*ok = false;
	for (b = 0; b < NVMP_AUTO_BUCKETS; b++)
		treq_free(&t[b]);
	free(t);
	sim_cost = SIM_DEFAULT_COSTS;
}

static bool t_auto_no_iommu(char *why, size_t whylen)
{
	struct treq *t = calloc(NVMP_AUTO_BUCKETS, sizeof(*t));
	struct amodel m[NVMP_AUTO_BUCKETS];
	struct tdev d = { 0 };
	unsigned int mode, b;
	bool ok = true;

	for (mode = 0; mode < 2 && ok; mode++) {
		ok = auto_setup(&d, t, &all_modes[mode], why, whylen) &&
		     auto_rounds(&d, t, 100, why, whylen) &&
		     amodel_read("nvme0", m, why, whylen);
		for (b = 0; b < NVMP_AUTO_BUCKETS && ok; b++) {
			if (strcmp(m[b].choice, "phys") || m[b].phys_samples ||
			    m[b].iova_samples || m[b].picked_phys || m[b].picked_iova ||
			    m[b].explored || m[b].warmup || m[b].every) {
				snprintf(why, whylen,
					 "%s, bucket %u: choice %s, samples %llu/%llu, picked %llu/%llu, explored %llu, warmup %llu, explore_every %u",
					 d.name, b, m[b].choice, m[b].phys_samples,
					 m[b].iova_samples, m[b].picked_phys,
					 m[b].picked_iova, m[b].explored, m[b].warmup,
					 m[b].every);
				ok = false;
			}
		}
		/* Every request took phys: run_one() checked the picks. */
		if (ok && d.expect[NVMP_DMA_AUTO].iova_batched) {
			snprintf(why, whylen, "%s: auto batched requests", d.name);
			ok = false;
		}
	}
	auto_teardown(&d, t, &ok, why, whylen);
	return ok;
}

/*
 * Costs as the test sets them: every estimate ends up exact (the simulated
 * clock only moves by them), the choice is the cheaper path per bucket, the
 * warm-up measures each path NVMP_AUTO_WARMUP times in runs of
 * NVMP_AUTO_RUN, and then every every_for(n) requests a run takes the other
 * path: from every 301 at 6 segments, where the paths are closest, to every
 * 1894 at 128, where one costs 7.4 times the other.  Twice
 * NVMP_AUTO_EXPLORE_MAX rounds after the warm-up explore each bucket at
 * least 4 times.  Every request learns but the first of each run, the one
 * after the other path.  Writing 0 to auto_model then forgets all of it,
 * and auto warms up again before it takes the cheaper path.
 */
static bool t_auto_converge(char *why, size_t whylen)
{
	struct treq *t = calloc(NVMP_AUTO_BUCKETS, sizeof(*t));
	struct amodel m[NVMP_AUTO_BUCKETS];
	struct tdev d = { 0 };
	unsigned int b, n;
	unsigned int rounds = 2 * NVMP_AUTO_EXPLORE_MAX + AUTO_WARMUP_REQS;
	unsigned long long after, cheap, dear;
	bool ok;

	ok = auto_setup(&d, t, &all_modes[2], why, whylen);
	sim_cost = auto_costs;
	ok = ok && auto_rounds(&d, t, rounds, why, whylen) &&
	     amodel_read("nvme0", m, why, whylen);
	/* The buckets' names cover 1 and up, in order, each request in its own. */
	for (b = 0; b < NVMP_AUTO_BUCKETS && ok; b++) {
		n = auto_segs[b];
		if (m[b].lo != (b ? m[b - 1].hi + 1 : 1) || n < m[b].lo ||
		    n > m[b].hi ||
		    (b == NVMP_AUTO_BUCKETS - 1 && m[b].hi != UINT_MAX)) {
			snprintf(why, whylen,
				 "bucket %u: named %u-%u, after %u, for %u segments",
				 b, m[b].lo, m[b].hi, b ? m[b - 1].hi : 0, n);
			ok = false;
		}
	}
	for (b = 0; b < NVMP_AUTO_BUCKETS && ok; b++) {
		n = auto_segs[b];
		after = rounds - m[b].warmup;
		cheap = !strcmp(cheaper(n), "iova") ? m[b].picked_iova : m[b].picked_phys;
		dear = !strcmp(cheaper(n), "iova") ? m[b].picked_phys : m[b].picked_iova;
		if (m[b].phys_ns != cost_phys(n) || m[b].iova_ns != cost_iova(n) ||
		    strcmp(m[b].choice, cheaper(n)) ||
		    m[b].warmup != AUTO_WARMUP_REQS ||
		    m[b].every != every_for(n) ||
		    m[b].explored != explored_for(after, every_for(n)) || dear ||
		    cheap != after - m[b].explored ||
		    m[b].phys_samples + m[b].iova_samples != rounds - auto_switches[b]) {
			snprintf(why, whylen,
				 "%u segments: phys %llu ns iova %llu ns (true: %llu, %llu), choice %s (%s), warmup %llu, explored %llu, every %u (want %u), picked cheaper %llu costlier %llu of %u, samples %llu + %llu after %llu switches",
				 n, m[b].phys_ns, m[b].iova_ns,
				 (unsigned long long)cost_phys(n),
				 (unsigned long long)cost_iova(n), m[b].choice,
				 cheaper(n), m[b].warmup, m[b].explored, m[b].every,
				 every_for(n), cheap, dear, rounds, m[b].phys_samples,
				 m[b].iova_samples, auto_switches[b]);
			ok = false;
		}
	}
	/* Writing 0 forgets the model; anything else is refused. */
	if (ok) {
		struct dentry *f = sim_debugfs_lookup("nvme0/dma/auto_model");

		ok = f && sim_debugfs_write(f, "1") == -EINVAL &&
		     !sim_debugfs_write(f, "0") && amodel_read("nvme0", m, why, whylen);
		for (b = 0; b < NVMP_AUTO_BUCKETS && ok; b++)
			ok = !strcmp(m[b].choice, "warmup") && !m[b].phys_samples &&
			     !m[b].iova_samples && !m[b].warmup && !m[b].explored &&
			     !m[b].picked_phys && !m[b].picked_iova && !m[b].phys_ns &&
			     !m[b].every;
		if (!ok && !*why)
			snprintf(why, whylen, "auto_model: 0 does not reset or 1 is not refused");
	}
	/* And auto warms up again before it takes the cheaper path. */
	ok = ok && auto_rounds(&d, t, AUTO_WARMUP_REQS + 10, why, whylen) &&
	     amodel_read("nvme0", m, why, whylen);
	for (b = 0; b < NVMP_AUTO_BUCKETS && ok; b++) {
		n = auto_segs[b];
		if (m[b].warmup != AUTO_WARMUP_REQS || m[b].explored ||
		    strcmp(m[b].choice, cheaper(n)) ||
		    (!strcmp(cheaper(n), "iova") ? m[b].picked_iova :
						   m[b].picked_phys) != 10) {
			snprintf(why, whylen,
				 "after a reset, %u segments: warmup %llu (want %u), choice %s (%s), picked phys %llu, iova %llu, explored %llu",
				 n, m[b].warmup, AUTO_WARMUP_REQS, m[b].choice,
				 cheaper(n), m[b].picked_phys, m[b].picked_iova,
				 m[b].explored);
			ok = false;
		}
	}
	auto_teardown(&d, t, &ok, why, whylen);
	return ok;
}

/*
 * One slow request among the first does not decide.  The first sample of
 * one path costs 20 times what the rest do (the warm-up's first run takes
 * phys, its second iova, and each learns from its last request only), and
 * once warm every bucket holds the true costs
 * and takes the cheaper path on every request up to its first exploration.
 * An estimate started from that sample and averaged from there would still
 * be some 8 times too high after the warm-up (3.4 times as a plain mean of
 * the warm-up), and keep auto off the path wherever it is the cheaper one,
 * until exploration, one request in hundreds, brought it down.
 */
static bool t_auto_slow_start(char *why, size_t whylen)
{
	static const char *const names[] = { "phys", "iova" };
	struct treq *t = calloc(NVMP_AUTO_BUCKETS, sizeof(*t));
	struct amodel m[NVMP_AUTO_BUCKETS];
	struct tdev d = { 0 };
	unsigned int slow, round, b, n;
	unsigned long long dear;
	bool ok = true;

	for (slow = 0; slow < 2 && ok; slow++) {
		ok = auto_setup(&d, t, &all_modes[2], why, whylen);
		for (round = 0; round < 2 * NVMP_AUTO_RUN && ok; round++) {
			sim_cost = auto_costs;
			if (round == (slow + 1) * NVMP_AUTO_RUN - 1)
				sim_costs_times(20);
			ok = auto_rounds(&d, t, 1, why, whylen);
		}
		sim_cost = auto_costs;
		ok = ok && amodel_read("nvme0", m, why, whylen);
		/* The slow sample went to the path meant. */
		for (b = 0; b < NVMP_AUTO_BUCKETS && ok; b++) {
			n = auto_segs[b];
			if (m[b].phys_samples != 1 || m[b].iova_samples != 1 ||
			    m[b].phys_ns != cost_phys(n) * (slow ? 1 : 20) ||
			    m[b].iova_ns != cost_iova(n) * (slow ? 20 : 1)) {
				snprintf(why, whylen,
					 "%u segments, after one request on each path, %s slow: phys %llu ns (%llu samples), iova %llu ns (%llu)",
					 n, names[slow], m[b].phys_ns,
					 m[b].phys_samples, m[b].iova_ns,
					 m[b].iova_samples);
				ok = false;
			}
		}
		ok = ok && auto_rounds(&d, t, AUTO_WARMUP_REQS - 2 * NVMP_AUTO_RUN +
				       NVMP_AUTO_EXPLORE - 1, why, whylen) &&
		     amodel_read("nvme0", m, why, whylen);
		for (b = 0; b < NVMP_AUTO_BUCKETS && ok; b++) {
			n = auto_segs[b];
			dear = !strcmp(cheaper(n), "iova") ? m[b].picked_phys :
			       m[b].picked_iova;
			if (m[b].phys_ns != cost_phys(n) ||
			    m[b].iova_ns != cost_iova(n) ||
			    strcmp(m[b].choice, cheaper(n)) || dear ||
			    m[b].explored) {
				snprintf(why, whylen,
					 "%u segments, first %s sample slow: phys %llu ns, iova %llu ns (true: %llu, %llu), choice %s (%s), %llu took the dearer path, %llu explored",
					 n, names[slow], m[b].phys_ns, m[b].iova_ns,
					 (unsigned long long)cost_phys(n),
					 (unsigned long long)cost_iova(n),
					 m[b].choice, cheaper(n), dear,
					 m[b].explored);
				ok = false;
			}
		}
	}
	auto_teardown(&d, t, &ok, why, whylen);
	return ok;
}

/*
 * A path whose cost swings widely is judged by what it costs on the whole,
 * not by its cheapest request.  phys costs 20 ns a segment for two runs of
 * rounds, then 600 for the next two (as phys's cost varies under a lazy
 * IOMMU), 310 on average; iova a steady 900 ns plus 20 a segment.  (The
 * warm-up takes a path for one run in two, so the samples it learns of phys
 * take turns at being cheap and dear.)  Where one path costs
 * at least half as much again on average, auto takes the cheaper one on
 * every request from the end of the warm-up; the bucket of 3 segments,
 * where the two come within 4%, is left out.  An estimate started from the
 * cheapest warm-up sample would have auto take phys from 6 segments up.
 */
static bool t_auto_swings(char *why, size_t whylen)
{
	struct treq *t = calloc(NVMP_AUTO_BUCKETS, sizeof(*t));
	struct amodel m[NVMP_AUTO_BUCKETS];
	struct tdev d = { 0 };
	unsigned int round, b, n;
	unsigned long long phys, iova, dear;
	const char *want;
	bool ok;

	ok = auto_setup(&d, t, &all_modes[2], why, whylen);
	for (round = 0; round < AUTO_WARMUP_REQS + 200 && ok; round++) {
		sim_cost = (struct sim_costs){ .map = 10, .unmap = 10,
					       .iova_alloc = 300, .iova_link = 20,
					       .iova_sync = 300, .iova_destroy = 300 };
		if (round / (2 * NVMP_AUTO_RUN) % 2) {
			sim_cost.map = 300;
			sim_cost.unmap = 300;
		}
		ok = auto_rounds(&d, t, 1, why, whylen);
	}
	ok = ok && amodel_read("nvme0", m, why, whylen);
	for (b = 0; b < NVMP_AUTO_BUCKETS && ok; b++) {
		n = auto_segs[b];
		phys = 310ULL * n;
		iova = 900 + 20ULL * n;
		if (2 * max(phys, iova) < 3 * min(phys, iova))
			continue;
		want = phys < iova ? "phys" : "iova";
		dear = phys < iova ? m[b].picked_iova : m[b].picked_phys;
		if (strcmp(m[b].choice, want) || dear || m[b].explored) {
			snprintf(why, whylen,
				 "%u segments: phys %llu ns (on average %llu), iova %llu ns (%llu), choice %s (%s), %llu took the dearer path, %llu explored",
				 n, m[b].phys_ns, phys, m[b].iova_ns, iova,
				 m[b].choice, want, dear, m[b].explored);
			ok = false;
		}
	}
	auto_teardown(&d, t, &ok, why, whylen);
	return ok;
}

/*
 * How far apart auto explores, against the ratio of what one segment costs
 * on the two paths (200 ns on the cheaper one), with exact estimates: a run
 * every 256 requests when they cost the same, 384 at 1.5, 1280 at 5 either
 * way round, 4096 at 16 and no more at 40.  With 256 throughout, a path five
 * times as dear would add 3.1% to what the cheaper one costs alone.
 * Every other bucket explores as its own ratio says.  --quick (valgrind)
 * keeps 1:1, 1:5 and 1:16.  Working the interval out divides (twice at
 * most), once per exploration cycle, and so does the end of each path's
 * warm-up, once; never on every request.
 */
static bool t_auto_explore_ratio(char *why, size_t whylen)
{
	static const struct {
		unsigned int phys, iova;	/* ns for 1 segment */
		unsigned int every;		/* the answer, for 1 segment */
	} c[] = {
		{ 200, 200, 256 }, { 200, 300, 384 }, { 200, 1000, 1280 },
		{ 1000, 200, 1280 }, { 200, 3200, 4096 }, { 200, 8000, 4096 },
	};
	struct treq *t = calloc(NVMP_AUTO_BUCKETS, sizeof(*t));
	struct amodel m[NVMP_AUTO_BUCKETS];
	struct tdev d = { 0 };
	unsigned int b, n, k;
	unsigned int rounds = 2 * NVMP_AUTO_EXPLORE_MAX + AUTO_WARMUP_REQS;
	unsigned long long after, divs, cycles;
	bool ok = true;

	for (k = 0; k < ARRAY_SIZE(c) && ok; k += opt_quick ? 2 : 1) {
		ok = auto_setup(&d, t, &all_modes[2], why, whylen);
		sim_cost = costs_1seg(c[k].phys, c[k].iova);
		divs = sim_div64_calls;
		ok = ok && auto_rounds(&d, t, rounds, why, whylen);
		divs = sim_div64_calls - divs;
		ok = ok && amodel_read("nvme0", m, why, whylen);
		for (b = 0, cycles = 0; b < NVMP_AUTO_BUCKETS && ok; b++)
			cycles += DIV_ROUND_UP(m[b].explored, NVMP_AUTO_RUN) + 1;
		if (ok && divs > 2 * cycles + 2 * NVMP_AUTO_BUCKETS) {
			snprintf(why, whylen,
				 "phys %u ns, iova %u ns for 1 segment: %llu divisions in %u requests per bucket, for %llu exploration cycles and %u warm-ups",
				 c[k].phys, c[k].iova, divs, rounds, cycles,
				 2 * NVMP_AUTO_BUCKETS);
			ok = false;
		}
		for (b = 0; b < NVMP_AUTO_BUCKETS && ok; b++) {
			n = auto_segs[b];
			after = rounds - m[b].warmup;
			if (m[b].every != every_for(n) ||
			    (!b && m[b].every != c[k].every) ||
			    m[b].explored != explored_for(after, m[b].every) ||
			    strcmp(m[b].choice, cheaper(n))) {
				snprintf(why, whylen,
					 "phys %u ns, iova %u ns for 1 segment; %u segments: phys %llu ns, iova %llu ns, choice %s (%s), a run every %u (want %u), %llu explored of %llu",
					 c[k].phys, c[k].iova, n, m[b].phys_ns,
					 m[b].iova_ns, m[b].choice, cheaper(n),
					 m[b].every, b ? every_for(n) : c[k].every,
					 m[b].explored, after);
				ok = false;
			}
		}
	}
	auto_teardown(&d, t, &ok, why, whylen);
	return ok;
}

/*
 * The first request on a path after the other one runs cold, and auto does
 * not learn from it (the guest measured such a request at 2.5 times a warm
 * one).  Requests of 1 segment only, so that the path changes only when
 * auto changes it; the first call after a call of the other kind costs
 * 600 ns more.  iova costs 250 ns, phys 400 at first: auto settles on iova
 * with both estimates exact.  Then phys costs 150: only exploration can
 * tell, and every explored run begins cold at 750 ns.  Within 16 *
 * NVMP_AUTO_EXPLORE requests auto takes phys, with both estimates exact
 * again, and of 2 * NVMP_AUTO_EXPLORE_MAX more, all take phys but the
 * explorers.  Learning from every request, cold ones included, auto would
 * have phys at 680 ns after the warm-up (each run of it one cold 1000 and
 * one warm 400), and later at about 450 (750 and 150 in turn), so it would
 * stay on iova.
 */
static bool t_auto_cold(char *why, size_t whylen)
{
	struct treq *t = calloc(NVMP_AUTO_BUCKETS, sizeof(*t));
	struct amodel m0[NVMP_AUTO_BUCKETS], m[NVMP_AUTO_BUCKETS];
	unsigned int i, phase, tail = 2 * NVMP_AUTO_EXPLORE_MAX;
	unsigned long long explored;
	struct tdev d = { 0 };
	const char *want;
	bool ok;

	ok = auto_setup(&d, t, &all_modes[2], why, whylen);
	sim_cost = (struct sim_costs){ .map = 200, .unmap = 200,
				       .iova_alloc = 100, .iova_link = 10,
				       .iova_sync = 40, .iova_destroy = 100,
				       .cold = 600 };
	for (phase = 0; phase < 2 && ok; phase++) {
		if (phase) {
			sim_cost.map = 75;
			sim_cost.unmap = 75;
		}
		want = phase ? "phys" : "iova";
		for (i = 0; i < 16 * NVMP_AUTO_EXPLORE && ok; i++)
			ok = auto_one(&d, t, 0, why, whylen);
		ok = ok && auto_tail(&d, t, tail, m0, m, why, whylen);
		if (!ok)
			break;
		explored = m[0].explored - m0[0].explored;
		if (strcmp(m[0].choice, want) || m[0].phys_ns != 2 * sim_cost.map ||
		    m[0].iova_ns != 250 ||
		    (phase ? m[0].picked_phys - m0[0].picked_phys :
			     m[0].picked_iova - m0[0].picked_iova) != tail - explored ||
		    !explored) {
			snprintf(why, whylen,
				 "phys %llu ns a request: choice %s (%s), phys %llu ns, iova %llu ns (true %llu, 250), of the last %u %llu explored, %llu took phys, %llu iova",
				 (unsigned long long)(2 * sim_cost.map),
				 m[0].choice, want, m[0].phys_ns, m[0].iova_ns,
				 (unsigned long long)(2 * sim_cost.map), tail,
				 explored, m[0].picked_phys - m0[0].picked_phys,
				 m[0].picked_iova - m0[0].picked_iova);
			ok = false;
		}
	}
	auto_teardown(&d, t, &ok, why, whylen);
	return ok;
}

/*
 * One slow request now and then does not send auto to the dearer of two
 * close paths.  Requests of 1 segment; the cheaper path costs 1000 ns, the
 * other 1100, and every SPIKE_EVERY-th request costs five times as much on
 * either (as under TCG, where the host preempts a virtual CPU now and
 * then).  Once warm, auto takes the cheaper path on every request but the
 * explorers, both ways round.  Were a sample of the chosen path to weigh
 * 1/8, as the explored one's does, each slow request would lift its
 * estimate by 500 ns, past the other path's, and auto would switch to the
 * dearer path until a slow request of that one sent it back (so patched,
 * 604 of the 4096 requests checked took the dearer path).  At 1/64 a slow
 * request lifts it by 62 ns, and the estimate is back within 7 ns of the
 * true cost by the next one.
 */
#define SPIKE_EVERY	151

static bool t_auto_spikes(char *why, size_t whylen)
{
	struct treq *t = calloc(NVMP_AUTO_BUCKETS, sizeof(*t));
	struct amodel m0[NVMP_AUTO_BUCKETS], m[NVMP_AUTO_BUCKETS];
	unsigned int i, iova_cheap, tail = 16 * NVMP_AUTO_EXPLORE;
	unsigned long long dear, explored;
	struct tdev d = { 0 };
	struct sim_costs cost;
	const char *want;
	bool ok = true;

	for (iova_cheap = 0; iova_cheap < 2 && ok; iova_cheap++) {
		ok = auto_setup(&d, t, &all_modes[2], why, whylen);
		cost = iova_cheap ? costs_1seg(1100, 1000) :
				    costs_1seg(1000, 1100);
		want = iova_cheap ? "iova" : "phys";
		for (i = 0; i < AUTO_WARMUP_REQS + tail && ok; i++) {
			if (i == AUTO_WARMUP_REQS)
				ok = amodel_read("nvme0", m0, why, whylen);
			sim_cost = cost;
			if (i % SPIKE_EVERY == SPIKE_EVERY - 1)
				sim_costs_times(5);
			ok = ok && auto_one(&d, t, 0, why, whylen);
		}
		ok = ok && amodel_read("nvme0", m, why, whylen);
		if (!ok)
			break;
		explored = m[0].explored - m0[0].explored;
		dear = iova_cheap ? m[0].picked_phys - m0[0].picked_phys :
		       m[0].picked_iova - m0[0].picked_iova;
		if (strcmp(m0[0].choice, want) || strcmp(m[0].choice, want) ||
		    dear || !explored ||
		    explored > NVMP_AUTO_RUN * DIV_ROUND_UP(tail, NVMP_AUTO_EXPLORE)) {
			snprintf(why, whylen,
				 "%s 10%% cheaper, one request in %u 5 times dearer: choice %s, then %s; of the last %u, %llu took the dearer path, %llu explored (phys %llu ns, iova %llu ns)",
				 want, SPIKE_EVERY, m0[0].choice, m[0].choice, tail,
				 dear, explored, m[0].phys_ns, m[0].iova_ns);
			ok = false;
		}
	}
	auto_teardown(&d, t, &ok, why, whylen);
	return ok;
}

/*
 * An estimate left too high by a change of costs heals within a few runs
 * once explored: requests of 1 segment, one path costs 1000 ns and the
 * other 2000 until both estimates are exact; then the other one costs 500.
 * The first explored sample after that comes in a quarter or more under
 * the chosen path's estimate, and so does each following one, taken at
 * once (a recheck), so auto takes the other path within RECHECK_WITHIN
 * requests, both ways round, and then every request there but the
 * explorers, as often as its ratio says and no more (the old path's
 * samples, at 1000, call for no recheck).  Here auto stays on it from
 * the 258th request, just after the first exploration.  Without
 * rechecks the estimate falls by 1/8 of the way once a run every 512
 * requests, then ever closer: so patched, auto was still on the old path
 * after RECHECK_WITHIN requests and took it for 2007 of the next 8192.
 *
 * Rechecks end where a sample does not come in that far under: the other
 * path costs 1300, but 600 one request in four (a fixed pseudo-random
 * sequence), as a noisy path would.  Each explored sample at 600 calls
 * for one more, and so on, so there are rechecks, but auto explores at
 * most twice as often as its ratio says, and stays on the cheaper path
 * but for a short while now and then, where a chain of samples at 600
 * took the estimate under 1000 (here 24 requests of 8192), until the
 * samples of iova, then chosen, lift it again.
 */
/* Two of the intervals between runs where one path costs twice the other. */
#define RECHECK_WITHIN	(2 * 2 * NVMP_AUTO_EXPLORE)

static bool t_auto_recheck(char *why, size_t whylen)
{
	struct treq *t = calloc(NVMP_AUTO_BUCKETS, sizeof(*t));
	struct amodel m0[NVMP_AUTO_BUCKETS], m[NVMP_AUTO_BUCKETS];
	unsigned int i, iova_stale, took, row, tail = 2 * NVMP_AUTO_EXPLORE_MAX;
	unsigned long long dear, explored, lo, hi;
	u64 rng = 1;	/* a fixed sequence: the outcome is the same every run */
	struct tdev d = { 0 };
	struct sim_costs cost;
	const char *stale, *old;
	int stale_path;
	bool ok = true;

	for (iova_stale = 0; iova_stale < 2 && ok; iova_stale++) {
		stale = iova_stale ? "iova" : "phys";
		old = iova_stale ? "phys" : "iova";
		stale_path = iova_stale ? NVMP_DMA_IOVA : NVMP_DMA_PHYS;
		/* 2000 ns on the stale path, 1000 on the old one. */
		ok = auto_setup(&d, t, &all_modes[2], why, whylen);
		cost = iova_stale ? costs_1seg(1000, 2000) :
				    costs_1seg(2000, 1000);
		sim_cost = cost;
		for (i = 0; i < AUTO_WARMUP_REQS + NVMP_AUTO_EXPLORE && ok; i++)
			ok = auto_one(&d, t, 0, why, whylen);
		/* Then 500 on the stale path. */
		cost = iova_stale ? costs_1seg(1000, 500) :
				    costs_1seg(500, 1000);
		sim_cost = cost;
		/* took: where auto stays on the stale path past a run. */
		for (i = 0, took = 0, row = 0; i < RECHECK_WITHIN && ok; i++) {
			ok = auto_one(&d, t, 0, why, whylen);
			row = auto_last[0] == stale_path ? row + 1 : 0;
			if (!took && row > NVMP_AUTO_RUN)
				took = i + 1;
		}
		ok = ok && auto_tail(&d, t, tail, m0, m, why, whylen);
		if (!ok)
			break;
		explored = m[0].explored - m0[0].explored;
		dear = iova_stale ? m[0].picked_phys - m0[0].picked_phys :
		       m[0].picked_iova - m0[0].picked_iova;
		/* A run cut at either end of the tail. */
		lo = NVMP_AUTO_RUN * (tail / m[0].every) - (NVMP_AUTO_RUN - 1);
		hi = NVMP_AUTO_RUN * DIV_ROUND_UP(tail, m[0].every) +
		     NVMP_AUTO_RUN - 1;
		if (strcmp(m0[0].choice, stale) || strcmp(m[0].choice, stale) ||
		    dear || m[0].phys_ns != 2 * cost.map ||
		    m[0].iova_ns != 4 * cost.iova_link ||
		    explored < lo || explored > hi) {
			snprintf(why, whylen,
				 "%s 2000 ns, then 500 against %s's 1000: stays on %s from request %u, choice %s after %u, then %s; of the last %u, %llu took %s, %llu explored (%llu-%llu, a run every %u), phys %llu ns, iova %llu ns",
				 stale, old, stale, took, m0[0].choice,
				 RECHECK_WITHIN, m[0].choice, tail, dear, old,
				 explored, lo, hi, m[0].every, m[0].phys_ns,
				 m[0].iova_ns);
			ok = false;
		}
	}
	/* The noisy path: 1300 ns, or 600 one time in four. */
	ok = ok && auto_setup(&d, t, &all_modes[2], why, whylen);
	cost = costs_1seg(1000, 1300);
	for (i = 0; i < AUTO_WARMUP_REQS + tail && ok; i++) {
		if (i == AUTO_WARMUP_REQS)
			ok = amodel_read("nvme0", m0, why, whylen);
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		sim_cost = rng >> 62 ? cost : costs_1seg(1000, 600);
		ok = ok && auto_one(&d, t, 0, why, whylen);
	}
	ok = ok && amodel_read("nvme0", m, why, whylen);
	if (ok) {
		explored = m[0].explored - m0[0].explored;
		dear = m[0].picked_iova - m0[0].picked_iova;
		/* Runs as often as the ratio says, and as many again at most. */
		lo = NVMP_AUTO_RUN * DIV_ROUND_UP(tail, m[0].every) +
		     NVMP_AUTO_RUN - 1;
		hi = 2 * lo;
		if (strcmp(m[0].choice, "phys") || dear > tail / 64 ||
		    explored <= lo || explored > hi) {
			snprintf(why, whylen,
				 "iova 1300 ns or 600, phys 1000: choice %s; of the last %u, %llu took iova, %llu explored (want over %llu, at most %llu; a run every %u), iova %llu ns",
				 m[0].choice, tail, dear, explored, lo, hi,
				 m[0].every, m[0].iova_ns);
			ok = false;
		}
	}
	auto_teardown(&d, t, &ok, why, whylen);
	return ok;
}

/*
 * After @lead more requests per bucket, each bucket's choice is the cheaper
 * path, and of 2 * NVMP_AUTO_EXPLORE_MAX more, all took it but the
 * explorers, a run every explore_every.  That can still creep up or down
 * while the estimate only exploration feeds settles, so the readings before
 * and after the last requests bound it (a run may be cut at either end).
 * With @exact, both estimates have settled on the true costs, and so has
 * the interval.
 */
static bool auto_phase(struct tdev *d, struct treq *t, unsigned int lead,
		       bool exact, const char *phase, char *why, size_t whylen)
{
	struct amodel m0[NVMP_AUTO_BUCKETS], m[NVMP_AUTO_BUCKETS];
	unsigned long long cheap, explored;
	unsigned int b, n, lo, hi, tail = 2 * NVMP_AUTO_EXPLORE_MAX;

	if (!auto_rounds(d, t, lead, why, whylen) ||
	    !amodel_read("nvme0", m0, why, whylen) ||
	    !auto_rounds(d, t, tail, why, whylen) ||
	    !amodel_read("nvme0", m, why, whylen))
		return false;
	for (b = 0; b < NVMP_AUTO_BUCKETS; b++) {
		n = auto_segs[b];
		cheap = !strcmp(cheaper(n), "iova") ?
			m[b].picked_iova - m0[b].picked_iova :
			m[b].picked_phys - m0[b].picked_phys;
		explored = m[b].explored - m0[b].explored;
		lo = min(m0[b].every, m[b].every);
		hi = max(m0[b].every, m[b].every);
		if (strcmp(m[b].choice, cheaper(n)) || cheap != tail - explored ||
		    lo < NVMP_AUTO_EXPLORE || hi > NVMP_AUTO_EXPLORE_MAX ||
		    explored + NVMP_AUTO_RUN - 1 < NVMP_AUTO_RUN * (tail / hi) ||
		    explored > NVMP_AUTO_RUN * DIV_ROUND_UP(tail, lo) + NVMP_AUTO_RUN - 1 ||
		    (exact && (m[b].phys_ns != cost_phys(n) ||
			       m[b].iova_ns != cost_iova(n) ||
			       lo != every_for(n) || hi != lo))) {
			snprintf(why, whylen,
				 "%s, %u segments: choice %s, not %s (phys %llu ns, iova %llu ns; true %llu, %llu); of the last %u, %llu took %s, %llu explored, a run every %u, then %u (true costs: %u)",
				 phase, n, m[b].choice, cheaper(n), m[b].phys_ns,
				 m[b].iova_ns, (unsigned long long)cost_phys(n),
				 (unsigned long long)cost_iova(n), tail, cheap,
				 cheaper(n), explored, m0[b].every, m[b].every,
				 every_for(n));
			return false;
		}
	}
	return true;
}

/*
 * The costs change under auto: phys becomes cheap everywhere (only
 * exploration can tell, where iova was chosen), then dear everywhere (the
 * chosen path's own samples tell, until iova wins; from then on only
 * exploration raises the phys estimate further); each time every bucket
 * follows.
 *
 * The samples that tell come further apart while the gap is wide, so the
 * phases are long.  At 128 segments, when phys turns cheap, its estimate
 * falls from 25600 ns towards 2560 and passes iova's 3460 ns after 25
 * explored samples, taken one request in 7.4 * NVMP_AUTO_EXPLORE at first:
 * some 70 * NVMP_AUTO_EXPLORE requests in all.  When phys turns dear, its
 * own samples lift it past iova within some 30 requests (each weighs 1/64
 * as the chosen path's, and counts at most four times the estimate, plus a
 * microsecond); after that only explorers feed it, each by 3/8 at most, so
 * its interval may still be growing when the phase is checked, which the
 * third check allows.  So before the rounds a phase checks, the first runs
 * NVMP_AUTO_EXPLORE requests (past the warm-up),
 * the second LEAD_CHEAP (the slowest change, what a CPU had counted towards
 * its next exploration, and a margin) and the third LEAD_DEAR.
 */
#define LEAD_CHEAP	(96 * NVMP_AUTO_EXPLORE)
#define LEAD_DEAR	(16 * NVMP_AUTO_EXPLORE)

static bool t_auto_switch(char *why, size_t whylen)
{
	struct treq *t = calloc(NVMP_AUTO_BUCKETS, sizeof(*t));
	struct tdev d = { 0 };
	bool ok;

	ok = auto_setup(&d, t, &all_modes[2], why, whylen);
	sim_cost = auto_costs;
	ok = ok && auto_phase(&d, t, NVMP_AUTO_EXPLORE, true, "first costs",
			      why, whylen);
	sim_cost.map = 10;
	sim_cost.unmap = 10;
	ok = ok && auto_phase(&d, t, LEAD_CHEAP, true, "phys made cheap", why,
			      whylen);
	sim_cost.map = 1000;
	sim_cost.unmap = 1000;
	ok = ok && auto_phase(&d, t, LEAD_DEAR, false, "phys made dear", why,
			      whylen);
	auto_teardown(&d, t, &ok, why, whylen);
	return ok;
}

static bool t_upstream_pool(char *why, size_t whylen)
{
	static const struct tpiece p[] = { { 0x800000, 0x1000 }, { 0x820000, 0x3000 } };
	struct treq *t = calloc(1, sizeof(*t));
	struct tdev d = { 0 };
	struct queue_limits lim;
	struct run_spec r = {
		.path = NVMP_DMA_UPSTREAM, .use = DRV_SGL, .inj_fn = SIM_F_MEMPOOL,
		.inj_nth = 1,
	};
	struct run_result res;
	bool ok;

	lim_nvme(&lim, 0xffffffff);
	ok = dev_cycle(&d, SIM_NVME0, &all_modes[1], why, whylen) &&
	     !treq_from_pieces(t, &lim, p, NULL, 2, true);
	if (ok) {
		ok = run_one(&d, t, &r, &res) && res.injected &&
		     res.status == BLK_STS_RESOURCE && sim_cnt.unmaps == 1;
		if (!ok)
			snprintf(why, whylen, "status %s, injected %d, %u unmaps: %s",
				 blk_status_name(res.status), res.injected,
				 sim_cnt.unmaps, res.why);
	}
	if (!tdev_down(&d, why, ok ? whylen : 0))
		ok = false;
	treq_free(t);
	free(t);
	return ok;
}

static bool t_init_failure(char *why, size_t whylen)
{
	struct device *dev = &sim_clients[SIM_NVME0]->dev;
	struct sim_dma_dev cfg = { .mode = SIM_IOMMU, .granule = 4096,
				   .min_align_mask = 4095 };
	long heap = sim_kmalloc_live, pcpu = sim_percpu_live;
	struct nvmp_dma_dev dd;
	bool injected;
	unsigned int n;
	int ret;

	sim_dma_setup(dev, &cfg);
	for (n = 1; n < 100; n++) {
		memset(&dd, 0, sizeof(dd));
		sim_reset_counts();
		sim_reset_violations();
		sim_inject(SIM_F_KMALLOC, n);
		ret = nvmp_dma_dev_init(&dd, dev, TR_MAX_SEGS_HW);
		injected = sim_injected;
		sim_inject(SIM_F_ANY, 0);
		if (!injected) {
			if (ret) {
				snprintf(why, whylen, "init failed (%d) with nothing failing", ret);
				return false;
			}
			nvmp_dma_dev_exit(&dd);
			break;
		}
		if (ret != -ENOMEM) {
			snprintf(why, whylen, "allocation %u failed, init returned %d", n, ret);
			return false;
		}
		if (sim_kmalloc_live != heap || sim_percpu_live != pcpu ||
		    sim_nr_violations()) {
			snprintf(why, whylen, "allocation %u failed: %ld + %ld per-CPU left%s%s",
				 n, sim_kmalloc_live - heap, sim_percpu_live - pcpu,
				 sim_nr_violations() ? "; " : "", sim_violation_msg(0));
			return false;
		}
	}
	if (n < 3) {
		snprintf(why, whylen, "init made only %u allocations", n - 1);
		return false;
	}
	if (sim_kmalloc_live != heap || sim_percpu_live != pcpu ||
	    sim_live_iovas()) {
		snprintf(why, whylen, "init and exit leave objects behind");
		return false;
	}
	return true;
}

static bool t_probe_failure(char *why, size_t whylen)
{
	static const struct tpiece p[] = { { 0x900000, 0x1000 }, { 0x910000, 0x1000 } };
	struct treq *t = calloc(1, sizeof(*t));
	struct tdev d = { 0 };
	struct queue_limits lim;
	struct run_spec r = { .path = NVMP_DMA_IOVA, .use = DRV_PRP };
	struct run_result res;
	bool ok = false;

	lim_nvme(&lim, 0xffffffff);
	if (treq_from_pieces(t, &lim, p, NULL, 2, false))
		goto out;
	/* The IOVA probe at init fails: the device is not iova-capable. */
	sim_reset_counts();
	sim_inject(SIM_F_IOVA_ALLOC, 1);
	d.client = SIM_NVME0;
	d.dev = &sim_clients[SIM_NVME0]->dev;
	d.cfg.mode = SIM_IOMMU;
	d.cfg.granule = 4096;
	d.cfg.min_align_mask = 4095;
	snprintf(d.name, sizeof(d.name), "nvme0 iommu-4k, probe failed");
	sim_dma_setup(d.dev, &d.cfg);
	if (nvmp_dma_dev_init(&d.dd, d.dev, TR_MAX_SEGS_HW) || d.dd.iova_capable ||
	    sim_live_iovas()) {
		snprintf(why, whylen, "init with a failing IOVA probe: capable %d, %u IOVAs",
			 d.dd.iova_capable, sim_live_iovas());
		goto out;
	}
	d.dbg = debugfs_create_dir("nvme0", NULL);
	nvmp_dma_stats_debugfs(&d.dd, d.dbg);
	d.up = true;
	ok = run_one(&d, t, &r, &res) && res.path_taken == NVMP_DMA_PHYS;
	if (!ok)
		snprintf(why, whylen, "iova path on a device that cannot: %s path, %s",
			 nvmp_dma_path_name(res.path_taken), res.why);
	if (!tdev_down(&d, why, ok ? whylen : 0))
		ok = false;
out:
	treq_free(t);
	free(t);
	return ok;
}

static bool t_stats(char *why, size_t whylen)
{
	static const struct gen_opts o = { .p2p_pct = 10, .force_prov = -1 };
	struct treq *t = calloc(1, sizeof(*t));
	struct tdev d = { 0 };
	struct dentry *f;
	unsigned int i, p;
	bool ok;

	ok = dev_cycle(&d, SIM_NVME0, &all_modes[2], why, whylen);
	for (i = 0; i < 40 && ok; i++) {
		struct queue_limits lim;
		struct src s;

		src_init_seed(&s, mix(0x57a7, i));
		sim_cpu = i % SIM_NR_CPUS;
		gen_limits(&s, &lim, true);
		if (!gen_request(&s, t, &lim, &o))
			ok = all_paths(&d, t, false, SIM_F_ANY, why, whylen);
	}
	for (p = 0; p < NVMP_DMA_NR_PATHS && ok; p++) {
		if (!d.expect[p].requests) {
			snprintf(why, whylen, "path %s saw no requests", nvmp_dma_path_name(p));
			ok = false;
		}
	}
	ok = ok && tdev_check_stats(&d, why, whylen);
	/* Writing anything but 0 is refused... */
	f = sim_debugfs_lookup("nvme0/dma/phys");
	if (ok && (!f || sim_debugfs_write(f, "1") != -EINVAL ||
		   sim_debugfs_write(f, "zero") != -EINVAL)) {
		snprintf(why, whylen, "writing other than 0 is not refused");
		ok = false;
	}
	ok = ok && tdev_check_stats(&d, why, whylen);
	/* ...0 resets one path... */
	if (ok && sim_debugfs_write(f, "0\n")) {
		snprintf(why, whylen, "writing 0 to phys failed");
		ok = false;
	}
	memset(&d.expect[NVMP_DMA_PHYS], 0, sizeof(d.expect[0]));
	ok = ok && tdev_check_stats(&d, why, whylen);
	/* ...or all of them. */
	f = sim_debugfs_lookup("nvme0/dma/all");
	if (ok && (!f || sim_debugfs_write(f, "0"))) {
		snprintf(why, whylen, "writing 0 to all failed");
		ok = false;
	}
	memset(d.expect, 0, sizeof(d.expect));
	if (!tdev_down(&d, why, ok ? whylen : 0))
		ok = false;
	treq_free(t);
	free(t);
	return ok;
}

/*
 * Statistics off (the default in the module): requests on every path leave
 * every counter as it was and read no clock (run_one() checks both), but
 * auto still learns, from the requests it chose warm; turned on again, they
 * count from there.
 */
static bool t_stats_off(char *why, size_t whylen)
{
	static const struct gen_opts o = { .force_prov = -1 };
	struct amodel m[NVMP_AUTO_BUCKETS];
	struct treq *t = calloc(1, sizeof(*t));
	struct tdev d = { 0 };
	struct run_spec r = { .path = NVMP_DMA_PHYS, .use = DRV_RAW };
	struct run_result res;
	char buf[4096], *l;
	unsigned long long v, sum = 0;
	unsigned int i, samples = 0;
	struct dentry *f;
	int n;
	bool ok;

	ok = t && dev_cycle(&d, SIM_NVME0, &all_modes[2], why, whylen);
	set_counting(false, false);
	for (i = 0; i < 60 && ok; i++) {
		struct queue_limits lim;
		struct src s;

		src_init_seed(&s, mix(0x0ff5, i));
		sim_cpu = i % SIM_NR_CPUS;
		gen_limits(&s, &lim, true);
		if (!gen_request(&s, t, &lim, &o))
			ok = all_paths(&d, t, false, SIM_F_ANY, why, whylen);
	}
	/* Every figure in dma/all is 0: the first line names the columns. */
	f = sim_debugfs_lookup("nvme0/dma/all");
	if (ok && (!f || sim_debugfs_read(f, buf, sizeof(buf)))) {
		snprintf(why, whylen, "dma/all cannot be read");
		ok = false;
	}
	for (l = ok ? strchr(buf, '\n') : NULL; l && *l; l += n) {
		if (sscanf(l, " %llu%n", &v, &n) == 1)
			sum += v;
		else if (sscanf(l, " %*s%n", &n) != 0 || !n)
			break;
	}
	if (ok && sum) {
		snprintf(why, whylen, "statistics off, yet dma/all adds up to %llu:\n%s", sum, buf);
		ok = false;
	}
	ok = ok && amodel_read("nvme0", m, why, whylen);
	for (i = 0; ok && i < NVMP_AUTO_BUCKETS; i++)
		samples += m[i].phys_samples + m[i].iova_samples;
	if (ok && !samples) {
		snprintf(why, whylen, "statistics off: auto learned nothing");
		ok = false;
	}
	/* On again: the next request counts. */
	set_counting(true, false);
	ok = ok && run_one(&d, t, &r, &res);
	if (ok && d.expect[NVMP_DMA_PHYS].requests != 1) {
		snprintf(why, whylen, "statistics on again: %llu requests counted, not 1",
			 (unsigned long long)d.expect[NVMP_DMA_PHYS].requests);
		ok = false;
	} else if (!ok && !why[0]) {
		snprintf(why, whylen, "%s", res.why);
	}
	if (!tdev_down(&d, why, ok ? whylen : 0))
		ok = false;
	if (t)
		treq_free(t);
	free(t);
	return ok;
}

/* The driver's own debug knob: fail after the first range. */
static bool t_drv_fail_mappings(char *why, size_t whylen)
{
	static const struct tpiece p[] = { { 0xa00000, 0x1000 }, { 0xa20000, 0x1000 } };
	struct treq *t = calloc(1, sizeof(*t));
	struct tdev d = { 0 };
	struct queue_limits lim;
	struct run_spec r = { .path = NVMP_DMA_PHYS, .use = DRV_PRP,
			  .fail_after_first = true, .want_error = true,
			  .want_status = BLK_STS_RESOURCE };
	struct run_result res;
	bool ok;

	lim_nvme(&lim, 0xffffffff);
	ok = dev_cycle(&d, SIM_NVME0, &all_modes[2], why, whylen) &&
	     !treq_from_pieces(t, &lim, p, NULL, 2, false);
	if (ok) {
		ok = run_one(&d, t, &r, &res);
		if (!ok)
			fail_msg(why, whylen, &d, t, &r, &res);
	}
	tdev_down(&d, why, ok ? whylen : 0);
	treq_free(t);
	free(t);
	return ok;
}

/* A multi-page PRP list whose second page cannot be had. */
static bool t_drv_list_failure(char *why, size_t whylen)
{
	static const struct tpiece p[] = { { 0x1000000, 0x300000 } };
	struct treq *t = calloc(1, sizeof(*t));
	struct tdev d = { 0 };
	struct queue_limits lim;
	struct run_spec r = { .path = NVMP_DMA_PHYS, .use = DRV_PRP,
			  .inj_fn = SIM_F_LIST, .inj_nth = 2 };
	struct run_result res;
	bool ok;

	lim_nvme(&lim, 0xffffffff);
	ok = dev_cycle(&d, SIM_NVME0, &all_modes[2], why, whylen) &&
	     !treq_from_pieces(t, &lim, p, NULL, 1, true);
	/* First a request that leaves its list address in the iod... */
	if (ok) {
		struct run_spec clean = r;

		clean.inj_nth = 0;
		ok = run_one(&d, t, &clean, &res);
		if (!ok)
			fail_msg(why, whylen, &d, t, &clean, &res);
	}
	/* ...then one whose second list page fails. */
	if (ok) {
		ok = run_one(&d, t, &r, &res);
		if (!ok)
			fail_msg(why, whylen, &d, t, &r, &res);
	}
	tdev_down(&d, why, ok ? whylen : 0);
	treq_free(t);
	free(t);
	return ok;
}

/*
 * The data-pointer builders' early exits, which today's limits never take:
 * a range inside a controller page on PRPs, and a range past the request's
 * bytes (PRPs, and SGL with one descriptor).  The iterator has mapped that
 * range; unmapping must still get its address back (drv_check_back()), and
 * nothing may be left behind.  The WARN of the second case is expected.
 */
static bool drv_early_exit(struct tdev *d, struct treq *t, enum drv_consumer use,
			   bool want_warn, const char *what, char *why,
			   size_t whylen)
{
	blk_status_t st;
	char tmp[256];

	sim_reset_violations();
	drv_iod_reset(&d->iod);
	nvmp_dma_set_path(&d->dd, NVMP_DMA_PHYS);
	st = drv_map_data(&d->dd, &t->rq, &d->iod, use, false);
	if (st != BLK_STS_IOERR) {
		snprintf(why, whylen, "%s: status %s, not IOERR", what,
			 blk_status_name(st));
		return false;
	}
	if (d->iod.nranges != 2 || d->iod.unmap_calls != 2) {
		snprintf(why, whylen, "%s: %u ranges mapped, %u addresses read back, not 2",
			 what, d->iod.nranges, d->iod.unmap_calls);
		return false;
	}
	if (sim_nr_violations() != (want_warn ? 1U : 0U) ||
	    (want_warn && !strstr(sim_violation_msg(0), "WARN"))) {
		snprintf(why, whylen, "%s: %u rule(s) broken, first: %s", what,
			 sim_nr_violations(),
			 sim_nr_violations() ? sim_violation_msg(0) : "none");
		return false;
	}
	sim_reset_violations();
	if (!sim_dma_quiesce(d->dev, tmp, sizeof(tmp)) || sim_pool_live()) {
		snprintf(why, whylen, "%s: leak: %s, %u list pages", what, tmp,
			 sim_pool_live());
		return false;
	}
	return true;
}

static bool t_drv_early_exits(char *why, size_t whylen)
{
	static const struct tpiece inside[] = { { 0xa00000, 0x1000 }, { 0xa20800, 0x800 } };
	static const struct tpiece past[] = { { 0xa00000, 0x1000 }, { 0xa20000, 0x1000 } };
	struct treq *t = calloc(1, sizeof(*t));
	struct tdev d = { 0 };
	struct queue_limits lim;
	bool ok;

	ok = dev_cycle(&d, SIM_NVME0, &all_modes[2], why, whylen);
	lim_generic(&lim, UINT_MAX, 0xffffffff);
	if (ok && !treq_from_pieces(t, &lim, inside, NULL, 2, false)) {
		ok = drv_early_exit(&d, t, DRV_PRP, false,
				    "PRPs, a range inside a page", why, whylen);
		treq_free(t);
	}
	lim_nvme(&lim, 0xffffffff);
	if (ok && !treq_from_pieces(t, &lim, past, NULL, 2, false)) {
		/* The request claims one page; its bios hold two. */
		t->rq.__data_len = 0x1000;
		ok = drv_early_exit(&d, t, DRV_PRP, true,
				    "PRPs, a range past the request", why, whylen) &&
		     drv_early_exit(&d, t, DRV_SGL, true,
				    "SGL, a range past the request", why, whylen);
		t->rq.__data_len = 0x2000;
		treq_free(t);
	}
	memset(d.expect, 0, sizeof(d.expect));
	tdev_down(&d, why, ok ? whylen : 0);
	free(t);
	return ok;
}

/*
 * PRPs with SGLs allowed: a request that iova links into one range takes one
 * SGL data descriptor and no list page; on phys, whose ranges are its
 * scattered pages, it keeps its PRP list; without SGLs allowed, PRPs.
 */
static bool t_drv_one_range(char *why, size_t whylen)
{
	static const struct tpiece p[] = {
		{ 0x1000000, 0x1000 }, { 0x1200000, 0x1000 },
		{ 0x1400000, 0x1000 }, { 0x1600000, 0x1000 },
	};
	static const struct {
		int path;
		bool sgl_ok, want_sgl;
	} c[] = {
		{ NVMP_DMA_IOVA, true, true }, { NVMP_DMA_IOVA, false, false },
		{ NVMP_DMA_PHYS, true, false },
	};
	struct treq *t = calloc(1, sizeof(*t));
	struct tdev d = { 0 };
	struct queue_limits lim;
	struct run_result res;
	unsigned int i;
	bool ok;

	lim_nvme(&lim, 0xffffffff);
	ok = dev_cycle(&d, SIM_NVME0, &all_modes[2], why, whylen) &&
	     !treq_from_pieces(t, &lim, p, NULL, 4, false);
	for (i = 0; ok && i < ARRAY_SIZE(c); i++) {
		struct run_spec r = { .path = c[i].path, .use = DRV_PRP,
				      .prp_sgl_ok = c[i].sgl_ok };
		bool sgl;

		ok = run_one(&d, t, &r, &res);
		if (!ok) {
			fail_msg(why, whylen, &d, t, &r, &res);
			break;
		}
		sgl = d.iod.cmd.flags & NVME_CMD_SGL_METABUF;
		if (sgl != c[i].want_sgl ||
		    (sgl && d.iod.cmd.dptr.sgl.type != NVME_SGL_FMT_DATA_DESC << 4)) {
			snprintf(why, whylen, "%s, SGLs %sallowed: the command has %s",
				 nvmp_dma_path_name(c[i].path), c[i].sgl_ok ? "" : "not ",
				 sgl ? "an SGL" : "PRPs");
			ok = false;
		}
	}
	tdev_down(&d, why, ok ? whylen : 0);
	treq_free(t);
	free(t);
	return ok;
}

struct focused {
	const char *name;
	bool (*fn)(char *why, size_t whylen);
};

static const struct focused tests[] = {
	{ "path names round-trip through nvmp_dma_path_parse()", t_names },
	{ "failure at every injectable call leaks nothing (all paths, modes, consumers)",
	  t_inject_every },
	{ "iova link failure at every segment leaks nothing", t_link_every },
	{ "iova sync failure fails with BLK_STS_IOERR and leaks nothing", t_sync },
	{ "map, mempool and list failures at every call leak nothing", t_map_every },
	{ "p2p behind a switch: bus addresses with the provider's offset, nothing mapped",
	  t_p2p_switch },
	{ "p2p through the host bridge: DMA_ATTR_MMIO on every path", t_p2p_host },
	{ "p2p not supported: BLK_STS_INVAL (sg: BLK_STS_TARGET), nothing leaked",
	  t_p2p_none },
	{ "p2p behind a switch with ACS redirect goes through the host bridge",
	  t_p2p_acs },
	{ "host and peer memory in one request fail with BLK_STS_INVAL, nothing leaked",
	  t_mixed },
	{ "a segment never crosses a seg_boundary_mask window", t_boundary },
	{ "iova on 16K/64K granules falls back to phys where segments are off the granule",
	  t_granule },
	{ "discard payload on every path", t_discard },
	{ "bios split inside bio_vecs", t_split },
	{ "auto: phys without a translating IOMMU, nothing measured or explored",
	  t_auto_no_iommu },
	{ "auto: exact estimates, the cheaper path per bucket, warm-up, explore_every",
	  t_auto_converge },
	{ "auto: one slow first sample does not keep auto off the cheaper path",
	  t_auto_slow_start },
	{ "auto: a path whose cost swings is judged by its mean, not its cheapest request",
	  t_auto_swings },
	{ "auto: the first request after the other path runs cold and is not learned from",
	  t_auto_cold },
	{ "auto: a slow request now and then does not send auto to the dearer of two close paths",
	  t_auto_spikes },
	{ "auto: an estimate left too high heals in a few runs, rechecked at once",
	  t_auto_recheck },
	{ "auto: a run explores every 256 x dearer/cheaper: 256 at 1:1, 1280 at 1:5, 4096 at 1:16",
	  t_auto_explore_ratio },
	{ "auto: follows when phys gets cheaper, then dearer, in every bucket",
	  t_auto_switch },
	{ "upstream: segment record allocation failure undoes the first range",
	  t_upstream_pool },
	{ "dev init: allocation failure at every step leaks nothing", t_init_failure },
	{ "dev init: a failing IOVA probe makes iova fall back to phys", t_probe_failure },
	{ "stats: debugfs shows the counts, 0 resets, anything else is refused",
	  t_stats },
	{ "stats: off, nothing counted, no clock read but for auto's learning; on again, counted",
	  t_stats_off },
	/* Regressions of two driver bugs this harness found in io.c. */
	{ "driver: the fail_mappings knob unmaps only what it recorded",
	  t_drv_fail_mappings },
	{ "driver: a failed second PRP list page is freed with its own DMA address",
	  t_drv_list_failure },
	{ "driver: early exits of the PRP and SGL builders unmap every range they mapped",
	  t_drv_early_exits },
	{ "driver: a request mapped as one range takes one SGL descriptor where SGLs are allowed",
	  t_drv_one_range },
};

int main(int argc, char **argv)
{
	u64 seed = 0;
	bool have_seed = false, list = false;
	unsigned int iters = 10000, i;
	long only_req = -1;
	char why[2048], name[256];

	for (i = 1; i < (unsigned int)argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < (unsigned int)argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--seed") && v) {
			seed = strtoull(v, NULL, 0);
			have_seed = true;
			i++;
		} else if (!strcmp(a, "--iters") && v) {
			iters = strtoul(v, NULL, 0);
			i++;
		} else if (!strcmp(a, "--tag") && v) {
			opt_tag = v;
			i++;
		} else if (!strcmp(a, "--only") && v) {
			opt_only = v;
			i++;
		} else if (!strcmp(a, "--request") && v) {
			only_req = strtol(v, NULL, 0);
			i++;
		} else if (!strcmp(a, "--quick")) {
			opt_quick = true;
		} else if (!strcmp(a, "--verbose")) {
			sim_verbose = true;
			check_verbose = true;
		} else if (!strcmp(a, "--list")) {
			list = true;
		} else {
			fprintf(stderr, "usage: %s [--seed N] [--iters N] [--tag TEXT] [--quick]\n",
				argv[0]);
			fprintf(stderr, "  [--only TEXT] [--request I] [--verbose]\n");
			fprintf(stderr, "  [--list]\n");
			return 2;
		}
	}
	if (!have_seed)
		seed = (u64)time(NULL) ^ ((u64)clock() << 20);
	if (only_req >= 0 && !have_seed) {
		fprintf(stderr, "--request needs --seed\n");
		return 2;
	}
	if (list) {
		printf("random %u requests (seed N)\n", iters);
		for (i = 0; i < ARRAY_SIZE(tests); i++)
			printf("%s\n", tests[i].name);
		return 0;
	}
	sim_pci_init();
	set_counting(true, false);

	printf("# seed %llu (reproduce: %s --seed %llu)\n",
	       (unsigned long long)seed, argv[0], (unsigned long long)seed);
	snprintf(name, sizeof(name), "random %u requests (seed %llu)",
		 only_req >= 0 ? 1 : iters, (unsigned long long)seed);
	if (only_req >= 0 || selected(name)) {
		why[0] = 0;
		memset(&cover, 0, sizeof(cover));
		report(test_random(seed, iters, only_req, why, sizeof(why)), name, why);
	}
	for (i = 0; i < ARRAY_SIZE(tests) && only_req < 0; i++) {
		if (!selected(tests[i].name))
			continue;
		why[0] = 0;
		sim_reset_violations();
		report(tests[i].fn(why, sizeof(why)), tests[i].name, why);
	}
	sim_pci_exit();
	if (sim_kmalloc_live || sim_percpu_live || sim_debugfs_live)
		printf("# left behind: %ld heap, %ld per-CPU, %ld debugfs objects\n",
		       sim_kmalloc_live, sim_percpu_live, sim_debugfs_live);
	printf("# %u test(s), %u failed\n", nrun, nfailed);
	return nfailed ? 1 : 0;
}
