// SPDX-License-Identifier: GPL-2.0-only
/*
 * One request through one path, checked.
 *
 * What a successful mapping must satisfy:
 *   - the controller, following the PRPs, the SGL or the raw ranges,
 *     reaches every byte of the request exactly once and in order (the
 *     simulation translates every bus address it reads);
 *   - peer-to-peer memory behind the switch is reached by bus address
 *     (its provider's offset applied, nothing mapped), memory through the
 *     host bridge through a mapping made with DMA_ATTR_MMIO, and RAM never
 *     with it;
 *   - the phys, page and iova paths give exactly the reference segments:
 *     merged as far as the limits allow, cut where they say;
 *     the sg and upstream paths give segments within the limits;
 *   - with the driver's limits, every range but the first starts on a
 *     controller page and every range but the last ends on one;
 *   - the page and sg paths never touch the IOVA API; a request batched
 *     into one IOVA range costs one IOTLB sync;
 *   - unmapping re-walks the same segments and gets the addresses back;
 * and for every run, failed or not:
 *   - the status is the one expected (BLK_STS_INVAL for memory the device
 *     cannot reach, the injected failure's status, ...);
 *   - nothing is left mapped, linked, bounced, allocated or referenced;
 *   - no rule of the DMA API was broken (simdma.c) and no WARN fired;
 *   - the statistics moved by exactly what happened;
 *   - one map tracepoint per mapping that ended, one unmap tracepoint per
 *     unmap, with the fields the statistics counted.
 */
#include <stdlib.h>
#include "check.h"
#include "simtrace.h"

bool check_verbose;
struct tcover cover;

void cover_print(FILE *f)
{
	fprintf(f, "# covered: %lu runs (%lu succeeded, %lu with a failure injected)\n",
		cover.runs, cover.ok, cover.injected);
	fprintf(f, "# covered: taken phys %lu iova %lu page %lu sg %lu upstream %lu",
		cover.taken[NVMP_DMA_PHYS], cover.taken[NVMP_DMA_IOVA],
		cover.taken[NVMP_DMA_PAGE], cover.taken[NVMP_DMA_SG],
		cover.taken[NVMP_DMA_UPSTREAM]);
	fprintf(f, "; %lu batched, %lu fallbacks\n", cover.batched, cover.fallbacks);
	fprintf(f, "# covered: status INVAL %lu TARGET %lu RESOURCE %lu IOERR %lu",
		cover.status_inval, cover.status_target, cover.status_resource,
		cover.status_ioerr);
	fprintf(f, "; p2p none %lu not-supported %lu bus-addr %lu host-bridge %lu\n",
		cover.p2p[PCI_P2PDMA_MAP_NONE], cover.p2p[PCI_P2PDMA_MAP_NOT_SUPPORTED],
		cover.p2p[PCI_P2PDMA_MAP_BUS_ADDR],
		cover.p2p[PCI_P2PDMA_MAP_THRU_HOST_BRIDGE]);
	fprintf(f, "# covered: ram %lu p2p %lu mixed %lu discard %lu",
		cover.kinds[TR_RAM], cover.kinds[TR_P2P], cover.kinds[TR_MIXED],
		cover.kinds[TR_SPECIAL]);
	fprintf(f, "; split bios %lu, multi-bio %lu\n", cover.split, cover.multi_bio);
	fprintf(f, "# covered: consumers prp %lu sgl %lu raw %lu",
		cover.use[DRV_PRP], cover.use[DRV_SGL], cover.use[DRV_RAW]);
	fprintf(f, "; %lu segments mapped, %lu addresses read back\n",
		cover.segments, cover.unmap_addrs);
}

const char *blk_status_name(blk_status_t s)
{
	static const char *const names[] = {
		[BLK_STS_OK] = "OK",
		[BLK_STS_NOTSUPP] = "NOTSUPP",
		[BLK_STS_TARGET] = "TARGET",
		[BLK_STS_RESOURCE] = "RESOURCE",
		[BLK_STS_IOERR] = "IOERR",
		[BLK_STS_AGAIN] = "AGAIN",
		[BLK_STS_DEV_RESOURCE] = "DEV_RESOURCE",
		[BLK_STS_INVAL] = "INVAL",
	};

	return s < ARRAY_SIZE(names) && names[s] ? names[s] : "?";
}

/* --- devices ------------------------------------------------------------------ */

