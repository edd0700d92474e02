/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The simulated machine under block/: memory (RAM and peer-to-peer BARs),
 * a PCI topology, a DMA layer with three modes and the block layer pieces
 * block/ calls.  It enforces the rules of the real APIs and records every
 * broken rule as a violation, which the tests turn into a failure.
 *
 *   simmem.c   page frames, memory regions, kernel odds and ends (heap,
 *              mempools, per-CPU data, debugfs, seq_file, strings, time)
 *   simpci.c   PCI devices, the topology, P2P providers and map types
 *   simdma.c   the DMA layer: direct, swiotlb, IOMMU; failure injection
 *   simblk.c   the block layer: blk_rq_map_sg() and the DMA iterator
 */
#ifndef NVMP_UNIT_SIM_H
#define NVMP_UNIT_SIM_H

#include <linux/blk-mq-dma.h>
#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/pci-p2pdma.h>
#include <linux/pci.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>

/* --- violations -------------------------------------------------------- */

/* A broken rule: the current test fails.  Keeps the first few messages. */
void sim_violation(const char *fmt, ...) __printf(1, 2);
unsigned int sim_nr_violations(void);
const char *sim_violation_msg(unsigned int i);
void sim_reset_violations(void);
/* Print log messages and device messages as they happen. */
extern bool sim_verbose;
/* Device warnings seen (dev_warn and friends). */
extern unsigned int sim_dev_warnings;

/* --- failure injection ------------------------------------------------- */

enum sim_fn {
	SIM_F_MAP_PHYS,		/* dma_map_phys() */
	SIM_F_MAP_PAGE,		/* dma_map_page_attrs() */
	SIM_F_MAP_SG,		/* dma_map_sgtable() */
	SIM_F_IOVA_ALLOC,	/* dma_iova_try_alloc() */
	SIM_F_IOVA_LINK,	/* dma_iova_link() */
	SIM_F_IOVA_SYNC,	/* dma_iova_sync() */
	SIM_F_MEMPOOL,		/* mempool_alloc() */
	SIM_F_LIST,		/* dma_pool_alloc(): the driver's list pages */
	SIM_F_KMALLOC,		/* kmalloc, alloc_percpu, mempool creation */
	SIM_F_NR,
	SIM_F_ANY = -1,
};

extern const char *const sim_fn_names[SIM_F_NR];

/*
 * Make the @nth (from 1) call of @fn fail, or of any injectable function
 * but SIM_F_KMALLOC with SIM_F_ANY; 0 turns injection off.  Counting starts
 * again at each call.
 */
void sim_inject(int fn, unsigned int nth);
/* Called at each injectable point: should this call fail? */
bool sim_fail(enum sim_fn fn);
/* Whether, and where, the injected failure happened. */
extern bool sim_injected;
extern enum sim_fn sim_injected_fn;

/* Calls made since sim_reset_counts(). */
struct sim_counts {
	unsigned int calls[SIM_F_NR];	/* injectable calls, by function */
	unsigned int any;		/* injectable calls but SIM_F_KMALLOC */
	unsigned int iova_api;		/* every dma_iova_*() call */
	unsigned int iova_syncs;	/* IOTLB syncs by dma_iova_sync() */
	unsigned int map_syncs;		/* IOTLB syncs by single mappings */
	unsigned int unmaps;		/* dma_unmap_*() calls */
	unsigned int provider_lookups;	/* pcim_p2pdma_provider() calls */
	unsigned int mmio_maps;		/* mappings made with DMA_ATTR_MMIO */
	/*
	 * dma_iova_destroy() calls that gave back less IOVA space than was
	 * allocated: the kernel frees as much as it unlinks, and files the
	 * whole allocation in its cache under that smaller size.
	 */
	unsigned int short_destroys;
	unsigned int clock_reads;	/* ktime_get_ns() calls */
};

extern struct sim_counts sim_cnt;
void sim_reset_counts(void);

/*
 * What each DMA call costs on the simulated clock (ktime_get_ns()), in ns:
 * a single mapping (phys or page) and its unmap, and the IOVA calls.  Tests
 * set them to steer auto's model; the defaults make phys cheaper up to three
 * segments and iova from four on.  @cold is what the first call of one kind
 * (single mappings, or the IOVA calls) costs on top after a call of the
 * other kind, as code and caches gone cold do on a real machine; 0 unless a
 * test sets it.
 */
struct sim_costs {
	u64 map, unmap;
	u64 iova_alloc, iova_link, iova_sync, iova_destroy;
	u64 cold;
};

#define SIM_DEFAULT_COSTS ((struct sim_costs){				\
	.map = 150, .unmap = 150, .iova_alloc = 300, .iova_link = 40,	\
	.iova_sync = 200, .iova_destroy = 300 })

extern struct sim_costs sim_cost;
/* div64_u64() calls so far (shim/linux/math64.h). */
extern unsigned long long sim_div64_calls;
extern u64 sim_clock_ns;

/* --- memory ------------------------------------------------------------ */

struct sim_provider;

/* A range of page frames with struct pages: RAM or one provider's BAR. */
struct sim_region {
	const char *name;
	phys_addr_t start;
	u64 size;
	struct page *pages;
	struct sim_provider *prov;	/* NULL for RAM */
};

#define SIM_NR_RAM	2
extern struct sim_region sim_ram[SIM_NR_RAM];

/* The region holding all of [paddr, paddr + len), or NULL. */
struct sim_region *sim_region_of(phys_addr_t paddr, u64 len);

