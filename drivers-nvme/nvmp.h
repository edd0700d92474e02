/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nvme-phys driver internals, shared by core.c (controller life cycle) and
 * io.c (queues and the data path).
 */
#ifndef NVMP_H
#define NVMP_H

#include <linux/blk-mq.h>
#include <linux/cdev.h>
#include <linux/dmapool.h>
#include <linux/nvme.h>
#include <linux/pci.h>
#include <nvme-phys/dma.h>
#include "doorbell.h"
#include "dptr.h"

#define NVMP_AQ_DEPTH		32
#define NVMP_MAX_SEGS		128
#define NVMP_MAX_DSM		256

enum nvmp_state {
	NVMP_NEW,
	NVMP_LIVE,
	NVMP_RESETTING,
	NVMP_DELETING,
	NVMP_DEAD,
};

struct nvmp_ctrl;

/* How I/O commands carried their data (debugfs "data_pointers"). */
struct nvmp_dptr_stats {
	u64 prp;
	u64 sgl;
};

/*
 * Doorbell traffic of one I/O queue (debugfs "doorbells"): plain counters,
 * each under the lock of its side of the queue.
 */
struct nvmp_db_stats {
	u64 sq_updates;			/* new SQ tails published */
	u64 sq_mmio;			/* of them, rung through MMIO */
	u64 commands;			/* commands placed in the SQ */
	u64 batched;			/* of them, by nvmp_queue_rqs() */
	u64 cq_updates;			/* new CQ heads published */
	u64 cq_mmio;			/* of them, rung through MMIO */
	u64 completions;		/* completion entries reaped */
};

struct nvmp_queue {
	struct nvmp_ctrl *ctrl;
	spinlock_t sq_lock;		/* sq_tail, the SQ slots, sq_shadow */
	spinlock_t cq_lock;		/* cq_head, cq_phase, cq_shadow */
	struct nvme_command *sq_cmds;
	struct nvme_completion *cqes;
	dma_addr_t sq_dma;
	dma_addr_t cq_dma;
	u32 __iomem *q_db;
	struct blk_mq_tags *tags;
	/* Shadow doorbells; .db is NULL while the controller has none. */
	struct nvmp_shadow_db sq_shadow;
	struct nvmp_shadow_db cq_shadow;
	struct nvmp_db_stats db_stats;
	u16 q_depth;
	u16 sq_tail;
	u16 last_sq_tail;
	u16 cq_head;
	u16 qid;
	u8 cq_phase;
	bool polled;
	bool live;
	int vector;
};

struct nvmp_ns {
	struct list_head list;
	struct nvmp_ctrl *ctrl;
	struct gendisk *disk;
	u32 nsid;
	u8 lba_shift;
	bool ro;
	/* Write Zeroes may deallocate: reads of the blocks then give zeroes. */
	bool deac;
	/* Writes atomic on power failure: bytes, and the boundary (0: none). */
	u32 atomic_bytes;
	u32 atomic_boundary;
	/* Namespace identifiers; all zero when the controller has none. */
	u8 eui64[8];
	u8 nguid[16];
	uuid_t uuid;
	bool cdev_added;
	/* The generic device ng<N>n<M>; it holds a reference on disk. */
	struct cdev cdev;
	struct device cdev_device;
};

struct nvmp_ctrl {
	struct pci_dev *pdev;
	struct device *dev;
	void __iomem *bar;
	u64 cap;
	u32 vs;
	u32 db_stride;
	u32 ctrl_config;
	int instance;
	enum nvmp_state state;
	spinlock_t state_lock;		/* state, users */
	/* Memory: probe, the controller device, each namespace. */
	struct kref ref;
	/* Passthrough calls using the queues now; removal waits for none. */
	unsigned int users;
	wait_queue_head_t users_wq;
	/* The controller device nvme<N>. */
	struct cdev cdev;
	struct device cdev_device;
	bool cdev_added;

	struct nvmp_queue *queues;
	unsigned int nr_queues;		/* admin + I/O queues allocated */
	unsigned int nr_io;		/* interrupt-driven I/O queues */
	unsigned int nr_poll;		/* polled I/O queues */
	unsigned int q_depth;
	int nr_vecs;

	struct blk_mq_tag_set admin_set;
	struct request_queue *admin_q;
	struct blk_mq_tag_set io_set;
	bool io_set_ready;
	bool admin_quiesced;		/* under reset_lock or in remove */
	bool io_quiesced;

	struct dma_pool *list_pool;
	struct nvmp_dma_dev dma;

	/*
	 * Shadow doorbell and event index buffers, one page-aligned buffer
	 * each with a slot per doorbell of every queue the controller may
	 * have; kept across resets, given to the controller at every
	 * bring-up (nvmp_dbbuf_enable()).
	 */
	__le32 *dbbuf_dbs;
	__le32 *dbbuf_eis;
	dma_addr_t dbbuf_dbs_dma;
	dma_addr_t dbbuf_eis_dma;
	size_t dbbuf_size;

