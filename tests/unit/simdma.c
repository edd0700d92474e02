// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated DMA layer.
 *
 * Modes (per device):
 *   direct   bus address = physical address; dma_need_unmap() is false, so
 *            mappings may be left behind (they are forgotten at quiesce);
 *   swiotlb  every mapping but MMIO bounces through a slot whose address
 *            keeps the bits of min_align_mask; everything must be unmapped;
 *   IOMMU    a translating IOMMU of a given granule, with an IOVA allocator,
 *            the IOVA API and a count of IOTLB syncs.
 *
 * Every live mapping is a record (bus range -> physical range).  Records
 * are what the device can reach: sim_translate() follows them.  The rules
 * of the real API are checked on every call and broken ones reported with
 * sim_violation():
 *   - the memory mapped exists; DMA_ATTR_MMIO is given exactly for
 *     peer-to-peer memory reached through the host bridge; memory reached
 *     by bus address or not reachable at all is never mapped;
 *   - an unmap names a live mapping by its bus address, with the same size,
 *     direction and MMIO attribute (no double unmap, no wrong function);
 *   - dma_iova_link(): a physical address off the granule only at offset 0,
 *     the IOVA it lands at on the granule, inside the allocation, not over
 *     another link; dma_iova_destroy() unlinks exactly what was linked;
 *     dma_iova_free() only without links;
 *   - at quiesce, nothing the mode requires to be unmapped is left.
 */
#include <stdlib.h>
#include "sim.h"

const char *const sim_mode_names[] = {
	[SIM_DIRECT] = "direct",
	[SIM_SWIOTLB] = "swiotlb",
	[SIM_IOMMU] = "iommu",
};

/* --- failure injection ---------------------------------------------------- */

const char *const sim_fn_names[SIM_F_NR] = {
	[SIM_F_MAP_PHYS] = "map_phys",
	[SIM_F_MAP_PAGE] = "map_page",
	[SIM_F_MAP_SG] = "map_sg",
	[SIM_F_IOVA_ALLOC] = "iova_try_alloc",
	[SIM_F_IOVA_LINK] = "iova_link",
	[SIM_F_IOVA_SYNC] = "iova_sync",
	[SIM_F_MEMPOOL] = "mempool_alloc",
	[SIM_F_LIST] = "list_alloc",
	[SIM_F_KMALLOC] = "kmalloc",
};

struct sim_counts sim_cnt;
struct sim_costs sim_cost = SIM_DEFAULT_COSTS;
unsigned long long sim_div64_calls;
u64 sim_clock_ns;
bool sim_injected;
enum sim_fn sim_injected_fn;
static int sim_inj_fn;
static unsigned int sim_inj_nth, sim_inj_base;

/*
 * The clock block/ reads: it moves only by what the DMA calls cost, so the
 * times the statistics and auto's model see are the test's, and a run is
 * the same for the same seed.
 */
u64 ktime_get_ns(void)
{
	sim_cnt.clock_reads++;
	return sim_clock_ns;
}

/* The kinds of call sim_cost.cold tells apart. */
enum sim_kind { SIM_KIND_NONE, SIM_KIND_SINGLE, SIM_KIND_IOVA };

/* Move the simulated clock by what a call of @kind costs. */
static void sim_spend(u64 ns, enum sim_kind kind)
{
	static enum sim_kind last;

	if (last != SIM_KIND_NONE && kind != last)
		ns += sim_cost.cold;
	last = kind;
	sim_clock_ns += ns;
}

void sim_reset_counts(void)
{
	memset(&sim_cnt, 0, sizeof(sim_cnt));
	sim_inj_base = 0;
}

void sim_inject(int fn, unsigned int nth)
{
	sim_inj_fn = fn;
	sim_inj_nth = nth;
	sim_injected = false;
	if (fn == SIM_F_ANY)
		sim_inj_base = sim_cnt.any;
	else if (fn >= 0 && fn < SIM_F_NR)
		sim_inj_base = sim_cnt.calls[fn];
}

bool sim_fail(enum sim_fn fn)
{
	bool hit;

	sim_cnt.calls[fn]++;
	if (fn != SIM_F_KMALLOC)
		sim_cnt.any++;
	if (!sim_inj_nth || sim_injected)
		return false;
	if (sim_inj_fn == SIM_F_ANY)
		hit = fn != SIM_F_KMALLOC && sim_cnt.any - sim_inj_base == sim_inj_nth;
	else
		hit = (int)fn == sim_inj_fn &&
		      sim_cnt.calls[fn] - sim_inj_base == sim_inj_nth;
	if (hit) {
		sim_injected = true;
		sim_injected_fn = fn;
	}
	return hit;
}

/* --- records of live mappings ----------------------------------------------- */

enum sim_rec_kind {
	SIM_REC_SINGLE,		/* dma_map_phys() / dma_map_page_attrs() */
	SIM_REC_SG,		/* one entry of dma_map_sgtable() */
	SIM_REC_LINK,		/* dma_iova_link() */
};