void sim_mem_init(void);
void sim_mem_exit(void);

/* Heap objects handed out by kmalloc and friends and not yet freed. */
extern long sim_kmalloc_live;
/* Mempool elements handed out and not yet returned, all pools. */
extern long sim_mempool_live;
/* Per-CPU allocations alive. */
extern long sim_percpu_live;

/* debugfs: find a file by path ("nvme0/dma/all") and read or write it. */
struct dentry *sim_debugfs_lookup(const char *path);
int sim_debugfs_read(struct dentry *d, char *buf, size_t size);
int sim_debugfs_write(struct dentry *d, const char *buf);
extern long sim_debugfs_live;

/* Release a device's device-managed allocations. */
void sim_devres_release(struct device *dev);

/* --- PCI and peer-to-peer ------------------------------------------------ */

enum sim_prov_kind {
	SIM_PROV_SWITCH,	/* behind nvme0's switch: bus addresses */
	SIM_PROV_ACS,		/* same switch, ACS redirect on its port */
	SIM_PROV_HOST,		/* other root port, allowed host bridge */
	SIM_PROV_NONE,		/* other, not allowed host bridge */
	SIM_NR_PROV,
};

struct sim_provider {
	const char *name;
	struct pci_dev *pdev;
	int bar;
	struct sim_region region;
	struct dev_pagemap pgmap;
	u64 bus_offset;
};

extern struct sim_provider sim_prov[SIM_NR_PROV];

enum sim_client {
	SIM_NVME0,		/* behind a switch, next to two providers */
	SIM_NVME1,		/* alone below a root port */
	SIM_NR_CLIENTS,
};

extern struct pci_dev *sim_clients[SIM_NR_CLIENTS];

void sim_pci_init(void);
void sim_pci_exit(void);
/* What the kernel's p2pdma core answers for @prov and @client. */
enum pci_p2pdma_map_type sim_p2p_truth(const struct sim_provider *prov,
				       struct device *client);
/* The provider whose BAR holds @paddr, or NULL. */
struct sim_provider *sim_provider_of(phys_addr_t paddr);
/* Sum of pci_dev reference counts; 0 when every get was put. */
int sim_pci_refs(void);

/* --- the DMA layer -------------------------------------------------------- */

enum sim_mode {
	SIM_DIRECT,		/* bus = phys, nothing to unmap */
	SIM_SWIOTLB,		/* every mapping bounces */
	SIM_IOMMU,		/* translating IOMMU with an IOVA allocator */
};

/* The DMA set-up of one device (struct device's @sim). */
struct sim_dma_dev {
	enum sim_mode mode;
	unsigned long granule;		/* IOMMU page size */
	unsigned long min_align_mask;	/* bits swiotlb keeps */
};

extern const char *const sim_mode_names[];

/* Attach a DMA set-up to @dev (before block/ first sees the device). */
void sim_dma_setup(struct device *dev, struct sim_dma_dev *cfg);

/* Mappings and IOVA ranges still alive, bounce slots in use. */
unsigned int sim_live_mappings(void);
unsigned int sim_live_iovas(void);
/*
 * End of a transaction on @dev: in a mode that needs no unmapping, forget
 * the mappings left (allowed); then report anything still held.
 */
bool sim_dma_quiesce(struct device *dev, char *why, size_t whylen);
void sim_dma_reset(void);

/*
 * Where the device's access to [bus, bus + len) lands: call @fn for each
 * physically contiguous piece, with @mmio set for a mapping made with
 * DMA_ATTR_MMIO.  Returns false (and says why) when a byte is not mapped
 * for @dev.
 */
typedef void (*sim_piece_fn)(void *ctx, phys_addr_t paddr, u64 len, bool mmio);
bool sim_translate(struct device *dev, dma_addr_t bus, u64 len,
		   sim_piece_fn fn, void *ctx, char *why, size_t whylen);

/* --- the block layer ------------------------------------------------------ */

/* The kernel's segment merge rule for two adjacent pieces. */
bool sim_biovec_mergeable(const struct queue_limits *lim,
			  const struct bio_vec *a, const struct bio_vec *b);
/* How much of a segment starting at @paddr the limits allow. */
u32 sim_max_segment(const struct queue_limits *lim, phys_addr_t paddr);

/* --- helpers ---------------------------------------------------------------- */

/* xorshift64*; all randomness of the harness comes from one of these. */
struct sim_rng {
	u64 s;
};

static inline u64 sim_rand(struct sim_rng *r)
{
	u64 x = r->s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static inline void sim_seed(struct sim_rng *r, u64 seed)
{
	r->s = seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
	if (!r->s)
		r->s = 1;
	sim_rand(r);
}

/* Uniform in [0, n). */
static inline u64 sim_below(struct sim_rng *r, u64 n)
{
	return n ? sim_rand(r) % n : 0;
}

/* true with probability num/den */
static inline bool sim_chance(struct sim_rng *r, unsigned int num,
			      unsigned int den)
{
	return sim_below(r, den) < num;
}

/* --- the dma_pool (simpool.c, shim/linux/dmapool.h) ------------------ */

/* Blocks handed out and not freed (the leak check). */
unsigned int sim_pool_live(void);
/* Forget every block, after a failed test. */
void sim_pool_reset(void);
/* The controller's view: the live block holding bus address @dma, or NULL. */
const void *sim_pool_lookup(dma_addr_t dma, size_t len);

#endif /* NVMP_UNIT_SIM_H */