bool tdev_up(struct tdev *d, enum sim_client client, enum sim_mode mode,
	     unsigned long granule, char *why, size_t whylen)
{
	struct dentry *parent;
	int ret;

	memset(d, 0, sizeof(*d));
	sim_inject(SIM_F_ANY, 0);
	d->client = client;
	d->dev = &sim_clients[client]->dev;
	d->cfg.mode = mode;
	d->cfg.granule = granule;
	d->cfg.min_align_mask = 4095;
	snprintf(d->name, sizeof(d->name), "%s %s%s", d->dev->name,
		 sim_mode_names[mode],
		 mode == SIM_IOMMU ? (granule == 4096 ? "-4k" :
				      granule == 16384 ? "-16k" : "-64k") : "");
	sim_dma_setup(d->dev, &d->cfg);
	ret = nvmp_dma_dev_init(&d->dd, d->dev, TR_MAX_SEGS_HW);
	if (ret) {
		snprintf(why, whylen, "nvmp_dma_dev_init: %d", ret);
		return false;
	}
	if (d->dd.iova_capable != !!(mode == SIM_IOMMU)) {
		snprintf(why, whylen, "iova_capable %d on %s", d->dd.iova_capable,
			 d->name);
		nvmp_dma_dev_exit(&d->dd);
		return false;
	}
	parent = debugfs_create_dir(client == SIM_NVME0 ? "nvme0" : "nvme1", NULL);
	nvmp_dma_stats_debugfs(&d->dd, parent);
	d->dbg = parent;
	d->up = true;
	return true;
}

/* Sum one path's statistics over the CPUs, as the debugfs file does. */
static void tdev_stats(struct tdev *d, int path, struct nvmp_path_stats *s)
{
	unsigned int cpu, i;

	memset(s, 0, sizeof(*s));
	for (cpu = 0; cpu < SIM_NR_CPUS; cpu++) {
		const u64 *src = (const u64 *)&per_cpu_ptr(d->dd.stats, cpu)->path[path];
		u64 *dst = (u64 *)s;

		for (i = 0; i < sizeof(*s) / sizeof(u64); i++)
			dst[i] += src[i];
	}
}

static u64 hist_sum(const u64 *h)
{
	u64 n = 0;
	unsigned int i;

	for (i = 0; i < NVMP_HIST_BUCKETS; i++)
		n += h[i];
	return n;
}