static const char *const sim_rec_kind_names[] = {
	"single mapping", "scatterlist entry", "IOVA link",
};

struct sim_iova;

struct sim_rec {
	dma_addr_t bus;			/* bus address of the first byte */
	u64 len;
	phys_addr_t phys;		/* what the first byte stands for */
	struct device *dev;
	enum sim_rec_kind kind;
	enum dma_data_direction dir;
	bool mmio;
	bool bounce;
	u64 map_lo, map_hi;		/* IOMMU: granules it holds, or 0, 0 */
	struct sim_iova *iova;		/* SIM_REC_LINK: its IOVA range */
	const struct scatterlist *sgl;	/* SIM_REC_SG: its list */
};

static struct sim_rec *sim_recs;
static unsigned int sim_nrecs, sim_recs_cap;

/* First record whose bus address is >= @bus. */
static unsigned int sim_rec_lower(dma_addr_t bus)
{
	unsigned int lo = 0, hi = sim_nrecs;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (sim_recs[mid].bus < bus)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct sim_rec *sim_rec_insert(const struct sim_rec *r)
{
	unsigned int i;

	if (sim_nrecs == sim_recs_cap) {
		unsigned int ncap = sim_recs_cap ? 2 * sim_recs_cap : 256;
		struct sim_rec *n = realloc(sim_recs, ncap * sizeof(*n));

		if (!n) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
		sim_recs = n;
		sim_recs_cap = ncap;
	}
	i = sim_rec_lower(r->bus);
	memmove(&sim_recs[i + 1], &sim_recs[i], (sim_nrecs - i) * sizeof(*r));
	sim_recs[i] = *r;
	sim_nrecs++;
	return &sim_recs[i];
}

static void sim_rec_remove(unsigned int i)
{
	memmove(&sim_recs[i], &sim_recs[i + 1],
		(sim_nrecs - i - 1) * sizeof(*sim_recs));
	sim_nrecs--;
}

/*
 * The record that starts at @bus for @dev, preferring one of @kind with
 * the same length (direct mappings of one page can share an address).
 */
static int sim_rec_find(struct device *dev, dma_addr_t bus,
			enum sim_rec_kind kind, u64 len)
{
	unsigned int i;
	int any = -1;

	for (i = sim_rec_lower(bus); i < sim_nrecs && sim_recs[i].bus == bus; i++) {
		if (sim_recs[i].dev != dev || sim_recs[i].kind != kind)
			continue;
		if (sim_recs[i].len == len)
			return (int)i;
		if (any < 0)
			any = (int)i;
	}
	return any;
}

/*
 * The record of @dev that holds byte @bus; of overlapping ones (direct
 * mappings of the same memory), the one reaching furthest.
 */
static int sim_rec_containing(struct device *dev, dma_addr_t bus)
{
	unsigned int i = sim_rec_lower(bus + 1), steps = 0;
	int best = -1;

	while (i-- > 0 && steps++ < 256) {
		const struct sim_rec *r = &sim_recs[i];

		if (r->dev != dev || bus < r->bus || bus - r->bus >= r->len)
			continue;
		if (best < 0 || r->bus + r->len > sim_recs[best].bus + sim_recs[best].len)
			best = (int)i;
		if (r->map_hi)
			break;		/* IOMMU mappings never overlap */
	}
	return best;
}

/*
 * IOMMU granules are never shared by two live mappings.  Live extents do
 * not overlap and are in bus order, so a new one can only overlap its
 * nearest neighbours with an extent on either side.
 */
static bool sim_rec_overlaps(const struct sim_rec *r)
{
	unsigned int i = sim_rec_lower(r->bus), j, steps;

	if (!r->map_hi)
		return false;
	for (j = i, steps = 0; j < sim_nrecs && steps < 16; j++, steps++) {
		const struct sim_rec *o = &sim_recs[j];

		if (!o->map_hi || o->dev != r->dev)
			continue;
		if (o->map_lo < r->map_hi && r->map_lo < o->map_hi)
			return true;
		break;
	}
	for (j = i, steps = 0; j-- > 0 && steps < 16; steps++) {
		const struct sim_rec *o = &sim_recs[j];

		if (!o->map_hi || o->dev != r->dev)
			continue;
		if (o->map_lo < r->map_hi && r->map_lo < o->map_hi)
			return true;
		break;
	}
	return false;
}

/* Recently unmapped bus addresses, to tell a double unmap from a bad one. */
#define SIM_GONE 64
static dma_addr_t sim_gone[SIM_GONE];
static unsigned int sim_gone_pos;

static void sim_remember_gone(dma_addr_t bus)
{
	sim_gone[sim_gone_pos++ % SIM_GONE] = bus;
}

static bool sim_recently_gone(dma_addr_t bus)
{
	unsigned int i;

	for (i = 0; i < SIM_GONE; i++)
		if (sim_gone[i] == bus && bus)
			return true;
	return false;
}

/* --- IOVA ranges of the IOVA API ----------------------------------------- */

struct sim_iova {
	struct device *dev;
	u64 base, size;			/* granule-aligned allocation */
	dma_addr_t state_addr;		/* what dma_iova_try_alloc() returned */
	u64 state_size;
	unsigned int nlinks;
};

#define SIM_MAX_IOVAS 64
static struct sim_iova *sim_iovas[SIM_MAX_IOVAS];
static unsigned int sim_niovas;

/* The IOVA space: allocated upwards, never reused, a guard gap apart. */
#define SIM_IOVA_BASE	0x400000000000ULL
#define SIM_BOUNCE_BASE	0x300000000000ULL
static u64 sim_iova_next = SIM_IOVA_BASE;
static u64 sim_bounce_next = SIM_BOUNCE_BASE;
static unsigned int sim_bounce_live;

static u64 sim_iova_space(unsigned long granule, u64 size)
{
	u64 base = ALIGN(sim_iova_next, (u64)granule);

	sim_iova_next = base + size + granule;
	return base;
}

static struct sim_iova *sim_iova_find(struct device *dev,
				      const struct dma_iova_state *state,
				      const char *fn)
{
	unsigned int i;

	for (i = 0; i < sim_niovas; i++) {
		struct sim_iova *v = sim_iovas[i];

		if (v->dev == dev && v->state_addr == state->addr) {
			if (v->state_size != state->__size)
				sim_violation("%s: IOVA state size %#llx, allocated %#llx",
					      fn, (unsigned long long)state->__size,
					      (unsigned long long)v->state_size);
			return v;
		}
	}
	sim_violation("%s: IOVA state at %#llx is not an allocated range%s", fn,
		      (unsigned long long)state->addr,
		      state->__size ? " (freed already?)" : " (never allocated)");
	return NULL;
}

static void sim_iova_release(struct sim_iova *v)
{
	unsigned int i;

	for (i = 0; i < sim_niovas; i++) {
		if (sim_iovas[i] == v) {
			sim_iovas[i] = sim_iovas[--sim_niovas];
			break;
		}
	}
	free(v);
}

/* --- devices ---------------------------------------------------------------- */

void sim_dma_setup(struct device *dev, struct sim_dma_dev *cfg)
{
	dev->sim = cfg;
}

static struct sim_dma_dev *sim_cfg(struct device *dev, const char *fn)
{
	if (!dev || !dev->sim) {
		sim_violation("%s on a device without DMA set-up", fn);
		return NULL;
	}
	return dev->sim;
}

static bool sim_dir_ok(enum dma_data_direction dir, const char *fn)
{
	if (dir == DMA_BIDIRECTIONAL || dir == DMA_TO_DEVICE ||
	    dir == DMA_FROM_DEVICE)
		return true;
	sim_violation("%s with direction %d", fn, dir);
	return false;
}

/* What is mapped must be memory, mapped the way its kind requires. */
static void sim_check_memory(struct device *dev, phys_addr_t phys, u64 len,
			     unsigned long attrs, const char *fn)
{
	struct sim_region *r = sim_region_of(phys, len);
	enum pci_p2pdma_map_type type;

	if (!r) {
		sim_violation("%s of [%#llx, +%#llx): not memory of one region",
			      fn, (unsigned long long)phys, (unsigned long long)len);
		return;
	}
	if (!r->prov) {
		if (attrs & DMA_ATTR_MMIO)
			sim_violation("%s of RAM at %#llx with DMA_ATTR_MMIO", fn,
				      (unsigned long long)phys);
		return;
	}
	type = sim_p2p_truth(r->prov, dev);
	if (type == PCI_P2PDMA_MAP_BUS_ADDR)
		sim_violation("%s of %s memory, which %s must reach by bus address",
			      fn, r->prov->name, dev->name);
	else if (type != PCI_P2PDMA_MAP_THRU_HOST_BRIDGE)
		sim_violation("%s of %s memory, which %s cannot reach", fn,
			      r->prov->name, dev->name);
	else if (!(attrs & DMA_ATTR_MMIO))
		sim_violation("%s of %s memory (through the host bridge) without DMA_ATTR_MMIO",
			      fn, r->prov->name);
}

/* --- single mappings ------------------------------------------------------ */

static dma_addr_t sim_map_single(struct device *dev, struct sim_dma_dev *cfg,
				 phys_addr_t phys, u64 size,
				 enum dma_data_direction dir,
				 unsigned long attrs, enum sim_rec_kind kind,
				 const struct scatterlist *sgl)
{
	struct sim_rec r = {
		.len = size, .phys = phys, .dev = dev, .kind = kind, .dir = dir,
		.mmio = attrs & DMA_ATTR_MMIO, .sgl = sgl,
	};

	switch (cfg->mode) {
	case SIM_DIRECT:
		r.bus = phys;
		break;
	case SIM_SWIOTLB:
		if (r.mmio) {
			r.bus = phys;
			break;
		}
		/* A slot of its own that keeps the low address bits. */
		r.bus = ALIGN(sim_bounce_next, cfg->min_align_mask + 1) +
			(phys & cfg->min_align_mask);
		sim_bounce_next = r.bus + size + 4096;
		r.bounce = true;
		sim_bounce_live++;
		break;
	case SIM_IOMMU: {
		u64 off = phys & (cfg->granule - 1);
		u64 msize = ALIGN(size + off, (u64)cfg->granule);

		r.map_lo = sim_iova_space(cfg->granule, msize);
		r.map_hi = r.map_lo + msize;
		r.bus = r.map_lo + off;
		sim_cnt.map_syncs++;
		break;
	}
	}
	if (r.mmio)
		sim_cnt.mmio_maps++;
	sim_rec_insert(&r);
	return r.bus;
}

static void sim_unmap_single(struct device *dev, dma_addr_t addr, u64 size,
			     enum dma_data_direction dir, unsigned long attrs,
			     enum sim_rec_kind kind, const char *fn)
{
	struct sim_rec *r;
	int i;

	sim_cnt.unmaps++;
	if (!sim_cfg(dev, fn) || !sim_dir_ok(dir, fn))
		return;
	i = sim_rec_find(dev, addr, kind, size);
	if (i < 0) {
		if (sim_rec_containing(dev, addr) >= 0)
			sim_violation("%s(%#llx, %#llx): not the start of a %s",
				      fn, (unsigned long long)addr,
				      (unsigned long long)size,
				      sim_rec_kind_names[kind]);
		else
			sim_violation("%s(%#llx, %#llx): %s", fn,
				      (unsigned long long)addr,
				      (unsigned long long)size,
				      sim_recently_gone(addr) ? "unmapped already" :
				      "never mapped");
		return;
	}
	r = &sim_recs[i];
	if (r->len != size)
		sim_violation("%s(%#llx): size %#llx, mapped with %#llx", fn,
			      (unsigned long long)addr, (unsigned long long)size,
			      (unsigned long long)r->len);
	if (r->dir != dir)
		sim_violation("%s(%#llx): direction %d, mapped with %d", fn,
			      (unsigned long long)addr, dir, r->dir);
	if (r->mmio != !!(attrs & DMA_ATTR_MMIO))
		sim_violation("%s(%#llx): DMA_ATTR_MMIO %s, mapped %s", fn,
			      (unsigned long long)addr,
			      attrs & DMA_ATTR_MMIO ? "given" : "missing",
			      r->mmio ? "with it" : "without");
	if (r->bounce)
		sim_bounce_live--;
	sim_remember_gone(addr);
	sim_rec_remove(i);
}

dma_addr_t dma_map_phys(struct device *dev, phys_addr_t phys, size_t size,
			enum dma_data_direction dir, unsigned long attrs)
{
	struct sim_dma_dev *cfg = sim_cfg(dev, __func__);

	sim_spend(sim_cost.map, SIM_KIND_SINGLE);
	if (!cfg || !sim_dir_ok(dir, __func__))
		return DMA_MAPPING_ERROR;
	if (!size) {
		sim_violation("%s of 0 bytes", __func__);
		return DMA_MAPPING_ERROR;
	}
	if (sim_fail(SIM_F_MAP_PHYS))
		return DMA_MAPPING_ERROR;
	sim_check_memory(dev, phys, size, attrs, __func__);
	return sim_map_single(dev, cfg, phys, size, dir, attrs, SIM_REC_SINGLE,
			      NULL);
}

void dma_unmap_phys(struct device *dev, dma_addr_t addr, size_t size,
		    enum dma_data_direction dir, unsigned long attrs)
{
	sim_spend(sim_cost.unmap, SIM_KIND_SINGLE);
	sim_unmap_single(dev, addr, size, dir, attrs, SIM_REC_SINGLE,
			 __func__);
}

dma_addr_t dma_map_page_attrs(struct device *dev, struct page *page,
			      size_t offset, size_t size,
			      enum dma_data_direction dir, unsigned long attrs)
{
	struct sim_dma_dev *cfg = sim_cfg(dev, __func__);
	phys_addr_t phys;

	sim_spend(sim_cost.map, SIM_KIND_SINGLE);
	if (!cfg || !sim_dir_ok(dir, __func__))
		return DMA_MAPPING_ERROR;
	if (sim_fail(SIM_F_MAP_PAGE))
		return DMA_MAPPING_ERROR;
	/* The page API refuses MMIO outright, and device pages in debug. */
	if (attrs & DMA_ATTR_MMIO) {
		sim_violation("%s() with DMA_ATTR_MMIO: the API refuses it", __func__);
		return DMA_MAPPING_ERROR;
	}
	if (is_zone_device_page(page)) {
		sim_violation("%s() of a ZONE_DEVICE page (pfn %#lx)", __func__,
			      page->pfn);
		return DMA_MAPPING_ERROR;
	}
	if (!size) {
		sim_violation("%s of 0 bytes", __func__);
		return DMA_MAPPING_ERROR;
	}
	phys = page_to_phys(page) + offset;
	sim_check_memory(dev, phys, size, attrs, __func__);
	return sim_map_single(dev, cfg, phys, size, dir, attrs, SIM_REC_SINGLE,
			      NULL);
}

void dma_unmap_page_attrs(struct device *dev, dma_addr_t addr, size_t size,
			  enum dma_data_direction dir, unsigned long attrs)
{
	sim_spend(sim_cost.unmap, SIM_KIND_SINGLE);
	/* The page API ignores an MMIO unmap: the mapping stays. */
	if (attrs & DMA_ATTR_MMIO) {
		sim_violation("%s() with DMA_ATTR_MMIO does nothing", __func__);
		return;
	}
	sim_unmap_single(dev, addr, size, dir, attrs, SIM_REC_SINGLE,
			 __func__);
}

int dma_mapping_error(struct device *dev, dma_addr_t addr)
{
	(void)dev;
	return addr == DMA_MAPPING_ERROR;
}

bool dma_need_unmap(struct device *dev)
{
	struct sim_dma_dev *cfg = sim_cfg(dev, __func__);

	return !cfg || cfg->mode != SIM_DIRECT;
}

unsigned long dma_get_merge_boundary(struct device *dev)
{
	struct sim_dma_dev *cfg = sim_cfg(dev, __func__);

	return cfg && cfg->mode == SIM_IOMMU ? cfg->granule - 1 : 0;
}

/* --- the IOVA API ----------------------------------------------------------- */

bool dma_iova_try_alloc(struct device *dev, struct dma_iova_state *state,
			phys_addr_t phys, size_t size)
{
	struct sim_dma_dev *cfg = sim_cfg(dev, __func__);
	struct sim_iova *v;
	u64 off;

	sim_spend(sim_cost.iova_alloc, SIM_KIND_IOVA);
	sim_cnt.iova_api++;
	memset(state, 0, sizeof(*state));
	if (!cfg || cfg->mode != SIM_IOMMU)
		return false;
	if (!size) {
		sim_violation("%s of 0 bytes", __func__);
		return false;
	}
	if (sim_fail(SIM_F_IOVA_ALLOC))
		return false;
	if (sim_niovas == SIM_MAX_IOVAS) {
		sim_violation("more than %d IOVA ranges alive", SIM_MAX_IOVAS);
		return false;
	}
	v = calloc(1, sizeof(*v));
	if (!v)
		return false;
	off = phys & (cfg->granule - 1);
	v->dev = dev;
	v->size = ALIGN(size + off, (u64)cfg->granule);
	v->base = sim_iova_space(cfg->granule, v->size);
	v->state_addr = v->base + off;
	v->state_size = size;
	sim_iovas[sim_niovas++] = v;
	state->addr = v->state_addr;
	state->__size = size;
	return true;
}

/* The link records of @v, which sit together in bus order. */
static unsigned int sim_iova_links(const struct sim_iova *v, unsigned int *first)
{
	unsigned int i = sim_rec_lower(v->base), n = 0;

	*first = i;
	for (; i < sim_nrecs && sim_recs[i].bus < v->base + v->size; i++)
		if (sim_recs[i].kind == SIM_REC_LINK && sim_recs[i].iova == v)
			n++;
	return n;
}

void dma_iova_free(struct device *dev, struct dma_iova_state *state)
{
	struct sim_iova *v;

	sim_cnt.iova_api++;
	v = sim_iova_find(dev, state, __func__);
	if (!v)
		return;
	if (v->nlinks)
		sim_violation("%s with %u ranges still linked", __func__, v->nlinks);
	sim_iova_release(v);
}

int dma_iova_link(struct device *dev, struct dma_iova_state *state,
		  phys_addr_t phys, size_t offset, size_t size,
		  enum dma_data_direction dir, unsigned long attrs)
{
	struct sim_dma_dev *cfg = sim_cfg(dev, __func__);
	struct sim_iova *v;
	struct sim_rec r;
	u64 g, pad, start;

	sim_spend(sim_cost.iova_link, SIM_KIND_IOVA);
	sim_cnt.iova_api++;
	if (!cfg || !sim_dir_ok(dir, __func__))
		return -EINVAL;
	v = sim_iova_find(dev, state, __func__);
	if (!v)
		return -EINVAL;
	if (sim_fail(SIM_F_IOVA_LINK))
		return -ENOMEM;
	g = cfg->granule;
	pad = phys & (g - 1);
	if (!size) {
		sim_violation("%s of 0 bytes", __func__);
		return -EINVAL;
	}
	if (offset + size > state->__size) {
		sim_violation("%s [%#zx, +%#zx) past the %#llx bytes allocated", __func__,
			      offset, size, (unsigned long long)state->__size);
		return -EINVAL;
	}
	/* Only the first range may start inside a granule. */
	if (pad && offset) {
		sim_violation("%s at offset %#zx of phys %#llx, %#llx into a %#llx granule",
			      __func__,
			      offset, (unsigned long long)phys,
			      (unsigned long long)pad, (unsigned long long)g);
		return -EIO;
	}
	start = state->addr + offset - pad;
	if (start & (g - 1)) {
		sim_violation("%s: IOVA %#llx (offset %#zx) is off the %#llx granule", __func__,
			      (unsigned long long)start, offset,
			      (unsigned long long)g);
		return -EINVAL;
	}
	sim_check_memory(dev, phys, size, attrs, __func__);
	memset(&r, 0, sizeof(r));
	r.bus = state->addr + offset;
	r.len = size;
	r.phys = phys;
	r.dev = dev;
	r.kind = SIM_REC_LINK;
	r.dir = dir;
	r.mmio = attrs & DMA_ATTR_MMIO;
	r.map_lo = start;
	r.map_hi = start + ALIGN(size + pad, g);
	r.iova = v;
	if (r.map_lo < v->base || r.map_hi > v->base + v->size) {
		sim_violation("%s maps [%#llx, %#llx) outside its IOVA range", __func__,
			      (unsigned long long)r.map_lo,
			      (unsigned long long)r.map_hi);
		return -EINVAL;
	}
	if (sim_rec_overlaps(&r)) {
		sim_violation("%s over IOVA granules already linked (offset %#zx)", __func__,
			      offset);
		return -EEXIST;
	}
	if (r.mmio)
		sim_cnt.mmio_maps++;
	sim_rec_insert(&r);
	v->nlinks++;
	return 0;
}

int dma_iova_sync(struct device *dev, struct dma_iova_state *state,
		  size_t offset, size_t size)
{
	struct sim_iova *v;

	sim_spend(sim_cost.iova_sync, SIM_KIND_IOVA);
	sim_cnt.iova_api++;
	v = sim_iova_find(dev, state, __func__);
	if (!v)
		return -EINVAL;
	if (sim_fail(SIM_F_IOVA_SYNC))
		return -EIO;
	if (offset + size > state->__size)
		sim_violation("%s [%#zx, +%#zx) past the allocation", __func__,
			      offset, size);
	sim_cnt.iova_syncs++;
	return 0;
}

/*
 * Unlink [offset, offset + size) of @v: the granules it covers must be
 * exactly the granules of the links in it.
 */
static void sim_iova_unlink(struct device *dev, struct sim_iova *v,
			    size_t offset, size_t size,
			    enum dma_data_direction dir, unsigned long attrs,
			    const char *fn)
{
	struct sim_dma_dev *cfg = dev->sim;
	u64 g = cfg->granule;
	u64 addr = v->state_addr + offset;
	u64 lo = ALIGN_DOWN(addr, g), hi = ALIGN(addr + size, g), got = 0;
	unsigned int i, first;

	sim_iova_links(v, &first);
	for (i = first; i < sim_nrecs && sim_recs[i].bus < v->base + v->size;) {
		struct sim_rec *r = &sim_recs[i];

		if (r->kind != SIM_REC_LINK || r->iova != v ||
		    r->map_hi <= lo || r->map_lo >= hi) {
			i++;
			continue;
		}
		if (r->map_lo < lo || r->map_hi > hi)
			sim_violation("%s [%#zx, +%#zx) cuts a link in two", fn,
				      offset, size);
		if (r->dir != dir)
			sim_violation("%s: direction %d, linked with %d", fn, dir,
				      r->dir);
		if (r->mmio != !!(attrs & DMA_ATTR_MMIO))
			sim_violation("%s: DMA_ATTR_MMIO %s, linked %s", fn,
				      attrs & DMA_ATTR_MMIO ? "given" : "missing",
				      r->mmio ? "with it" : "without");
		got += r->map_hi - r->map_lo;
		v->nlinks--;
		sim_rec_remove(i);
	}
	if (got != hi - lo)
		sim_violation("%s [%#zx, +%#zx): %#llx of %#llx bytes of IOVA were linked",
			      fn, offset, size, (unsigned long long)got,
			      (unsigned long long)(hi - lo));
}

void dma_iova_unlink(struct device *dev, struct dma_iova_state *state,
		     size_t offset, size_t size, enum dma_data_direction dir,
		     unsigned long attrs)
{
	struct sim_iova *v;

	sim_cnt.iova_api++;
	sim_cnt.unmaps++;
	v = sim_iova_find(dev, state, __func__);
	if (v)
		sim_iova_unlink(dev, v, offset, size, dir, attrs,
				__func__);
}

void dma_iova_destroy(struct device *dev, struct dma_iova_state *state,
		      size_t mapped_len, enum dma_data_direction dir,
		      unsigned long attrs)
{
	struct sim_iova *v;

	sim_spend(sim_cost.iova_destroy, SIM_KIND_IOVA);
	sim_cnt.iova_api++;
	sim_cnt.unmaps++;
	v = sim_iova_find(dev, state, __func__);
	if (!v)
		return;
	if (mapped_len &&
	    v->state_addr - v->base + mapped_len <= v->size - sim_cfg(dev, __func__)->granule)
		sim_cnt.short_destroys++;
	if (mapped_len)
		sim_iova_unlink(dev, v, 0, mapped_len, dir, attrs,
				__func__);
	/* Whatever is still linked now was never going to be unlinked. */
	if (v->nlinks)
		sim_violation("%s(%#zx) leaves %u ranges linked", __func__,
			      mapped_len, v->nlinks);
	while (v->nlinks) {
		unsigned int first, i;

		sim_iova_links(v, &first);
		for (i = first; i < sim_nrecs; i++)
			if (sim_recs[i].kind == SIM_REC_LINK && sim_recs[i].iova == v)
				break;
		if (i == sim_nrecs)
			break;
		sim_rec_remove(i);
		v->nlinks--;
	}
	sim_iova_release(v);
}

/* --- scatterlists --------------------------------------------------------- */

struct sim_sg_group {
	struct device *dev;
	const struct scatterlist *sgl;
	unsigned int nents;
	enum dma_data_direction dir;
};

#define SIM_MAX_SG 16
static struct sim_sg_group sim_sg[SIM_MAX_SG];
static unsigned int sim_nsg;

static int sim_sg_find(struct device *dev, const struct scatterlist *sgl)
{
	unsigned int i;

	for (i = 0; i < sim_nsg; i++)
		if (sim_sg[i].dev == dev && sim_sg[i].sgl == sgl)
			return (int)i;
	return -1;
}

/* Drop the records of @sgl's first @n entries (n = all when -1). */
static void sim_sg_drop(struct device *dev, struct scatterlist *sgl, int n,
			const char *fn)
{
	struct scatterlist *sg;
	int i, j;

	for (i = 0, sg = sgl; sg && (n < 0 || i < n); i++, sg = sg_next(sg)) {
		if (sg_dma_is_bus_address(sg))
			continue;
		j = sim_rec_find(dev, sg->dma_address, SIM_REC_SG, sg->dma_length);
		if (j < 0 || sim_recs[j].sgl != sgl) {
			if (fn)
				sim_violation("%s: entry %d at %#llx is not mapped",
					      fn, i,
					      (unsigned long long)sg->dma_address);
			continue;
		}
		if (sim_recs[j].bounce)
			sim_bounce_live--;
		sim_remember_gone(sim_recs[j].bus);
		sim_rec_remove(j);
	}
}

int dma_map_sgtable(struct device *dev, struct sg_table *sgt,
		    enum dma_data_direction dir, unsigned long attrs)
{
	struct sim_dma_dev *cfg = sim_cfg(dev, __func__);
	struct scatterlist *sg;
	unsigned int i;

	if (!cfg || !sim_dir_ok(dir, __func__))
		return -EINVAL;
	if (sim_fail(SIM_F_MAP_SG))
		return -ENOMEM;
	if (!sgt->orig_nents) {
		sim_violation("%s of an empty table", __func__);
		return -EINVAL;
	}
	if (sim_sg_find(dev, sgt->sgl) >= 0) {
		sim_violation("%s of a table that is mapped already", __func__);
		return -EINVAL;
	}
	if (sim_nsg == SIM_MAX_SG) {
		sim_violation("more than %d scatterlists mapped", SIM_MAX_SG);
		return -ENOMEM;
	}
	for (i = 0, sg = sgt->sgl; i < sgt->orig_nents; i++, sg = sg_next(sg)) {
		struct page *page;
		phys_addr_t phys;

		if (!sg) {
			sim_violation("%s: the list ends before entry %u of %u", __func__,
				      i, sgt->orig_nents);
			sim_sg_drop(dev, sgt->sgl, (int)i, NULL);
			return -EINVAL;
		}
		page = sg_page(sg);
		phys = sg_phys(sg);
		sg->dma_flags = 0;
		sg->dma_length = sg->length;
		if (!sg->length)
			sim_violation("%s: entry %u is empty", __func__, i);
		if (is_pci_p2pdma_page(page)) {
			struct sim_provider *pv =
				container_of(page->pgmap, struct sim_provider, pgmap);

			switch (sim_p2p_truth(pv, dev)) {
			case PCI_P2PDMA_MAP_BUS_ADDR:
				sg->dma_address = phys + pv->bus_offset;
				sg_dma_mark_bus_address(sg);
				continue;
			case PCI_P2PDMA_MAP_THRU_HOST_BRIDGE:
				sg->dma_address =
					sim_map_single(dev, cfg, phys, sg->length, dir,
						       attrs | DMA_ATTR_MMIO,
						       SIM_REC_SG, sgt->sgl);
				continue;
			default:
				sim_sg_drop(dev, sgt->sgl, (int)i, NULL);
				return -EREMOTEIO;
			}
		}
		sim_check_memory(dev, phys, sg->length, attrs & ~DMA_ATTR_MMIO,
				 __func__);
		sg->dma_address = sim_map_single(dev, cfg, phys, sg->length, dir,
						 attrs & ~DMA_ATTR_MMIO,
						 SIM_REC_SG, sgt->sgl);
	}
	sim_sg[sim_nsg].dev = dev;
	sim_sg[sim_nsg].sgl = sgt->sgl;
	sim_sg[sim_nsg].nents = sgt->orig_nents;
	sim_sg[sim_nsg].dir = dir;
	sim_nsg++;
	/* Entries are not merged: every one is a mapped segment. */
	sgt->nents = sgt->orig_nents;
	return 0;
}

void dma_unmap_sgtable(struct device *dev, struct sg_table *sgt,
		       enum dma_data_direction dir, unsigned long attrs)
{
	int g;

	(void)attrs;
	sim_cnt.unmaps++;
	if (!sim_cfg(dev, __func__) ||
	    !sim_dir_ok(dir, __func__))
		return;
	g = sim_sg_find(dev, sgt->sgl);
	if (g < 0) {
		sim_violation("%s of a table that is not mapped", __func__);
		return;
	}
	if (sim_sg[g].nents != sgt->orig_nents)
		sim_violation("%s of %u entries, %u mapped", __func__,
			      sgt->orig_nents, sim_sg[g].nents);
	if (sim_sg[g].dir != dir)
		sim_violation("%s: direction %d, mapped with %d", __func__,
			      dir, sim_sg[g].dir);
	sim_sg_drop(dev, sgt->sgl, (int)sim_sg[g].nents, __func__);
	sim_sg[g] = sim_sg[--sim_nsg];
}

/* --- state of the machine ------------------------------------------------- */

unsigned int sim_live_mappings(void)
{
	return sim_nrecs;
}

unsigned int sim_live_iovas(void)
{
	return sim_niovas;
}

bool sim_dma_quiesce(struct device *dev, char *why, size_t whylen)
{
	struct sim_dma_dev *cfg = dev->sim;
	unsigned int i;

	/* Without dma_need_unmap() nothing had to be unmapped. */
	if (cfg && cfg->mode == SIM_DIRECT) {
		for (i = sim_nrecs; i-- > 0;)
			if (sim_recs[i].dev == dev)
				sim_rec_remove(i);
		for (i = sim_nsg; i-- > 0;)
			if (sim_sg[i].dev == dev)
				sim_sg[i] = sim_sg[--sim_nsg];
	}
	for (i = 0; i < sim_nrecs; i++) {
		const struct sim_rec *r = &sim_recs[i];

		snprintf(why, whylen, "%u mappings left, first a %s at %#llx (phys %#llx+%#llx)",
			 sim_nrecs, sim_rec_kind_names[r->kind],
			 (unsigned long long)r->bus, (unsigned long long)r->phys,
			 (unsigned long long)r->len);
		return false;
	}
	if (sim_niovas) {
		snprintf(why, whylen, "%u IOVA ranges left allocated", sim_niovas);
		return false;
	}
	if (sim_nsg) {
		snprintf(why, whylen, "%u scatterlists left mapped", sim_nsg);
		return false;
	}
	if (sim_bounce_live) {
		snprintf(why, whylen, "%u bounce slots left in use", sim_bounce_live);
		return false;
	}
	return true;
}

/* Forget everything (after a failed test, so the next one starts clean). */
void sim_dma_reset(void)
{
	while (sim_niovas)
		sim_iova_release(sim_iovas[0]);
	sim_nrecs = 0;
	sim_nsg = 0;
	sim_bounce_live = 0;
}

/* --- what the device reaches ---------------------------------------------- */

bool sim_translate(struct device *dev, dma_addr_t bus, u64 len,
		   sim_piece_fn fn, void *ctx, char *why, size_t whylen)
{
	unsigned int p;
	int i;

	while (len) {
		const struct sim_rec *r;
		u64 n;

		i = sim_rec_containing(dev, bus);
		if (i >= 0) {
			r = &sim_recs[i];
			n = min(len, r->bus + r->len - bus);
			fn(ctx, r->phys + (bus - r->bus), n, r->mmio);
			bus += n;
			len -= n;
			continue;
		}
		/* Not mapped: maybe a provider's bus address behind the switch. */
		for (p = 0; p < SIM_NR_PROV; p++) {
			struct sim_provider *pv = &sim_prov[p];
			u64 lo = pv->region.start + pv->bus_offset;

			if (bus < lo || bus - lo >= pv->region.size)
				continue;
			if (sim_p2p_truth(pv, dev) != PCI_P2PDMA_MAP_BUS_ADDR) {
				snprintf(why, whylen, "bus address %#llx of %s, not reachable so",
					 (unsigned long long)bus, pv->name);
				return false;
			}
			n = min(len, lo + pv->region.size - bus);
			fn(ctx, bus - pv->bus_offset, n, false);
			bus += n;
			len -= n;
			break;
		}
		if (p == SIM_NR_PROV) {
			snprintf(why, whylen, "bus address %#llx is not mapped for %s",
				 (unsigned long long)bus, dev->name);
			return false;
		}
	}
	return true;
}
