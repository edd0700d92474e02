/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A model of the driver's data-pointer code (drivers-nvme/io.c): how it
 * consumes the DMA iterator into PRPs or SGL descriptors, and how it reads
 * the bus addresses back for nvmp_dma_unmap().  Its structure follows the
 * driver's function by function, so what the tests find here applies there.
 * A third consumer, "raw", just records the ranges.
 */
#ifndef NVMP_UNIT_DRVMODEL_H
#define NVMP_UNIT_DRVMODEL_H

#include <nvme-phys/dma.h>
#include "sim.h"

#define DRV_PAGE_SHIFT		12
#define DRV_PAGE		((u32)BIT(DRV_PAGE_SHIFT))
#define DRV_PRPS_PER_LIST	(DRV_PAGE / 8)
#define DRV_SGLS_PER_LIST	(DRV_PAGE / 16)
#define DRV_MAX_LISTS		4
#define DRV_MAX_RANGES		256

enum drv_consumer {
	DRV_PRP,
	DRV_SGL,
	DRV_RAW,
	DRV_NR_CONSUMERS,
};

extern const char *const drv_consumer_names[DRV_NR_CONSUMERS];

/* An NVMe SGL descriptor: address, length, 3 reserved bytes, type. */
struct drv_sgl_desc {
	u64 addr;
	u32 length;
	u8 rsvd[3];
	u8 type;
};

#define DRV_SGL_DATA		(0x0 << 4)
#define DRV_SGL_LAST_SEG	(0x3 << 4)

enum drv_iter_end {
	DRV_ITER_OPEN,		/* neither finished nor failed */
	DRV_ITER_DONE,		/* returned false with BLK_STS_OK */
	DRV_ITER_FAILED,	/* returned false with an error */
};

struct drv_range {
	dma_addr_t addr;
	u32 len;
};

/* The driver's per-request data, as far as data pointers go. */
struct drv_iod {
	/* The command's data pointer. */
	u64 prp1, prp2;
	struct drv_sgl_desc sgl;
	bool sgl_flag;

	enum drv_consumer use;
	u32 nr_entries;		/* PRP entries after PRP1, or SGL descriptors */
	void *lists[DRV_MAX_LISTS];
	u8 nr_lists;
	u64 first_list;
	struct nvmp_dma_map map;
	bool mapped;

	/* What the tests observed. */
	struct drv_range ranges[DRV_MAX_RANGES];
	unsigned int nranges;
	enum drv_iter_end iter_end;
	blk_status_t iter_status;
	unsigned int unmap_calls;	/* addr_fn calls */
};

/*
 * Set by the driver-bug demonstrations only: let list allocations after
 * the first one fail too (the driver mishandles that, see drvmodel.c).
 */

/* Start a request the way nvmp_queue_rq() resets its iod. */
void drv_iod_reset(struct drv_iod *iod);

/*
 * nvmp_map_data(): map @rq into @iod with @use; on failure it has already
 * unmapped.  @fail_after_first models the driver's fail_mappings knob.
 */
blk_status_t drv_map_data(struct nvmp_dma_dev *dd, struct request *rq,
			  struct drv_iod *iod, enum drv_consumer use,
			  bool fail_after_first);
/* nvmp_unmap_data(), as completion runs it. */
void drv_unmap_data(struct nvmp_dma_dev *dd, struct request *rq,
		    struct drv_iod *iod);

/*
 * What the controller reads: follow PRP1/PRP2/lists or the SGL for @total
 * bytes and call @fn for each (bus address, length).  False, with a
 * reason, when the data pointer is malformed.
 */
typedef void (*drv_chunk_fn)(void *ctx, dma_addr_t addr, u32 len);
bool drv_device_view(const struct drv_iod *iod, u32 total, drv_chunk_fn fn,
		     void *ctx, char *why, size_t whylen);

/* List pages still allocated (the leak check). */
unsigned int drv_pool_live(void);
void drv_pool_reset(void);

#endif /* NVMP_UNIT_DRVMODEL_H */
