/* SPDX-License-Identifier: GPL-2.0-only */
/* Queue limits and the request queue. */
#ifndef SHIM_LINUX_BLKDEV_H
#define SHIM_LINUX_BLKDEV_H

#include <linux/blk_types.h>
#include <linux/device.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/mempool.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>

struct dentry;

#define SECTOR_SHIFT		9

#define BLK_FEAT_WRITE_CACHE	((unsigned int)BIT(0))
#define BLK_FEAT_FUA		((unsigned int)BIT(1))
#define BLK_FEAT_PCI_P2PDMA	((unsigned int)BIT(12))

#define BLK_SEG_BOUNDARY_MASK	0xFFFFFFFFUL
#define BLK_MIN_SEGMENT_SIZE	4096U

struct queue_limits {
	unsigned int features;
	unsigned long seg_boundary_mask;
	unsigned long virt_boundary_mask;
	unsigned int max_segment_size;
	unsigned short max_segments;
	unsigned int logical_block_size;
	unsigned int dma_alignment;
};

struct request_queue {
	struct queue_limits limits;
	void *queuedata;
};

static inline unsigned long queue_segment_boundary(const struct request_queue *q)
{
	return q->limits.seg_boundary_mask;
}

#endif /* SHIM_LINUX_BLKDEV_H */