/* Parse "key value" lines of a per-path file. */
static bool stats_value(const char *text, const char *key, u64 *val)
{
	size_t kl = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, kl) && p[kl] == ' ') {
			*val = strtoull(p + kl + 1, NULL, 10);
			return true;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

bool tdev_check_stats(struct tdev *d, char *why, size_t whylen)
{
	static const char *const keys[] = {
		"requests", "segs_in", "segs_out", "bytes", "iova_batched",
		"iova_fallback", "errors", "unmaps", "p2p_bus", "p2p_host",
	};
	char path[64], buf[8192];
	struct dentry *f;
	int p;
	unsigned int k;

	for (p = 0; p < NVMP_DMA_NR_PATHS; p++) {
		const struct nvmp_path_stats *e = &d->expect[p];
		const u64 want[] = {
			e->requests, e->segs_in, e->segs_out, e->bytes,
			e->iova_batched, e->iova_fallback, e->errors, e->unmaps,
			e->p2p_bus, e->p2p_host,
		};
		u64 got = 0, hist;

		snprintf(path, sizeof(path), "%s/dma/%s",
			 d->client == SIM_NVME0 ? "nvme0" : "nvme1",
			 nvmp_dma_path_name(p));
		f = sim_debugfs_lookup(path);
		if (!f || sim_debugfs_read(f, buf, sizeof(buf))) {
			snprintf(why, whylen, "debugfs %s cannot be read", path);
			return false;
		}
		for (k = 0; k < ARRAY_SIZE(keys); k++) {
			if (!stats_value(buf, keys[k], &got) || got != want[k]) {
				snprintf(why, whylen, "debugfs %s: %s is %llu, expected %llu",
					 path, keys[k], got, want[k]);
				return false;
			}
		}
		/* Each request lands in one bucket of each histogram. */
		{
			const char *h = strstr(buf, "map_hist ");
			char *end;

			hist = 0;
			if (h) {
				h += strlen("map_hist ");
				while (*h && *h != '\n') {
					hist += strtoull(h, &end, 10);
					if (end == h)
						break;
					h = end;
				}
			}
			if (!h || hist != want[0]) {
				snprintf(why, whylen, "%s: map_hist sums to %llu, %llu requests",
					 path, hist, want[0]);
				return false;
			}
		}
	}
	/* The "all" file: a header and one line per path, same numbers. */
	snprintf(path, sizeof(path), "%s/dma/all",
		 d->client == SIM_NVME0 ? "nvme0" : "nvme1");
	f = sim_debugfs_lookup(path);
	if (!f || sim_debugfs_read(f, buf, sizeof(buf))) {
		snprintf(why, whylen, "debugfs %s cannot be read", path);
		return false;
	}
	for (p = 0; p < NVMP_DMA_NR_PATHS; p++) {
		char line[64];
		const char *l;
		unsigned long long v[12];

		snprintf(line, sizeof(line), "\n%s ", nvmp_dma_path_name(p));
		l = strstr(buf, line);
		if (!l || sscanf(l + strlen(line),
				 "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
				 &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
				 &v[7], &v[8], &v[9], &v[10], &v[11]) != 12 ||
		    v[0] != d->expect[p].requests || v[1] != d->expect[p].segs_in ||
		    v[2] != d->expect[p].segs_out || v[3] != d->expect[p].bytes ||
		    v[6] != d->expect[p].errors || v[8] != d->expect[p].unmaps ||
		    v[10] != d->expect[p].p2p_bus || v[11] != d->expect[p].p2p_host) {
			snprintf(why, whylen, "debugfs %s: the %s line does not match",
				 path, nvmp_dma_path_name(p));
			return false;
		}
	}
	return true;
}

bool tdev_down(struct tdev *d, char *why, size_t whylen)
{
	bool ok = true;
	char tmp[256];

	if (!d->up)
		return true;
	if (!tdev_check_stats(d, why, whylen))
		ok = false;
	debugfs_remove_recursive(d->dbg);
	nvmp_dma_dev_exit(&d->dd);
	sim_devres_release(d->dev);
	if (ok && !sim_dma_quiesce(d->dev, tmp, sizeof(tmp))) {
		snprintf(why, whylen, "after teardown: %s", tmp);
		ok = false;
	}
	if (ok && sim_nr_violations()) {
		snprintf(why, whylen, "teardown: %s", sim_violation_msg(0));
		ok = false;
	}
	d->up = false;
	return ok;
}

/* --- expectations ---------------------------------------------------------- */

bool run_valid(const struct tdev *d, const struct treq *t, int path,
	       enum drv_consumer use)
{
	/* PRPs need the virt boundary: segments meet on controller pages. */
	if (use == DRV_PRP && !t->nvme_like)
		return false;
	/*
	 * The kernel's iterator and the scatterlist path assume one kind of
	 * memory per request, as the block layer guarantees; block/'s own
	 * paths are also tried on requests that break it.
	 */
	if (t->kind == TR_MIXED && (path == NVMP_DMA_SG || path == NVMP_DMA_UPSTREAM))
		return false;
	/* The kernel's iterator is made for the driver's limits only. */
	if (path == NVMP_DMA_UPSTREAM && !t->nvme_like)
		return false;
	/*
	 * Nor for an IOMMU granule above the segment window: the kernel has
	 * granules of at most a page, and windows of at least one.
	 */
	if (path == NVMP_DMA_UPSTREAM && d->cfg.mode == SIM_IOMMU &&
	    d->cfg.granule - 1 > t->q.limits.seg_boundary_mask)
		return false;
	return true;
}

struct texp {
	blk_status_t status;		/* clean run */
	blk_status_t status_alt;	/* also fine, or BLK_STS_OK */
	int path;			/* map->path of a clean, successful run */
	bool batched;			/* one IOVA range */
	int fallbacks;			/* stats iova_fallback, -1 when unsure */
	enum pci_p2pdma_map_type p2p;
};

/* Does each segment continue the IOVA range on a granule, as linking needs? */
static bool iova_granule_ok(const struct treq *t, u64 g)
{
	phys_addr_t first = t->seg[0].paddr;
	u64 off = 0;
	unsigned int k;

	for (k = 1; k < t->nseg; k++) {
		off += t->seg[k - 1].len;
		if (((first + off) | t->seg[k].paddr) & (g - 1))
			return false;
	}
	return true;
}

/*
 * What @path should do with @t.  auto's choice comes from its measurements,
 * so for auto the expectation follows the path it picked (@auto_pick), and
 * run_one() checks the pick itself: phys without a translating IOMMU.
 */
static void expect_run(const struct tdev *d, struct treq *t, int path,
		       int auto_pick, struct texp *e)
{
	bool iommu = d->dd.iova_capable;
	int eff = path;

	memset(e, 0, sizeof(*e));
	e->fallbacks = 0;
	e->p2p = PCI_P2PDMA_MAP_NONE;
	if (t->kind == TR_P2P || t->kind == TR_MIXED)
		e->p2p = sim_p2p_truth(&sim_prov[t->prov], d->dev);

	if (t->kind == TR_MIXED) {
		e->status = BLK_STS_INVAL;
		e->fallbacks = -1;
		return;
	}
	if (path == NVMP_DMA_AUTO)
		eff = auto_pick == NVMP_DMA_IOVA ? NVMP_DMA_IOVA : NVMP_DMA_PHYS;
	if (e->p2p == PCI_P2PDMA_MAP_NOT_SUPPORTED) {
		/* The scatterlist path reports what dma_map_sgtable() says. */
		e->status = path == NVMP_DMA_SG ? BLK_STS_TARGET : BLK_STS_INVAL;
		/* Without an IOMMU, iova gives up before looking at the memory. */
		e->fallbacks = eff == NVMP_DMA_IOVA && !iommu;
		return;
	}
	e->status = BLK_STS_OK;
	switch (eff) {
	case NVMP_DMA_IOVA:
		if (!iommu || e->p2p == PCI_P2PDMA_MAP_BUS_ADDR ||
		    !iova_granule_ok(t, d->cfg.granule)) {
			e->path = NVMP_DMA_PHYS;
			e->fallbacks = 1;
		} else {
			e->path = NVMP_DMA_IOVA;
			e->batched = true;
		}
		break;
	case NVMP_DMA_UPSTREAM:
		e->path = eff;
		e->batched = d->cfg.mode == SIM_IOMMU &&
			     e->p2p != PCI_P2PDMA_MAP_BUS_ADDR &&
			     !(req_phys_gap_mask(&t->rq) & (d->cfg.granule - 1));
		break;
	default:
		e->path = eff;
		break;
	}
}

/* The status a failure of @fn turns into. */
static blk_status_t injected_status(enum sim_fn fn)
{
	switch (fn) {
	case SIM_F_IOVA_SYNC:
		return BLK_STS_IOERR;
	case SIM_F_IOVA_ALLOC:
		return BLK_STS_OK;	/* block/ and the kernel go without */
	default:
		return BLK_STS_RESOURCE;
	}
}

/* --- collecting what the device sees ---------------------------------------- */

#define MAX_GOT 2048

struct got {
	struct tpiece p[MAX_GOT];
	bool mmio[MAX_GOT];
	unsigned int n;
	bool overflow;
	bool merge;			/* merge contiguous pieces */
	struct device *dev;
	bool bad;
	char why[256];
};

static void got_piece(void *ctx, phys_addr_t paddr, u64 len, bool mmio)
{
	struct got *g = ctx;

	if (g->merge && g->n && g->mmio[g->n - 1] == mmio &&
	    g->p[g->n - 1].paddr + g->p[g->n - 1].len == paddr) {
		g->p[g->n - 1].len += len;
		return;
	}
	if (g->n == MAX_GOT) {
		g->overflow = true;
		return;
	}
	g->p[g->n].paddr = paddr;
	g->p[g->n].len = len;
	g->mmio[g->n] = mmio;
	g->n++;
}

static void got_chunk(void *ctx, dma_addr_t addr, u32 len)
{
	struct got *g = ctx;

	if (g->bad)
		return;
	if (!sim_translate(g->dev, addr, len, got_piece, g, g->why, sizeof(g->why)))
		g->bad = true;
}

/* Compare two byte streams given as pieces. */
static bool same_stream(const struct tpiece *a, unsigned int na,
			const struct tpiece *b, unsigned int nb,
			char *why, size_t whylen)
{
	unsigned int i = 0, j = 0;
	u64 ia = 0, jb = 0, pos = 0;

	while (i < na && j < nb) {
		u64 n = min(a[i].len - ia, b[j].len - jb);

		if (a[i].paddr + ia != b[j].paddr + jb) {
			snprintf(why, whylen, "byte %llu is at %#llx, the device reaches %#llx",
				 pos, (unsigned long long)(a[i].paddr + ia),
				 (unsigned long long)(b[j].paddr + jb));
			return false;
		}
		ia += n;
		jb += n;
		pos += n;
		if (ia == a[i].len) {
			i++;
			ia = 0;
		}
		if (jb == b[j].len) {
			j++;
			jb = 0;
		}
	}
	if (i < na || j < nb) {
		snprintf(why, whylen, "the device reaches %s bytes than requested (after %llu)",
			 i < na ? "fewer" : "more", pos);
		return false;
	}
	return true;
}

/* --- the run ---------------------------------------------------------------- */

#define FAIL(...) do { \
	if (!failed) \
		snprintf(res->why, sizeof(res->why), __VA_ARGS__); \
	failed = true; \
} while (0)

