/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Running one request through one path of block/ the way the driver does,
 * and checking everything that can be checked about it.
 */
#ifndef NVMP_UNIT_CHECK_H
#define NVMP_UNIT_CHECK_H

#include "nvmp-block.h"
#include "drvmodel.h"
#include "reqgen.h"

/* A client device with one DMA set-up, and block/'s state for it. */
struct tdev {
	enum sim_client client;
	struct device *dev;
	struct sim_dma_dev cfg;
	struct nvmp_dma_dev dd;
	struct drv_iod iod;
	struct dentry *dbg;
	bool up;
	/* What the statistics must add up to (checked at tdev_down()). */
	struct nvmp_path_stats expect[NVMP_DMA_NR_PATHS];
	char name[64];
};

/* Set up block/ for @client in @mode (granule for the IOMMU). */
bool tdev_up(struct tdev *d, enum sim_client client, enum sim_mode mode,
	     unsigned long granule, char *why, size_t whylen);
/*
 * Keep block/'s statistics (@count), and, with them off, have a tracepoint
 * enabled (@trace) that wants the mapping times anyway.  Statistics on,
 * tracepoints off, unless a test says otherwise.
 */
void set_counting(bool count, bool trace);
/* Check the statistics through debugfs against what is expected. */
bool tdev_check_stats(struct tdev *d, char *why, size_t whylen);
/* Check the statistics through debugfs, then tear down; false on mismatch. */
bool tdev_down(struct tdev *d, char *why, size_t whylen);

struct run_spec {
	int path;			/* enum nvmp_dma_path */
	enum drv_consumer use;
	bool prp_sgl_ok;		/* DRV_PRP with SGLs allowed */
	int inj_fn;			/* enum sim_fn, SIM_F_ANY, ignored if !inj_nth */
	unsigned int inj_nth;		/* 0: no failure injected */
	bool fail_after_first;		/* the driver's fail_mappings knob */
	bool want_error;		/* expect @want_status, not the computed one */
	blk_status_t want_status;
};

struct run_result {
	blk_status_t status;
	int path_taken;
	unsigned int calls_any;		/* injectable calls the run made */
	bool injected;
	enum sim_fn inj_fn;
	bool ok;
	char why[768];
};

/* Is @path with @use a combination the harness runs for @t? */
bool run_valid(const struct tdev *d, const struct treq *t, int path,
	       enum drv_consumer use);

bool run_one(struct tdev *d, struct treq *t, const struct run_spec *r,
	     struct run_result *res);

const char *blk_status_name(blk_status_t s);

/* What the runs covered, for the summary line. */
struct tcover {
	unsigned long runs, ok, injected, batched, fallbacks, bounced;
	unsigned long taken[NVMP_DMA_NR_PATHS];
	unsigned long status_inval, status_target, status_resource, status_ioerr;
	unsigned long p2p[5];			/* by enum pci_p2pdma_map_type */
	unsigned long kinds[4];			/* by enum treq_kind */
	unsigned long use[DRV_NR_CONSUMERS];
	unsigned long split, multi_bio, segments, unmap_addrs;
};

extern struct tcover cover;
void cover_print(FILE *f);

/* Whether a failed run prints the request and what happened. */
extern bool check_verbose;

#endif /* NVMP_UNIT_CHECK_H */
