/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The driver's data-pointer code under test: drivers-nvme/dptr.c, compiled
 * as the module compiles it, driven the way io.c drives it, and watched
 * from outside.  The link wraps block/'s nvmp_dma_start(), nvmp_dma_next(),
 * nvmp_dma_abort() and nvmp_dma_unmap() (ld --wrap) so that every range the
 * iterator hands to the driver is recorded, and every bus address the
 * driver reads back for unmapping is compared with the one that range was
 * mapped at.  A third consumer, "raw", stands in for a driver that just
 * records ranges.
 */
#ifndef NVMP_UNIT_DRVMODEL_H
#define NVMP_UNIT_DRVMODEL_H

#include <nvme-phys/dma.h>
#include "dptr.h"
#include "sim.h"

#define DRV_PAGE		((u32)NVMP_PAGE)
#define DRV_MAX_RANGES		256

enum drv_consumer {
	DRV_PRP,
	DRV_SGL,
	DRV_RAW,
	DRV_NR_CONSUMERS,
};

extern const char *const drv_consumer_names[DRV_NR_CONSUMERS];

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
	struct nvme_common_command cmd;
	struct nvmp_dptr dptr;
	enum drv_consumer use;
	/*
	 * PRPs with SGLs allowed (the driver's I/O queues on a controller
	 * that takes SGLs, below the SGL threshold): a request mapped as
	 * one range that needs a PRP list gets one SGL descriptor instead.
	 * Set after drv_iod_reset(), which clears it.
	 */
	bool prp_sgl_ok;

	/* The raw consumer's mapping state. */
	struct nvmp_dma_map raw_map;
	bool raw_mapped;

	/* What the tests observed. */
	struct drv_range ranges[DRV_MAX_RANGES];
	unsigned int nranges;
	enum drv_iter_end iter_end;
	blk_status_t iter_status;
	unsigned int unmap_calls;	/* addresses read back */
};

/* The mapping record of @iod, whichever consumer it used. */
static inline struct nvmp_dma_map *drv_map(struct drv_iod *iod)
{
	return iod->use == DRV_RAW ? &iod->raw_map : &iod->dptr.map;
}

/* Start a request the way nvmp_prep_rq() resets its iod. */
void drv_iod_reset(struct drv_iod *iod);

/*
 * Map @rq into @iod with @use, as io.c's nvmp_map_data() does (through
 * nvmp_dptr_map(), for PRPs and SGLs); on failure it has already unmapped.
 * @fail_after_first arms the driver's fail_mappings knob once.
 */
blk_status_t drv_map_data(struct nvmp_dma_dev *dd, struct request *rq,
			  struct drv_iod *iod, enum drv_consumer use,
			  bool fail_after_first);
/* Unmap, as completion runs io.c's nvmp_unmap_data(). */
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

/* After a failed run: forget what the run left behind. */
void drv_iod_forget(struct drv_iod *iod);

/* block/'s entry points as the link wraps them (drvmodel.c). */
bool __real_nvmp_dma_start(struct nvmp_dma_dev *dd, struct request *rq,
			   struct nvmp_dma_map *map, struct nvmp_dma_iter *iter);
bool __real_nvmp_dma_next(struct nvmp_dma_dev *dd, struct request *rq,
			  struct nvmp_dma_map *map, struct nvmp_dma_iter *iter);
void __real_nvmp_dma_unmap(struct nvmp_dma_dev *dd, struct request *rq,
			   struct nvmp_dma_map *map, nvmp_dma_addr_fn addr_fn,
			   void *cookie);
void __real_nvmp_dma_abort(struct nvmp_dma_dev *dd, struct nvmp_dma_map *map,
			   blk_status_t status);
void __wrap_nvmp_dma_abort(struct nvmp_dma_dev *dd, struct nvmp_dma_map *map,
			   blk_status_t status);
bool __wrap_nvmp_dma_start(struct nvmp_dma_dev *dd, struct request *rq,
			   struct nvmp_dma_map *map, struct nvmp_dma_iter *iter);
bool __wrap_nvmp_dma_next(struct nvmp_dma_dev *dd, struct request *rq,
			  struct nvmp_dma_map *map, struct nvmp_dma_iter *iter);
void __wrap_nvmp_dma_unmap(struct nvmp_dma_dev *dd, struct request *rq,
			   struct nvmp_dma_map *map, nvmp_dma_addr_fn addr_fn,
			   void *cookie);

#endif /* NVMP_UNIT_DRVMODEL_H */