static void check_mapped(struct tdev *d, struct treq *t, const struct texp *e,
			 struct run_result *res, bool *failedp)
{
	struct drv_iod *iod = &d->iod;
	const struct queue_limits *lim = &t->q.limits;
	int taken = drv_map(iod)->path;
	bool failed = *failedp, batched = false;
	static struct got g;
	unsigned int k, i;
	u64 sum = 0;
	char why[256];

	/* The controller's view: every byte, once, in order, reached rightly. */
	memset(&g, 0, sizeof(g));
	g.dev = d->dev;
	g.merge = true;
	if (!drv_device_view(iod, t->total, got_chunk, &g, why, sizeof(why)))
		FAIL("controller view: %s", why);
	else if (g.bad)
		FAIL("controller view: %s", g.why);
	else if (g.overflow)
		FAIL("controller view: too many pieces");
	else if (!same_stream(t->vis, t->nvis, g.p, g.n, why, sizeof(why)))
		FAIL("controller view: %s", why);
	for (k = 0; k < g.n && !failed; k++) {
		struct sim_provider *pv = sim_provider_of(g.p[k].paddr);
		bool want = pv && sim_p2p_truth(pv, d->dev) ==
				  PCI_P2PDMA_MAP_THRU_HOST_BRIDGE;

		if (g.mmio[k] != want)
			FAIL("%#llx reached through a mapping %s DMA_ATTR_MMIO",
			     (unsigned long long)g.p[k].paddr,
			     g.mmio[k] ? "with" : "without");
	}