	struct work_struct reset_work;
	/* Stopped for a PCI reset or system sleep; under the device lock. */
	bool pci_stopped;
	struct mutex ns_lock;		/* namespaces */
	struct list_head namespaces;

	/* From Identify Controller. */
	char serial[21];
	char model[41];
	char fw_rev[9];
	char subnqn[NVMF_NQN_SIZE + 1];
	u16 vid;
	u16 cntlid;
	/* Namespace identifiers the controller reports are not unique. */
	bool bogus_nid;
	u32 max_hw_sectors;
	u32 max_zeroes_sectors;
	u32 dmrsl;			/* DSM range size limit, in LBAs; 0: none */
	u8 dmrl;			/* DSM ranges per command; 0: no limit */
	u32 sgls;
	u16 oacs;
	u16 oncs;
	u8 vwc;
	u32 nn;

	struct dentry *debugfs;
	struct nvmp_dptr_stats __percpu *dptr_stats;
	atomic_t drop_completions;	/* debug: swallow the next N completions */
	atomic_t fail_mappings;		/* debug: fail the next N mappings */
	/* Requests nvmp_queue_rqs() could not prepare and gave back. */
	atomic_long_t batch_left;
};

/* Per-request data, behind each struct request. */
struct nvmp_iod {
	struct nvme_command cmd;
	struct nvmp_dptr dptr;
	bool aborted;
	u8 retries;
	u16 status;
	union nvme_result result;
};

static inline struct nvmp_iod *nvmp_iod(struct request *rq)
{
	return blk_mq_rq_to_pdu(rq);
}

static inline bool nvmp_ctrl_dead_regs(struct nvmp_ctrl *ctrl)
{
	u32 csts = readl(ctrl->bar + NVME_REG_CSTS);

	return csts == ~0U || (csts & NVME_CSTS_CFS);
}

extern const struct blk_mq_ops nvmp_admin_ops;
extern const struct blk_mq_ops nvmp_io_ops;
extern unsigned int nvmp_io_timeout;

/* io.c */
int nvmp_alloc_queue(struct nvmp_ctrl *ctrl, u16 qid, u16 depth);
void nvmp_free_queues(struct nvmp_ctrl *ctrl);
void nvmp_init_queue(struct nvmp_queue *q);
int nvmp_create_io_queues(struct nvmp_ctrl *ctrl);
void nvmp_dbbuf_enable(struct nvmp_ctrl *ctrl);
void nvmp_dbbuf_disable(struct nvmp_ctrl *ctrl);
void nvmp_dbbuf_free(struct nvmp_ctrl *ctrl);
int nvmp_request_irqs(struct nvmp_ctrl *ctrl);
void nvmp_free_irqs(struct nvmp_ctrl *ctrl);
void nvmp_reap_all(struct nvmp_ctrl *ctrl);
bool nvmp_cancel_rq(struct request *rq, void *data);
int nvmp_admin_sync(struct nvmp_ctrl *ctrl, struct nvme_command *cmd,
		    void *buf, unsigned int len, u32 *result);

/* core.c */
bool nvmp_change_state(struct nvmp_ctrl *ctrl, enum nvmp_state new);
void nvmp_schedule_reset(struct nvmp_ctrl *ctrl);
int nvmp_disable_hw(struct nvmp_ctrl *ctrl, bool shutdown);
int nvmp_ctrl_enter(struct nvmp_ctrl *ctrl);
void nvmp_ctrl_exit(struct nvmp_ctrl *ctrl);
void nvmp_ctrl_put(struct nvmp_ctrl *ctrl);
int nvmp_reset_sync(struct nvmp_ctrl *ctrl);
int nvmp_scan(struct nvmp_ctrl *ctrl);
struct nvmp_ns *nvmp_find_ns(struct nvmp_ctrl *ctrl, u32 nsid);

/* passthru.c */
int nvmp_chrdev_init(void);
void nvmp_chrdev_exit(void);
int nvmp_ctrl_cdev_add(struct nvmp_ctrl *ctrl,
		       const struct attribute_group **groups);
struct nvmp_ctrl *nvmp_class_dev_ctrl(struct device *dev);
void nvmp_ctrl_cdev_del(struct nvmp_ctrl *ctrl);
int nvmp_ns_cdev_add(struct nvmp_ns *ns);
void nvmp_ns_cdev_del(struct nvmp_ns *ns);
int nvmp_bdev_ioctl(struct block_device *bdev, blk_mode_t mode,
		    unsigned int cmd, unsigned long arg);

#endif /* NVMP_H */