	/* The ranges the iterator gave. */
	if (iod->nranges > DRV_MAX_RANGES)
		FAIL("%u ranges", iod->nranges);
	for (k = 0; k < iod->nranges && k < DRV_MAX_RANGES; k++) {
		const struct drv_range *r = &iod->ranges[k];

		sum += r->len;
		if (t->nvme_like && k && (r->addr & (DRV_PAGE - 1)))
			FAIL("range %u at %#llx starts inside a controller page", k,
			     (unsigned long long)r->addr);
		if (t->nvme_like && k + 1 < iod->nranges &&
		    ((r->addr + r->len) & (DRV_PAGE - 1)))
			FAIL("range %u at %#llx+%#x ends inside a controller page", k,
			     (unsigned long long)r->addr, r->len);
	}
	if (!failed && sum != t->total)
		FAIL("the ranges add up to %llu bytes of %u", sum, t->total);

	if (taken == NVMP_DMA_IOVA ||
	    (taken == NVMP_DMA_UPSTREAM && dma_use_iova(&drv_map(iod)->iova)))
		batched = true;
	for (k = 0; k < iod->nranges && !failed; k++) {
		const struct drv_range *r = &iod->ranges[k];

		memset(&g, 0, sizeof(g));
		g.dev = d->dev;
		if (!sim_translate(d->dev, r->addr, r->len, got_piece, &g, why,
				   sizeof(why))) {
			FAIL("range %u: %s", k, why);
			break;
		}
		if ((r->addr & 4095) != (g.p[0].paddr & 4095))
			FAIL("range %u at %#llx does not keep the offset of %#llx in its page",
			     k, (unsigned long long)r->addr,
			     (unsigned long long)g.p[0].paddr);
		if (taken == NVMP_DMA_IOVA) {
			/* One range; its links are the reference segments. */
			if (iod->nranges != 1 || g.n != t->nseg) {
				FAIL("iova: %u range(s) linking %u segment(s), reference %u",
				     iod->nranges, g.n, t->nseg);
				break;
			}
			for (i = 0; i < g.n; i++)
				if (g.p[i].paddr != t->seg[i].paddr ||
				    g.p[i].len != t->seg[i].len)
					FAIL("iova: link %u is %#llx+%#llx, reference %#llx+%#x",
					     i, (unsigned long long)g.p[i].paddr,
					     (unsigned long long)g.p[i].len,
					     (unsigned long long)t->seg[i].paddr,
					     t->seg[i].len);
			continue;
		}
		if (batched) {
			for (i = 0; i < g.n; i++)
				if (g.p[i].len > sim_max_segment(lim, g.p[i].paddr))
					FAIL("upstream: link %u at %#llx+%#llx breaks the limits",
					     i, (unsigned long long)g.p[i].paddr,
					     (unsigned long long)g.p[i].len);
			continue;
		}
		if (g.n != 1) {
			FAIL("range %u is not physically contiguous (%u pieces)", k, g.n);
			break;
		}
		if (taken == NVMP_DMA_PHYS || taken == NVMP_DMA_PAGE) {
			if (k >= t->nseg || g.p[0].paddr != t->seg[k].paddr ||
			    g.p[0].len != t->seg[k].len)
				FAIL("segment %u is %#llx+%#llx, the reference has %#llx+%#x",
				     k, (unsigned long long)g.p[0].paddr,
				     (unsigned long long)g.p[0].len,
				     k < t->nseg ? (unsigned long long)t->seg[k].paddr : 0ULL,
				     k < t->nseg ? t->seg[k].len : 0);
		} else if (g.p[0].len > sim_max_segment(lim, g.p[0].paddr)) {
			FAIL("segment %u at %#llx+%#llx breaks the limits", k,
			     (unsigned long long)g.p[0].paddr,
			     (unsigned long long)g.p[0].len);
		}
	}
	if (!failed && (taken == NVMP_DMA_PHYS || taken == NVMP_DMA_PAGE) &&
	    iod->nranges != t->nseg)
		FAIL("%u segments, the reference has %u (merging not maximal or too eager)",
		     iod->nranges, t->nseg);
	if (!failed && !batched &&
	    (taken == NVMP_DMA_SG || taken == NVMP_DMA_UPSTREAM) &&
	    (iod->nranges < t->nseg ||
	     iod->nranges > blk_rq_nr_phys_segments(&t->rq)))
		FAIL("%u segments: fewer than the %u possible, or more than the %u counted",
		     iod->nranges, t->nseg, blk_rq_nr_phys_segments(&t->rq));

	/* Which DMA calls it took. */
	if (!failed && batched != e->batched && !res->injected)
		FAIL("%s into one IOVA range, expected %s", batched ? "batched" : "not batched",
		     e->batched ? "batched" : "not");
	if (!failed && sim_cnt.iova_syncs != (batched ? 1U : 0U))
		FAIL("%u IOTLB syncs through dma_iova_sync() for a %sbatched request",
		     sim_cnt.iova_syncs, batched ? "" : "not ");
	if (!failed && e->p2p == PCI_P2PDMA_MAP_BUS_ADDR && sim_live_mappings())
		FAIL("bus-address P2P memory got %u DMA mappings", sim_live_mappings());
	if (!failed && e->p2p == PCI_P2PDMA_MAP_THRU_HOST_BRIDGE && !sim_cnt.mmio_maps)
		FAIL("host-bridge P2P memory mapped without DMA_ATTR_MMIO");
	if (!failed && e->p2p == PCI_P2PDMA_MAP_NONE && sim_cnt.mmio_maps)
		FAIL("RAM mapped with DMA_ATTR_MMIO");
	if (!failed && t->kind == TR_P2P && taken != NVMP_DMA_SG &&
	    taken != NVMP_DMA_UPSTREAM && sim_cnt.provider_lookups > 1)
		FAIL("%u provider lookups for a request in one BAR",
		     sim_cnt.provider_lookups);
	*failedp = failed;
}

/* The tracepoints fired as often as the statistics counted, and agree. */
static void check_trace(struct tdev *d, struct treq *t, int sel, int taken,
			bool done, u64 maps, u64 errors, u64 unmaps,
			u64 segs_out, u64 segs_in, bool batched, bool *failedp,
			struct run_result *res)
{
	const struct sim_trace_event *m = &sim_trace.map, *u = &sim_trace.unmap;
	bool failed = *failedp;

	if (sim_trace.maps != maps || sim_trace.map_errors != errors ||
	    sim_trace.unmaps != unmaps)
		FAIL("trace: %u map (%u failed), %u unmap events; stats %llu (%llu), %llu",
		     sim_trace.maps, sim_trace.map_errors, sim_trace.unmaps,
		     maps, errors, unmaps);
	if (!failed && sim_trace.maps &&
	    (strcmp(m->dev, dev_name(d->dev)) || strcmp(m->sel, nvmp_dma_path_name(sel))))
		FAIL("trace: map event of %s, selected %s", m->dev, m->sel);
	if (!failed && done &&
	    (strcmp(m->path, nvmp_dma_path_name(taken)) || m->bytes != t->total ||
	     m->segs_out != segs_out || m->segs_in != segs_in ||
	     m->batched != batched || m->status != BLK_STS_OK))
		FAIL("trace: map %s %u bytes %u/%u segs batched %d st %d, not %s %u %llu/%llu %d",
		     m->path, m->bytes, m->segs_out, m->segs_in, m->batched,
		     m->status, nvmp_dma_path_name(taken), t->total, segs_out,
		     segs_in, batched);
	if (!failed && done && sim_trace.unmaps &&
	    (strcmp(u->path, m->path) || strcmp(u->sel, m->sel) ||
	     u->bytes != m->bytes || u->segs_out != m->segs_out ||
	     u->batched != m->batched))
		FAIL("trace: unmap event %s %u bytes %u segments batched %d, map event %s %u %u %d",
		     u->path, u->bytes, u->segs_out, u->batched, m->path, m->bytes,
		     m->segs_out, m->batched);
	*failedp = failed;
}

void set_counting(bool count, bool trace)
{
	static bool traced;

	nvmp_dma_stats_enable(count);
	if (trace && !traced)
		(void)nvmp_trace_reg();
	else if (!trace && traced)
		nvmp_trace_unreg();
	traced = trace;
}

bool run_one(struct tdev *d, struct treq *t, const struct run_spec *r,
	     struct run_result *res)
{
	struct drv_iod *iod = &d->iod;
	struct nvmp_path_stats before, after, *x;
	unsigned int addr_calls_want = 0;
	bool failed = false, started, done;
	struct texp e;
	char why[256];
	int sel = r->path;

	bool counting = nvmp_dma_stats_enabled();
	bool timing = static_key_enabled(&nvmp_timing_wanted);

	memset(res, 0, sizeof(*res));
	tdev_stats(d, sel, &before);

	sim_reset_counts();
	sim_reset_violations();
	sim_trace_reset();
	sim_inject(r->inj_fn, r->inj_nth);
	nvmp_dma_set_path(&d->dd, r->path);
	drv_iod_reset(iod);
	iod->prp_sgl_ok = r->use == DRV_PRP && r->prp_sgl_ok;

	res->status = drv_map_data(&d->dd, &t->rq, iod, r->use, r->fail_after_first);
	res->path_taken = drv_map(iod)->path;
	res->injected = sim_injected;
	res->inj_fn = sim_injected_fn;
	started = iod->nranges > 0;
	done = iod->iter_end == DRV_ITER_DONE;
	expect_run(d, t, r->path, drv_map(iod)->auto_pick, &e);

	/*
	 * A mapping the driver failed has ended, by the iterator or by
	 * nvmp_dma_abort(): left open, the statistics and the trace would
	 * see an unmap without its map.
	 */
	if (res->status != BLK_STS_OK && started && iod->iter_end == DRV_ITER_OPEN)
		FAIL("the driver failed with %s and left the mapping open",
		     blk_status_name(res->status));

	/* auto chooses between phys and iova, and only where iova can batch. */
	if (r->path == NVMP_DMA_AUTO &&
	    (d->dd.iova_capable ? drv_map(iod)->auto_pick != NVMP_DMA_PHYS &&
				  drv_map(iod)->auto_pick != NVMP_DMA_IOVA :
				  drv_map(iod)->auto_pick != NVMP_DMA_AUTO))
		FAIL("auto picked %s on %s", nvmp_dma_path_name(drv_map(iod)->auto_pick),
		     d->name);

	/* The status. */
	if (r->want_error) {
		if (res->status != r->want_status)
			FAIL("status %s, expected %s", blk_status_name(res->status),
			     blk_status_name(r->want_status));
	} else if (!res->injected || injected_status(res->inj_fn) == BLK_STS_OK) {
		if (res->status != e.status)
			FAIL("status %s, expected %s", blk_status_name(res->status),
			     blk_status_name(e.status));
	} else if (res->status != injected_status(res->inj_fn) &&
		   res->status != e.status) {
		FAIL("status %s after %s failed, expected %s",
		     blk_status_name(res->status), sim_fn_names[res->inj_fn],
		     blk_status_name(injected_status(res->inj_fn)));
	}
	if (!failed && res->status == BLK_STS_OK && !res->injected &&
	    res->path_taken != e.path)
		FAIL("took the %s path, expected %s", nvmp_dma_path_name(res->path_taken),
		     nvmp_dma_path_name(e.path));

	if (res->status == BLK_STS_OK) {
		check_mapped(d, t, &e, res, &failed);
		if ((res->path_taken == NVMP_DMA_PHYS || res->path_taken == NVMP_DMA_PAGE) &&
		    d->cfg.mode != SIM_DIRECT && e.p2p != PCI_P2PDMA_MAP_BUS_ADDR)
			addr_calls_want = iod->nranges;
		/* Completion. */
		drv_unmap_data(&d->dd, &t->rq, iod);
		if (!failed && iod->unmap_calls != addr_calls_want)
			FAIL("unmap asked for %u addresses, expected %u",
			     iod->unmap_calls, addr_calls_want);
	}
	res->calls_any = sim_cnt.any;

	/* The phys, page and sg paths have no business with the IOVA API. */
	if ((sel == NVMP_DMA_PHYS || sel == NVMP_DMA_PAGE || sel == NVMP_DMA_SG) &&
	    sim_cnt.iova_api)
		FAIL("the %s path called the IOVA API %u times",
		     nvmp_dma_path_name(sel), sim_cnt.iova_api);

	/*
	 * A partly linked IOVA range goes back whole (unlink, then free), not
	 * through dma_iova_destroy() with the linked length.  The kernel's own
	 * iterator (upstream) still does the latter.
	 */
	if (sel != NVMP_DMA_UPSTREAM && sim_cnt.short_destroys)
		FAIL("dma_iova_destroy() gave back part of an IOVA range %u time(s)",
		     sim_cnt.short_destroys);

	/* Nothing may be left behind, whatever happened. */
	if (!sim_dma_quiesce(d->dev, why, sizeof(why)))
		FAIL("leak: %s", why);
	if (sim_mempool_live)
		FAIL("leak: %ld mempool elements", sim_mempool_live);
	if (sim_pool_live())
		FAIL("leak: %u driver list pages", sim_pool_live());
	if (sim_pci_refs())
		FAIL("leak: %d pci_dev references", sim_pci_refs());
	if (sim_nr_violations())
		FAIL("%u rule(s) broken, first: %s", sim_nr_violations(),
		     sim_violation_msg(0));

	/*
	 * Statistics off: nothing counted, and the clock read only where
	 * something wants the times (a tracepoint), or for auto's model when
	 * auto chose warm (it learns from that request).
	 */
	tdev_stats(d, sel, &after);
	if (!counting) {
		const struct nvmp_dma_map *m = drv_map(iod);
		bool learns = m->auto_pick != NVMP_DMA_AUTO && !m->auto_cold;

		if (memcmp(&before, &after, sizeof(before)))
			FAIL("stats: counted while switched off");
		if (!timing && (learns ? sim_cnt.clock_reads > 4 : sim_cnt.clock_reads))
			FAIL("%u clock reads with the statistics off, auto %s",
			     sim_cnt.clock_reads, learns ? "learning" : "not learning");
		if (timing && done && !sim_cnt.clock_reads)
			FAIL("a tracepoint on, yet the mapping was not timed");
		if (timing && (sim_trace.maps != (unsigned int)(done || iod->iter_end ==
								 DRV_ITER_FAILED) ||
			       sim_trace.unmaps != (unsigned int)started))
			FAIL("trace with the statistics off: %u map, %u unmap events",
			     sim_trace.maps, sim_trace.unmaps);
	}
	/* The statistics moved by exactly this request. */
	x = &d->expect[sel];
	if (counting) {
		u64 dreq = after.requests - before.requests;
		u64 derr = after.errors - before.errors;
		u64 dunm = after.unmaps - before.unmaps;
		u64 dbytes = after.bytes - before.bytes;
		u64 dout = after.segs_out - before.segs_out;
		u64 din = after.segs_in - before.segs_in;
		u64 dbat = after.iova_batched - before.iova_batched;
		u64 dfb = after.iova_fallback - before.iova_fallback;
		u64 dbus = after.p2p_bus - before.p2p_bus;
		u64 dhost = after.p2p_host - before.p2p_host;
		bool walked = res->path_taken == NVMP_DMA_PHYS ||
			      res->path_taken == NVMP_DMA_PAGE ||
			      res->path_taken == NVMP_DMA_IOVA;
		u64 want_out = walked ? t->nseg : iod->nranges;
		u64 want_in = walked ? t->nvecs : iod->nranges;
		bool batched = res->path_taken == NVMP_DMA_IOVA ||
			       (res->path_taken == NVMP_DMA_UPSTREAM &&
				dma_use_iova(&drv_map(iod)->iova));

		if (dreq != (u64)done || derr != (u64)(iod->iter_end == DRV_ITER_FAILED) ||
		    dunm != (u64)started)
			FAIL("stats: requests +%llu errors +%llu unmaps +%llu; the iterator %s, %s",
			     dreq, derr, dunm,
			     done ? "finished" : iod->iter_end ? "failed" : "was left",
			     started ? "unmapped once" : "nothing to unmap");
		if (done && (dbytes != t->total || dout != want_out || din != want_in ||
			     dbat != (u64)batched))
			FAIL("stats: bytes, segments +%llu %llu/%llu %llu, not %u %llu/%llu %d",
			     dbytes, dout, din, dbat, t->total, want_out, want_in,
			     batched);
		if (!res->injected && e.fallbacks >= 0 && dfb != (u64)e.fallbacks)
			FAIL("stats: iova_fallback +%llu, expected %d", dfb, e.fallbacks);
		if (dfb > 1)
			FAIL("stats: iova_fallback +%llu for one request", dfb);
		if (done && (dbus != (u64)(e.p2p == PCI_P2PDMA_MAP_BUS_ADDR) ||
			     dhost != (u64)(e.p2p == PCI_P2PDMA_MAP_THRU_HOST_BRIDGE)))
			FAIL("stats: p2p_bus +%llu p2p_host +%llu for p2p type %d",
			     dbus, dhost, e.p2p);
		if (!done && (dbus || dhost))
			FAIL("stats: a failed request counted as p2p");
		if (hist_sum(after.map_hist) != after.requests ||
		    hist_sum(after.unmap_hist) != after.unmaps)
			FAIL("stats: histograms do not add up to the counts");
		check_trace(d, t, sel, res->path_taken, done, dreq + derr, derr,
			    dunm, want_out, want_in, batched, &failed, res);
		/* Accumulate what debugfs must show at the end. */
		x->requests += dreq;
		x->errors += derr;
		x->unmaps += dunm;
		x->bytes += dbytes;
		x->segs_out += dout;
		x->segs_in += din;
		x->iova_batched += dbat;
		x->iova_fallback += dfb;
		x->p2p_bus += dbus;
		x->p2p_host += dhost;
	}

	sim_inject(SIM_F_ANY, 0);
	cover.runs++;
	cover.ok += res->status == BLK_STS_OK;
	cover.injected += res->injected;
	if (res->status == BLK_STS_OK) {
		cover.taken[res->path_taken]++;
		cover.batched += res->path_taken == NVMP_DMA_IOVA ||
				 (res->path_taken == NVMP_DMA_UPSTREAM &&
				  dma_use_iova(&drv_map(iod)->iova));
		cover.segments += iod->nranges;
	}
	cover.fallbacks += after.iova_fallback - before.iova_fallback;
	cover.status_inval += res->status == BLK_STS_INVAL;
	cover.status_target += res->status == BLK_STS_TARGET;
	cover.status_resource += res->status == BLK_STS_RESOURCE;
	cover.status_ioerr += res->status == BLK_STS_IOERR;
	cover.p2p[e.p2p]++;
	cover.kinds[t->kind]++;
	cover.use[r->use]++;
	cover.split += t->split;
	cover.multi_bio += t->nbios > 1 && t->kind != TR_SPECIAL;
	cover.unmap_addrs += iod->unmap_calls;
	res->ok = !failed;
	if (failed) {
		/* Start the next run from a clean machine. */
		sim_dma_reset();
		drv_iod_forget(iod);
	}
	return res->ok;
}
