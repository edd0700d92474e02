// SPDX-License-Identifier: GPL-2.0-only
/*
 * nvme-phys: an NVMe PCI driver whose data path maps physical segments
 * straight to bus addresses (see block/ and include/nvme-phys/dma.h).
 *
 * This file is the controller's life cycle: probe, enable, Identify, queue
 * set-up, namespaces and their disks, reset, removal and shutdown, plus the
 * sysfs and debugfs knobs.  The I/O path is in io.c.
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include "nvmp.h"

#define NVMP_NAME "nvme-phys"

static DEFINE_IDA(nvmp_ida);
static struct dentry *nvmp_debugfs_root;
/*
 * The completion lock of a polled queue is never taken in an interrupt,
 * that of an interrupt-driven queue is: two lock classes, so that lockdep
 * does not take polling with interrupts on for a deadlock.
 */
static struct lock_class_key nvmp_poll_cq_lock_key;

static int first_instance = CONFIG_NVME_PHYS_FIRST_INSTANCE;
module_param(first_instance, int, 0444);
MODULE_PARM_DESC(first_instance,
		 "Controllers are nvme<N> with N counting from this (1..1000000, default "
		 __stringify(CONFIG_NVME_PHYS_FIRST_INSTANCE) ")");

static unsigned int io_queue_depth = 1024;
module_param(io_queue_depth, uint, 0444);
MODULE_PARM_DESC(io_queue_depth, "I/O queue depth (2..4096)");

static unsigned int poll_queues;
module_param(poll_queues, uint, 0444);
MODULE_PARM_DESC(poll_queues, "Queues for polled I/O (0..64)");

static unsigned int admin_timeout = 60;
module_param(admin_timeout, uint, 0644);
MODULE_PARM_DESC(admin_timeout, "Admin command timeout in seconds (1..3600)");

module_param_named(io_timeout, nvmp_io_timeout, uint, 0444);
MODULE_PARM_DESC(io_timeout, "I/O timeout in seconds (1..3600)");

static int default_path = NVMP_DMA_AUTO;

static int nvmp_path_param_set(const char *val, const struct kernel_param *kp)
{
	int path = nvmp_dma_path_parse(val);

	if (path < 0) {
		pr_err(NVMP_NAME ": dma_path: unknown path '%s' (auto, phys, iova, page, sg, upstream)\n",
		       val);
		return -EINVAL;
	}
	*(int *)kp->arg = path;
	return 0;
}

static int nvmp_path_param_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", nvmp_dma_path_name(*(int *)kp->arg));
}

static const struct kernel_param_ops nvmp_path_param_ops = {
	.set = nvmp_path_param_set,
	.get = nvmp_path_param_get,
};

module_param_cb(dma_path, &nvmp_path_param_ops, &default_path, 0644);
MODULE_PARM_DESC(dma_path,
		 "Mapping path of new controllers: auto, phys, iova, page, sg or upstream");

/*
 * The mapping statistics under debugfs cost every request a few clock reads
 * and counter updates: kept only when asked for, so a driver whose
 * statistics nobody reads pays nothing for them.
 */
static int nvmp_stats_param_set(const char *val, const struct kernel_param *kp)
{
	bool on;

	if (kstrtobool(val, &on)) {
		pr_err(NVMP_NAME ": dma_stats: '%s' is not a boolean (0 or 1)\n",
		       val);
		return -EINVAL;
	}
	nvmp_dma_stats_enable(on);
	return 0;
}

static int nvmp_stats_param_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%c\n", nvmp_dma_stats_enabled() ? 'Y' : 'N');
}

static const struct kernel_param_ops nvmp_stats_param_ops = {
	.set = nvmp_stats_param_set,
	.get = nvmp_stats_param_get,
};

module_param_cb(dma_stats, &nvmp_stats_param_ops, NULL, 0644);
MODULE_PARM_DESC(dma_stats,
		 "Keep the per-path mapping statistics under debugfs (default N: they cost every request)");

/* --- state ------------------------------------------------------------------ */

bool nvmp_change_state(struct nvmp_ctrl *ctrl, enum nvmp_state new)
{
	enum nvmp_state old;
	bool ok = false;

	spin_lock_irq(&ctrl->state_lock);
	old = ctrl->state;
	switch (new) {
	case NVMP_LIVE:
		ok = old == NVMP_NEW || old == NVMP_RESETTING;
		break;
	case NVMP_RESETTING:
		ok = old == NVMP_LIVE || old == NVMP_NEW;
		break;
	case NVMP_DELETING:
		ok = old != NVMP_DELETING;
		break;
	case NVMP_DEAD:
		ok = true;
		break;
	default:
		break;
	}
	if (ok)
		WRITE_ONCE(ctrl->state, new);
	spin_unlock_irq(&ctrl->state_lock);
	return ok;
}

/*
 * Resets run on a workqueue of our own with a rescuer: a reset may be what
 * stands between memory reclaim and the writeback it waits for.
 */
static struct workqueue_struct *nvmp_reset_wq;

void nvmp_schedule_reset(struct nvmp_ctrl *ctrl)
{
	if (nvmp_change_state(ctrl, NVMP_RESETTING))
		queue_work(nvmp_reset_wq, &ctrl->reset_work);
}

/* Reset now and wait: 0 once the controller is live again. */
int nvmp_reset_sync(struct nvmp_ctrl *ctrl)
{
	if (!nvmp_change_state(ctrl, NVMP_RESETTING))
		return -EBUSY;
	queue_work(nvmp_reset_wq, &ctrl->reset_work);
	flush_work(&ctrl->reset_work);
	return READ_ONCE(ctrl->state) == NVMP_LIVE ? 0 : -EIO;
}

/**
 * nvmp_ctrl_enter - start using a controller's queues from a passthrough call
 * @ctrl: the controller
 *
 * Removal waits for every caller that entered to leave (nvmp_ctrl_exit())
 * before it tears the queues down, and lets nobody in once it started.
 *
 * Return: 0, -EBUSY while the controller resets, -ENODEV once it is dead
 * or being removed.
 */
int nvmp_ctrl_enter(struct nvmp_ctrl *ctrl)
{
	int ret = 0;

	spin_lock_irq(&ctrl->state_lock);
	switch (ctrl->state) {
	case NVMP_LIVE:
		ctrl->users++;
		break;
	case NVMP_NEW:
	case NVMP_RESETTING:
		ret = -EBUSY;
		break;
	default:
		ret = -ENODEV;
		break;
	}
	spin_unlock_irq(&ctrl->state_lock);
	return ret;
}

void nvmp_ctrl_exit(struct nvmp_ctrl *ctrl)
{
	unsigned long flags;

	spin_lock_irqsave(&ctrl->state_lock, flags);
	if (!--ctrl->users)
		wake_up_all(&ctrl->users_wq);
	spin_unlock_irqrestore(&ctrl->state_lock, flags);
}

static bool nvmp_ctrl_unused(struct nvmp_ctrl *ctrl)
{
	bool unused;

	spin_lock_irq(&ctrl->state_lock);
	unused = !ctrl->users;
	spin_unlock_irq(&ctrl->state_lock);
	return unused;
}

static void nvmp_ctrl_free(struct kref *ref)
{
	struct nvmp_ctrl *ctrl = container_of(ref, struct nvmp_ctrl, ref);

	kfree(ctrl->queues);
	kfree(ctrl);
}

void nvmp_ctrl_put(struct nvmp_ctrl *ctrl)
{
	kref_put(&ctrl->ref, nvmp_ctrl_free);
}

/* --- controller registers ---------------------------------------------------- */

static int nvmp_wait_csts(struct nvmp_ctrl *ctrl, u32 mask, u32 val,
			  unsigned int timeout_ms, const char *what)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(timeout_ms);
	u32 csts;

	while ((csts = readl(ctrl->bar + NVME_REG_CSTS)) != ~0U) {
		if ((csts & mask) == val)
			return 0;
		if (time_after(jiffies, deadline)) {
			dev_err(ctrl->dev, "controller not %s after %u ms (CSTS 0x%x)\n",
				what, timeout_ms, csts);
			return -ENODEV;
		}
		usleep_range(1000, 2000);
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	dev_err(ctrl->dev, "controller gone (CSTS reads all ones)\n");
	return -ENODEV;
}

static unsigned int nvmp_cap_timeout_ms(struct nvmp_ctrl *ctrl)
{
	return (NVME_CAP_TIMEOUT(ctrl->cap) + 1) * 500;
}

/* Stop the controller (CC.EN or shutdown); after it, it touches no memory. */
int nvmp_disable_hw(struct nvmp_ctrl *ctrl, bool shutdown)
{
	if (nvmp_ctrl_dead_regs(ctrl) || !pci_device_is_present(ctrl->pdev))
		return -ENODEV;
	if (shutdown) {
		ctrl->ctrl_config &= ~NVME_CC_SHN_MASK;
		ctrl->ctrl_config |= NVME_CC_SHN_NORMAL;
		writel(ctrl->ctrl_config, ctrl->bar + NVME_REG_CC);
		return nvmp_wait_csts(ctrl, NVME_CSTS_SHST_MASK,
				      NVME_CSTS_SHST_CMPLT,
				      max(nvmp_cap_timeout_ms(ctrl), 5000U),
				      "shut down");
	}
	ctrl->ctrl_config &= ~(NVME_CC_SHN_MASK | NVME_CC_ENABLE);
	writel(ctrl->ctrl_config, ctrl->bar + NVME_REG_CC);
	return nvmp_wait_csts(ctrl, NVME_CSTS_RDY, 0, nvmp_cap_timeout_ms(ctrl),
			      "disabled");
}

static int nvmp_enable_hw(struct nvmp_ctrl *ctrl)
{
	struct nvmp_queue *aq = &ctrl->queues[0];
	u32 aqa = aq->q_depth - 1;

	writel(aqa | (aqa << 16), ctrl->bar + NVME_REG_AQA);
	lo_hi_writeq(aq->sq_dma, ctrl->bar + NVME_REG_ASQ);
	lo_hi_writeq(aq->cq_dma, ctrl->bar + NVME_REG_ACQ);
	ctrl->ctrl_config = NVME_CC_CSS_NVM |
			    (NVMP_PAGE_SHIFT - 12) << NVME_CC_MPS_SHIFT |
			    NVME_CC_AMS_RR | NVME_CC_SHN_NONE |
			    NVME_CC_IOSQES | NVME_CC_IOCQES;
	writel(ctrl->ctrl_config, ctrl->bar + NVME_REG_CC);
	ctrl->ctrl_config |= NVME_CC_ENABLE;
	writel(ctrl->ctrl_config, ctrl->bar + NVME_REG_CC);
	return nvmp_wait_csts(ctrl, NVME_CSTS_RDY, NVME_CSTS_RDY,
			      nvmp_cap_timeout_ms(ctrl), "ready");
}

/* --- quiesce, cancel, disable --------------------------------------------------- */

static void nvmp_quiesce(struct nvmp_ctrl *ctrl)
{
	if (ctrl->io_set_ready && !ctrl->io_quiesced) {
		blk_mq_quiesce_tagset(&ctrl->io_set);
		ctrl->io_quiesced = true;
	}
	if (ctrl->admin_q && !ctrl->admin_quiesced) {
		blk_mq_quiesce_queue(ctrl->admin_q);
		ctrl->admin_quiesced = true;
	}
}

static void nvmp_unquiesce_admin(struct nvmp_ctrl *ctrl)
{
	if (ctrl->admin_quiesced) {
		blk_mq_unquiesce_queue(ctrl->admin_q);
		ctrl->admin_quiesced = false;
	}
}

static void nvmp_unquiesce_io(struct nvmp_ctrl *ctrl)
{
	if (ctrl->io_quiesced) {
		blk_mq_unquiesce_tagset(&ctrl->io_set);
		ctrl->io_quiesced = false;
	}
}

/*
 * Stop the controller and end everything in flight: requeued when @dead is
 * false (a reset follows), failed when it is true.
 */
static void nvmp_disable(struct nvmp_ctrl *ctrl, bool shutdown, bool dead)
{
	unsigned int i;

	for (i = 0; i < ctrl->nr_queues; i++)
		WRITE_ONCE(ctrl->queues[i].live, false);
	nvmp_quiesce(ctrl);
	nvmp_disable_hw(ctrl, shutdown);
	for (i = 0; i < ctrl->nr_queues; i++)
		if (ctrl->queues[i].vector >= 0)
			synchronize_irq(pci_irq_vector(ctrl->pdev,
						       ctrl->queues[i].vector));
	nvmp_reap_all(ctrl);
	if (ctrl->io_set_ready) {
		blk_mq_tagset_busy_iter(&ctrl->io_set, nvmp_cancel_rq,
					dead ? ctrl : NULL);
		blk_mq_tagset_wait_completed_request(&ctrl->io_set);
	}
	if (ctrl->admin_q) {
		blk_mq_tagset_busy_iter(&ctrl->admin_set, nvmp_cancel_rq, ctrl);
		blk_mq_tagset_wait_completed_request(&ctrl->admin_set);
	}
	/* A disabled controller has forgotten its shadow doorbells. */
	nvmp_dbbuf_disable(ctrl);
}

/* --- bring-up --------------------------------------------------------------------- */

/* An Identify string: space padded, kept without the padding. */
static void nvmp_copy_id(char *dst, const char *src, size_t len)
{
	while (len && (src[len - 1] == ' ' || !src[len - 1]))
		len--;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/*
 * The NVM Subsystem NQN; controllers older than NVMe 1.2.1 may not report
 * one, and then it is made up from the vendor ids, serial and model, the
 * form NVMe 1.2.1 gives for that case.
 */
static void nvmp_set_subnqn(struct nvmp_ctrl *ctrl,
			    const struct nvme_id_ctrl *id)
{
	size_t len = strnlen(id->subnqn, NVMF_NQN_SIZE);

	if (ctrl->vs >= NVME_VS(1, 2, 1) && len) {
		memcpy(ctrl->subnqn, id->subnqn, len);
		ctrl->subnqn[len] = '\0';
		return;
	}
	snprintf(ctrl->subnqn, sizeof(ctrl->subnqn),
		 "nqn.2014.08.org.nvmexpress:%04x%04x%.20s%.40s",
		 le16_to_cpu(id->vid), le16_to_cpu(id->ssvid), id->sn, id->mn);
}

/*
 * Limits of the NVM command set that Identify Controller does not carry:
 * Write Zeroes size, Dataset Management ranges.  Controllers before NVMe
 * 1.2 have no such page; a controller that refuses it has none of them.
 */
static int nvmp_identify_ctrl_nvm(struct nvmp_ctrl *ctrl)
{
	struct nvme_command c = {};
	struct nvme_id_ctrl_nvm *id;
	int ret;

	ctrl->max_zeroes_sectors = ctrl->oncs & NVME_CTRL_ONCS_WRITE_ZEROES ?
				   ctrl->max_hw_sectors : 0;
	ctrl->dmrl = 0;
	ctrl->dmrsl = 0;
	if (ctrl->vs < NVME_VS(1, 2, 0))
		return 0;
	id = kzalloc_obj(*id);
	if (!id)
		return -ENOMEM;
	c.identify.opcode = nvme_admin_identify;
	c.identify.cns = NVME_ID_CNS_CS_CTRL;
	c.identify.csi = NVME_CSI_NVM;
	ret = nvmp_admin_sync(ctrl, &c, id, sizeof(*id), NULL);
	if (ret < 0) {
		kfree(id);
		return ret;
	}
	if (!ret) {
		ctrl->dmrl = id->dmrl;
		ctrl->dmrsl = le32_to_cpu(id->dmrsl);
		/* WZSL counts in units of the minimum memory page size. */
		if (id->wzsl && ctrl->max_zeroes_sectors)
			ctrl->max_zeroes_sectors =
				min_t(u64, UINT_MAX,
				      1ULL << (id->wzsl + NVME_CAP_MPSMIN(ctrl->cap) +
					       12 - SECTOR_SHIFT));
	}
	kfree(id);
	return 0;
}

static int nvmp_identify_ctrl(struct nvmp_ctrl *ctrl)
{
	struct nvme_command c = {};
	struct nvme_id_ctrl *id;
	u32 max_bytes;
	int ret;

	id = kzalloc_obj(*id);
	if (!id)
		return -ENOMEM;
	c.identify.opcode = nvme_admin_identify;
	c.identify.cns = NVME_ID_CNS_CTRL;
	ret = nvmp_admin_sync(ctrl, &c, id, sizeof(*id), NULL);
	if (ret) {
		dev_err(ctrl->dev, "Identify Controller failed: %d\n", ret);
		kfree(id);
		return ret < 0 ? ret : -EIO;
	}
	nvmp_copy_id(ctrl->serial, id->sn, sizeof(id->sn));
	nvmp_copy_id(ctrl->model, id->mn, sizeof(id->mn));
	nvmp_copy_id(ctrl->fw_rev, id->fr, sizeof(id->fr));
	ctrl->vid = le16_to_cpu(id->vid);
	ctrl->cntlid = le16_to_cpu(id->cntlid);
	nvmp_set_subnqn(ctrl, id);
	ctrl->oacs = le16_to_cpu(id->oacs);
	ctrl->oncs = le16_to_cpu(id->oncs);
	ctrl->vwc = id->vwc;
	ctrl->sgls = le32_to_cpu(id->sgls);
	ctrl->nn = le32_to_cpu(id->nn);
	max_bytes = NVMP_MAX_KB * 1024;
	if (id->mdts)
		max_bytes = min_t(u64, max_bytes,
				  (u64)NVMP_PAGE << (id->mdts + NVME_CAP_MPSMIN(ctrl->cap)));
	/*
	 * One segment may be as long as the request: keep requests within
	 * what one mapping can be (swiotlb bounces at most 256 KiB), or such
	 * a segment would fail to map, and be retried, forever.
	 */
	max_bytes = min_t(size_t, max_bytes, dma_max_mapping_size(ctrl->dev));
	ctrl->max_hw_sectors = max_bytes >> SECTOR_SHIFT;
	kfree(id);
	return nvmp_identify_ctrl_nvm(ctrl);
}

static int nvmp_set_queue_count(struct nvmp_ctrl *ctrl, unsigned int *count)
{
	struct nvme_command c = {};
	u32 q = (*count - 1) | ((*count - 1) << 16);
	u32 result;
	int ret;

	c.features.opcode = nvme_admin_set_features;
	c.features.fid = cpu_to_le32(NVME_FEAT_NUM_QUEUES);
	c.features.dword11 = cpu_to_le32(q);
	ret = nvmp_admin_sync(ctrl, &c, NULL, 0, &result);
	if (ret)
		return ret < 0 ? ret : -EIO;
	*count = min(*count, min(result & 0xffff, result >> 16) + 1);
	return 0;
}

static int nvmp_admin_init(struct nvmp_ctrl *ctrl)
{
	struct blk_mq_tag_set *set = &ctrl->admin_set;
	struct queue_limits lim = {
		.max_hw_sectors = NVMP_PAGE * 16 >> SECTOR_SHIFT,
		.max_segments = NVMP_MAX_SEGS,
		.virt_boundary_mask = NVMP_PAGE - 1,
		.dma_alignment = 3,
	};
	int ret;

	ret = nvmp_alloc_queue(ctrl, 0, NVMP_AQ_DEPTH);
	if (ret)
		return ret;
	set->ops = &nvmp_admin_ops;
	set->nr_hw_queues = 1;
	set->queue_depth = NVMP_AQ_DEPTH - 1;
	set->timeout = admin_timeout * HZ;
	set->numa_node = dev_to_node(ctrl->dev);
	set->cmd_size = sizeof(struct nvmp_iod);
	set->driver_data = ctrl;
	ret = blk_mq_alloc_tag_set(set);
	if (ret)
		return ret;
	ctrl->admin_q = blk_mq_alloc_queue(set, &lim, NULL);
	if (IS_ERR(ctrl->admin_q)) {
		ret = PTR_ERR(ctrl->admin_q);
		ctrl->admin_q = NULL;
		blk_mq_free_tag_set(set);
		return ret;
	}
	return 0;
}

static int nvmp_alloc_vectors(struct nvmp_ctrl *ctrl, unsigned int io)
{
	struct irq_affinity affd = { .pre_vectors = 1 };
	int n;

	n = pci_alloc_irq_vectors_affinity(ctrl->pdev, 1, io + 1,
					   PCI_IRQ_ALL_TYPES | PCI_IRQ_AFFINITY,
					   io ? &affd : NULL);
	if (n < 0)
		return n;
	ctrl->nr_vecs = n;
	return 0;
}

/* First bring-up: the admin queue alone, on one interrupt vector. */
static int nvmp_setup_admin(struct nvmp_ctrl *ctrl)
{
	int ret;

	ret = nvmp_disable_hw(ctrl, false);
	if (ret)
		return ret;
	ret = nvmp_admin_init(ctrl);
	if (ret)
		return ret;
	ret = nvmp_alloc_vectors(ctrl, 0);
	if (ret)
		return ret;
	ret = nvmp_request_irqs(ctrl);
	if (ret)
		return ret;
	ret = nvmp_enable_hw(ctrl);
	if (ret)
		return ret;
	WRITE_ONCE(ctrl->queues[0].live, true);
	return nvmp_identify_ctrl(ctrl);
}

/* First bring-up: as many I/O queues as CPUs and the controller allow. */
static int nvmp_setup_io(struct nvmp_ctrl *ctrl)
{
	unsigned int want = num_online_cpus() + poll_queues;
	unsigned int granted = want, i;
	int ret;

	ret = nvmp_set_queue_count(ctrl, &granted);
	if (ret)
		return ret;
	ctrl->nr_poll = min(poll_queues, granted > 1 ? granted - 1 : 0);
	ctrl->nr_io = granted - ctrl->nr_poll;

	/* Now the real vector count: admin plus one per interrupt queue. */
	nvmp_free_irqs(ctrl);
	pci_free_irq_vectors(ctrl->pdev);
	ret = nvmp_alloc_vectors(ctrl, ctrl->nr_io);
	if (ret)
		return ret;
	if (ctrl->nr_vecs > 1)
		ctrl->nr_io = min_t(unsigned int, ctrl->nr_io, ctrl->nr_vecs - 1);
	else
		ctrl->nr_io = 1;

	for (i = 1; i <= ctrl->nr_io + ctrl->nr_poll; i++) {
		ret = nvmp_alloc_queue(ctrl, i, ctrl->q_depth);
		if (ret)
			return ret;
		ctrl->queues[i].polled = i > ctrl->nr_io;
		if (ctrl->queues[i].polled)
			lockdep_set_class(&ctrl->queues[i].cq_lock,
					  &nvmp_poll_cq_lock_key);
	}
	ret = nvmp_request_irqs(ctrl);
	if (ret)
		return ret;
	ret = nvmp_create_io_queues(ctrl);
	if (ret)
		return ret;
	nvmp_dbbuf_enable(ctrl);

	ctrl->io_set.ops = &nvmp_io_ops;
	ctrl->io_set.nr_hw_queues = ctrl->nr_io + ctrl->nr_poll;
	ctrl->io_set.nr_maps = ctrl->nr_poll ? HCTX_MAX_TYPES : 2;
	ctrl->io_set.queue_depth = ctrl->q_depth - 1;
	ctrl->io_set.timeout = nvmp_io_timeout * HZ;
	ctrl->io_set.numa_node = dev_to_node(ctrl->dev);
	ctrl->io_set.cmd_size = sizeof(struct nvmp_iod);
	ctrl->io_set.driver_data = ctrl;
	ret = blk_mq_alloc_tag_set(&ctrl->io_set);
	if (ret)
		return ret;
	ctrl->io_set_ready = true;
	return 0;
}

/* Bring a controller back after nvmp_disable(): same queues, same vectors. */
static int nvmp_restart(struct nvmp_ctrl *ctrl)
{
	unsigned int granted = ctrl->nr_io + ctrl->nr_poll;
	int ret;

	/* Bus mastering may have been switched off under us: back on. */
	pci_set_master(ctrl->pdev);
	nvmp_init_queue(&ctrl->queues[0]);
	ret = nvmp_enable_hw(ctrl);
	if (ret)
		return ret;
	WRITE_ONCE(ctrl->queues[0].live, true);
	nvmp_unquiesce_admin(ctrl);
	ret = nvmp_identify_ctrl(ctrl);
	if (ret)
		return ret;
	ret = nvmp_set_queue_count(ctrl, &granted);
	if (ret)
		return ret;
	if (granted < ctrl->nr_io + ctrl->nr_poll) {
		dev_err(ctrl->dev, "controller now grants %u I/O queues, had %u\n",
			granted, ctrl->nr_io + ctrl->nr_poll);
		return -EIO;
	}
	ret = nvmp_create_io_queues(ctrl);
	if (ret)
		return ret;
	nvmp_dbbuf_enable(ctrl);
	return 0;
}

/* --- namespaces ---------------------------------------------------------------------- */

/* --- attributes whose value never changes -------------------------------------- */

struct nvmp_const_attr {
	struct device_attribute attr;
	const char *val;
};

static ssize_t nvmp_const_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  container_of(attr, struct nvmp_const_attr, attr)->val);
}

#define NVMP_CONST_ATTR(_name, _val)					\
	struct nvmp_const_attr nvmp_attr_##_name = {			\
		.attr = __ATTR(_name, 0444, nvmp_const_show, NULL),	\
		.val = _val,						\
	}

/* Only the NVM command set (0), and no metadata. */
static NVMP_CONST_ATTR(csi, "0");
static NVMP_CONST_ATTR(metadata_bytes, "0");
/* A PCIe controller, with no keep alive. */
static NVMP_CONST_ATTR(transport, "pcie");
static NVMP_CONST_ATTR(kato, "0");

/* --- namespace attributes, on each disk ----------------------------------------- */

static struct nvmp_ns *nvmp_dev_ns(struct device *dev)
{
	return dev_to_disk(dev)->private_data;
}

/*
 * A world-wide name: the UUID, else the NGUID, else the EUI-64, else one
 * made of the vendor, serial, model and namespace id (the form nvme-core
 * gives too, so that a disk keeps its by-id link whichever driver runs it).
 */
static ssize_t wwid_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct nvmp_ns *ns = nvmp_dev_ns(dev);
	struct nvmp_ctrl *ctrl = ns->ctrl;

	if (!uuid_is_null(&ns->uuid))
		return sysfs_emit(buf, "uuid.%pU\n", &ns->uuid);
	if (memchr_inv(ns->nguid, 0, sizeof(ns->nguid)))
		return sysfs_emit(buf, "eui.%16phN\n", ns->nguid);
	if (memchr_inv(ns->eui64, 0, sizeof(ns->eui64)))
		return sysfs_emit(buf, "eui.%8phN\n", ns->eui64);
	return sysfs_emit(buf, "nvme.%04x-%*phN-%*phN-%08x\n", ctrl->vid,
			  (int)strlen(ctrl->serial), ctrl->serial,
			  (int)strlen(ctrl->model), ctrl->model, ns->nsid);
}
static DEVICE_ATTR_RO(wwid);

/*
 * A read-only attribute of a namespace's disk (@_obj ns) or of a controller
 * device (@_obj ctrl): @_fmt of @_expr, which may use @_obj.
 */
#define NVMP_ATTR_RO(_obj, _name, _fmt, _expr)				\
static ssize_t _name##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	typeof(nvmp_dev_##_obj(dev)) _obj = nvmp_dev_##_obj(dev);	\
									\
	return sysfs_emit(buf, _fmt "\n", _expr);			\
}									\
static DEVICE_ATTR_RO(_name)

NVMP_ATTR_RO(ns, nguid, "%pU", ns->nguid);

/* Without a UUID, the NGUID in UUID form, as nvme-core has it. */
static ssize_t uuid_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct nvmp_ns *ns = nvmp_dev_ns(dev);

	if (uuid_is_null(&ns->uuid))
		return sysfs_emit(buf, "%pU\n", ns->nguid);
	return sysfs_emit(buf, "%pU\n", &ns->uuid);
}
static DEVICE_ATTR_RO(uuid);

NVMP_ATTR_RO(ns, eui, "%8ph", ns->eui64);
NVMP_ATTR_RO(ns, nsid, "%u", ns->nsid);

static struct attribute *nvmp_ns_attrs[] = {
	&dev_attr_wwid.attr,
	&dev_attr_uuid.attr,
	&dev_attr_nguid.attr,
	&dev_attr_eui.attr,
	&nvmp_attr_csi.attr.attr,
	&dev_attr_nsid.attr,
	&nvmp_attr_metadata_bytes.attr.attr,
	NULL,
};

/* Identifiers the namespace does not have are not shown. */
static umode_t nvmp_ns_attr_visible(struct kobject *kobj, struct attribute *a,
				    int n)
{
	struct nvmp_ns *ns = nvmp_dev_ns(kobj_to_dev(kobj));
	bool nguid = memchr_inv(ns->nguid, 0, sizeof(ns->nguid));

	if (a == &dev_attr_uuid.attr && uuid_is_null(&ns->uuid) && !nguid)
		return 0;
	if (a == &dev_attr_nguid.attr && !nguid)
		return 0;
	if (a == &dev_attr_eui.attr && !memchr_inv(ns->eui64, 0, sizeof(ns->eui64)))
		return 0;
	return a->mode;
}

static const struct attribute_group nvmp_ns_attr_group = {
	.attrs = nvmp_ns_attrs,
	.is_visible = nvmp_ns_attr_visible,
};

static const struct attribute_group *nvmp_ns_attr_groups[] = {
	&nvmp_ns_attr_group,
	NULL,
};

/* The disk's last reference is gone: so is the namespace. */
static void nvmp_free_disk(struct gendisk *disk)
{
	struct nvmp_ns *ns = disk->private_data;

	nvmp_ctrl_put(ns->ctrl);
	kfree(ns);
}

static const struct block_device_operations nvmp_bdev_ops = {
	.owner = THIS_MODULE,
	.ioctl = nvmp_bdev_ioctl,
	.compat_ioctl = blkdev_compat_ptr_ioctl,
	.free_disk = nvmp_free_disk,
};

/* The caller holds ns_lock. */
struct nvmp_ns *nvmp_find_ns(struct nvmp_ctrl *ctrl, u32 nsid)
{
	struct nvmp_ns *ns;

	list_for_each_entry(ns, &ctrl->namespaces, list)
		if (ns->nsid == nsid)
			return ns;
	return NULL;
}

static int nvmp_identify_ns(struct nvmp_ctrl *ctrl, u32 nsid,
			    struct nvme_id_ns *id)
{
	struct nvme_command c = {};

	c.identify.opcode = nvme_admin_identify;
	c.identify.nsid = cpu_to_le32(nsid);
	c.identify.cns = NVME_ID_CNS_NS;
	return nvmp_admin_sync(ctrl, &c, id, sizeof(*id), NULL);
}

/*
 * Identify Namespace of the NVM command set, for the deallocation
 * granularity and alignment too large for Identify Namespace: NULL when the
 * controller has no such page.
 */
static struct nvme_id_ns_nvm *nvmp_identify_ns_nvm(struct nvmp_ctrl *ctrl,
						   u32 nsid)
{
	struct nvme_command c = {};
	struct nvme_id_ns_nvm *nvm;

	if (ctrl->vs < NVME_VS(1, 2, 0))
		return NULL;
	nvm = kzalloc_obj(*nvm);
	if (!nvm)
		return NULL;
	c.identify.opcode = nvme_admin_identify;
	c.identify.nsid = cpu_to_le32(nsid);
	c.identify.cns = NVME_ID_CNS_CS_NS;
	c.identify.csi = NVME_CSI_NVM;
	if (nvmp_admin_sync(ctrl, &c, nvm, sizeof(*nvm), NULL)) {
		kfree(nvm);
		return NULL;
	}
	return nvm;
}

/* One descriptor of the Namespace Identification Descriptor list. */
static void nvmp_ns_id_desc(struct nvmp_ns *ns, const struct nvme_ns_id_desc *d)
{
	const void *val = d + 1;

	switch (d->nidt) {
	case NVME_NIDT_EUI64:
		if (d->nidl == NVME_NIDT_EUI64_LEN)
			memcpy(ns->eui64, val, sizeof(ns->eui64));
		break;
	case NVME_NIDT_NGUID:
		if (d->nidl == NVME_NIDT_NGUID_LEN)
			memcpy(ns->nguid, val, sizeof(ns->nguid));
		break;
	case NVME_NIDT_UUID:
		if (d->nidl == NVME_NIDT_UUID_LEN)
			import_uuid(&ns->uuid, val);
		break;
	}
}

/*
 * The namespace's globally unique identifiers: the descriptor list (NVMe
 * 1.3), then Identify Namespace for what it did not give.  Controllers
 * known to report identifiers that are not unique get none, so that no
 * by-id link of one disk points at another.
 */
static void nvmp_ns_ids(struct nvmp_ns *ns, const struct nvme_id_ns *id)
{
	struct nvmp_ctrl *ctrl = ns->ctrl;
	struct nvme_command c = {};
	unsigned int pos = 0;
	u8 *list;

	if (ctrl->bogus_nid)
		return;
	if (ctrl->vs >= NVME_VS(1, 3, 0)) {
		list = kzalloc(NVME_IDENTIFY_DATA_SIZE, GFP_KERNEL);
		c.identify.opcode = nvme_admin_identify;
		c.identify.nsid = cpu_to_le32(ns->nsid);
		c.identify.cns = NVME_ID_CNS_NS_DESC_LIST;
		if (list && !nvmp_admin_sync(ctrl, &c, list,
					     NVME_IDENTIFY_DATA_SIZE, NULL)) {
			while (pos + sizeof(struct nvme_ns_id_desc) <=
			       NVME_IDENTIFY_DATA_SIZE) {
				struct nvme_ns_id_desc *d = (void *)(list + pos);

				if (!d->nidl ||
				    pos + sizeof(*d) + d->nidl > NVME_IDENTIFY_DATA_SIZE)
					break;
				nvmp_ns_id_desc(ns, d);
				pos += sizeof(*d) + d->nidl;
			}
		}
		kfree(list);
	}
	if (ctrl->vs >= NVME_VS(1, 1, 0) &&
	    !memchr_inv(ns->eui64, 0, sizeof(ns->eui64)))
		memcpy(ns->eui64, id->eui64, sizeof(ns->eui64));
	if (ctrl->vs >= NVME_VS(1, 2, 0) &&
	    !memchr_inv(ns->nguid, 0, sizeof(ns->nguid)))
		memcpy(ns->nguid, id->nguid, sizeof(ns->nguid));
}

/*
 * Block size, atomicity, preferred granularities and the deallocation
 * limits, from Identify: what a file system sizes its blocks and aligns
 * its writes and discards by.
 */
static void nvmp_ns_limits(struct nvmp_ns *ns, const struct nvme_id_ns *id,
			   const struct nvme_id_ns_nvm *nvm,
			   struct queue_limits *lim)
{
	struct nvmp_ctrl *ctrl = ns->ctrl;
	u32 bs = 1U << ns->lba_shift;
	u32 pref = bs, opt = 0, dgran = 1, dalign = 1;
	u32 noiob = le16_to_cpu(id->noiob);
	u8 perf = id->nsfeat >> NVME_NS_FEAT_OPTPERF_SHIFT;

	/* NVMe 2.1 added a second bit to OPTPERF: the 32-bit NPDGL, NPDAL. */
	perf &= ctrl->vs >= NVME_VS(2, 1, 0) ? NVME_NS_FEAT_OPTPERF_MASK_2_1 :
					      NVME_NS_FEAT_OPTPERF_MASK;

	/*
	 * Atomic on power failure: NAWUPF, when the namespace has one and
	 * its boundaries start at LBA 0; AWUPF of the controller is not
	 * trusted.  Else a single block.
	 */
	ns->atomic_bytes = bs;
	ns->atomic_boundary = 0;
	if ((id->nsfeat & NVME_NS_FEAT_ATOMICS) && id->nawupf && !id->nabo) {
		ns->atomic_bytes = bs * (le16_to_cpu(id->nawupf) + 1);
		if (id->nabspf)
			ns->atomic_boundary = bs * (le16_to_cpu(id->nabspf) + 1);
	}
	if (!id->nabo) {
		lim->atomic_write_hw_max = ns->atomic_bytes;
		lim->atomic_write_hw_boundary = ns->atomic_boundary;
		lim->atomic_write_hw_unit_min = bs;
		lim->atomic_write_hw_unit_max = rounddown_pow_of_two(ns->atomic_bytes);
		lim->features |= BLK_FEAT_ATOMIC_WRITES;
	}

	if (perf) {
		pref = bs * (le16_to_cpu(id->npwg) + 1);
		if (id->nows)
			opt = bs * (le16_to_cpu(id->nows) + 1);
	}
	lim->logical_block_size = bs;
	/* A file system takes a physical block for a unit no crash tears. */
	lim->physical_block_size = min(pref, ns->atomic_bytes);
	lim->io_min = pref;
	lim->io_opt = opt;
	if (noiob && is_power_of_2(noiob))
		lim->chunk_sectors = noiob << (ns->lba_shift - SECTOR_SHIFT);

	if (ctrl->oncs & NVME_CTRL_ONCS_WRITE_ZEROES)
		/* The command's block count is 16 bits wide. */
		lim->max_write_zeroes_sectors =
			min_t(u64, ctrl->max_zeroes_sectors,
			      0x10000ULL << (ns->lba_shift - SECTOR_SHIFT));
	/* DLFEAT: deallocated blocks read as zeroes, and DEAC is honoured. */
	ns->deac = (id->dlfeat & 0x7) == 0x1 && (id->dlfeat & BIT(3));
	if (ns->deac)
		lim->max_hw_wzeroes_unmap_sectors = lim->max_write_zeroes_sectors;

	if (!(ctrl->oncs & NVME_CTRL_ONCS_DSM))
		return;
	lim->max_hw_discard_sectors = UINT_MAX;
	if (ctrl->dmrsl &&
	    ctrl->dmrsl <= UINT_MAX >> (ns->lba_shift - SECTOR_SHIFT))
		lim->max_hw_discard_sectors =
			ctrl->dmrsl << (ns->lba_shift - SECTOR_SHIFT);
	lim->max_discard_segments = ctrl->dmrl ?: NVMP_MAX_DSM;
	/*
	 * One granularity for both the length and the start of a discard:
	 * the larger of the preferred deallocate granularity and alignment,
	 * 32-bit (NPDGL, NPDAL) where given, else 16-bit (NPDG, NPDA).
	 */
	if ((perf & 0x2) && nvm && nvm->npdgl)
		dgran = le32_to_cpu(nvm->npdgl);
	else if (perf & 0x1)
		dgran = le16_to_cpu(id->npdg) + 1;
	if ((perf & 0x2) && nvm && nvm->npdal)
		dalign = le32_to_cpu(nvm->npdal);
	else if (perf)
		dalign = le16_to_cpu(id->npda) + 1;
	if (check_mul_overflow(max(dgran, dalign), bs, &lim->discard_granularity))
		lim->discard_granularity = bs;
}

/*
 * Rotational media, and a namespace without the controller's volatile write
 * cache: in the command set independent Identify Namespace, which NVMe 2.0
 * controllers (and those with CAP.CRMS.CRIMS) have.
 */
static void nvmp_ns_features(struct nvmp_ctrl *ctrl, u32 nsid,
			     struct queue_limits *lim)
{
	struct nvme_id_ns_cs_indep *id;
	struct nvme_command c = {};

	if (ctrl->vwc & NVME_CTRL_VWC_PRESENT)
		lim->features |= BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA;
	if (!(ctrl->cap & NVME_CAP_CRMS_CRIMS) && ctrl->vs < NVME_VS(2, 0, 0))
		return;
	id = kzalloc_obj(*id);
	if (!id)
		return;
	c.identify.opcode = nvme_admin_identify;
	c.identify.nsid = cpu_to_le32(nsid);
	c.identify.cns = NVME_ID_CNS_NS_CS_INDEP;
	if (!nvmp_admin_sync(ctrl, &c, id, sizeof(*id), NULL)) {
		if (id->nsfeat & NVME_NS_ROTATIONAL)
			lim->features |= BLK_FEAT_ROTATIONAL;
		if (id->nsfeat & NVME_NS_VWC_NOT_PRESENT)
			lim->features &= ~(BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA);
	}
	kfree(id);
}

static void nvmp_alloc_ns(struct nvmp_ctrl *ctrl, u32 nsid)
{
	struct queue_limits lim = {};
	struct nvme_id_ns_nvm *nvm;
	struct nvme_id_ns *id;
	struct gendisk *disk;
	struct nvmp_ns *ns;
	u8 lbaf;
	int ret;

	id = kzalloc_obj(*id);
	if (!id)
		return;
	ret = nvmp_identify_ns(ctrl, nsid, id);
	if (ret || !id->ncap)
		goto out_id;
	lbaf = nvme_lbaf_index(id->flbas);
	if (id->lbaf[lbaf].ms) {
		dev_warn(ctrl->dev, "namespace %u has metadata, not supported yet: skipped\n",
			 nsid);
		goto out_id;
	}
	if (id->lbaf[lbaf].ds < SECTOR_SHIFT || id->lbaf[lbaf].ds > PAGE_SHIFT) {
		dev_warn(ctrl->dev, "namespace %u: block size 2^%u not supported: skipped\n",
			 nsid, id->lbaf[lbaf].ds);
		goto out_id;
	}

	ns = kzalloc_obj(*ns);
	if (!ns)
		goto out_id;
	/* Dropped with the namespace, when its disk is released. */
	kref_get(&ctrl->ref);
	ns->ctrl = ctrl;
	ns->nsid = nsid;
	ns->lba_shift = id->lbaf[lbaf].ds;
	ns->ro = id->nsattr & NVME_NS_ATTR_RO;
	nvmp_ns_ids(ns, id);

	nvm = nvmp_identify_ns_nvm(ctrl, nsid);
	nvmp_ns_limits(ns, id, nvm, &lim);
	kfree(nvm);
	lim.max_hw_sectors = ctrl->max_hw_sectors;
	lim.max_segments = NVMP_MAX_SEGS;
	lim.virt_boundary_mask = NVMP_PAGE - 1;
	lim.dma_alignment = 3;
	nvmp_ns_features(ctrl, nsid, &lim);
	/*
	 * User buffers in peer memory may reach the iterator, which sorts
	 * out per request whether this device can get at them
	 * (block/dma-p2p.c).
	 */
	if (dma_pci_p2pdma_supported(ctrl->dev))
		lim.features |= BLK_FEAT_PCI_P2PDMA;

	disk = blk_mq_alloc_disk(&ctrl->io_set, &lim, ns);
	if (IS_ERR(disk))
		goto out_ns;
	disk->fops = &nvmp_bdev_ops;
	disk->private_data = ns;
	snprintf(disk->disk_name, DISK_NAME_LEN, "nvme%dn%u", ctrl->instance,
		 nsid);
	set_capacity(disk, le64_to_cpu(id->nsze) << (ns->lba_shift - SECTOR_SHIFT));
	set_disk_ro(disk, ns->ro);
	ns->disk = disk;
	/* Under the controller device nvme<N>, as the in-tree driver's disks. */
	ret = device_add_disk(&ctrl->cdev_device, disk, nvmp_ns_attr_groups);
	if (ret) {
		/* Never added: free_disk is not called. */
		put_disk(disk);
		goto out_ns;
	}
	list_add_tail(&ns->list, &ctrl->namespaces);
	ret = nvmp_ns_cdev_add(ns);
	if (ret)
		dev_warn(ctrl->dev, "namespace %u: no generic device ng%dn%u (%d)\n",
			 nsid, ctrl->instance, nsid, ret);
	kfree(id);
	return;
out_ns:
	nvmp_ctrl_put(ctrl);
	kfree(ns);
out_id:
	kfree(id);
}

/* The namespace itself goes with the disk's last reference (free_disk). */
static void nvmp_remove_ns(struct nvmp_ns *ns)
{
	struct gendisk *disk = ns->disk;

	list_del(&ns->list);
	nvmp_ns_cdev_del(ns);
	del_gendisk(disk);
	put_disk(disk);
}

/* Add namespaces that appeared, remove those that went away. */
int nvmp_scan(struct nvmp_ctrl *ctrl)
{
	struct nvmp_ns *ns, *next;
	struct nvme_command c = {};
	__le32 *list;
	unsigned int i;
	int ret;

	list = kzalloc(NVME_IDENTIFY_DATA_SIZE, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	c.identify.opcode = nvme_admin_identify;
	c.identify.cns = NVME_ID_CNS_NS_ACTIVE_LIST;
	ret = nvmp_admin_sync(ctrl, &c, list, NVME_IDENTIFY_DATA_SIZE, NULL);
	if (ret) {
		kfree(list);
		return ret < 0 ? ret : -EIO;
	}
	mutex_lock(&ctrl->ns_lock);
	list_for_each_entry_safe(ns, next, &ctrl->namespaces, list) {
		for (i = 0; i < NVME_IDENTIFY_DATA_SIZE / 4 && list[i]; i++)
			if (le32_to_cpu(list[i]) == ns->nsid)
				break;
		if (i == NVME_IDENTIFY_DATA_SIZE / 4 || !list[i])
			nvmp_remove_ns(ns);
	}
	/*
	 * A rescan through nvme<N>'s attribute may run while the controller
	 * is being removed: once removal started, add nothing (it removes
	 * the namespaces under ns_lock after setting the state).
	 */
	for (i = 0; i < NVME_IDENTIFY_DATA_SIZE / 4 && list[i] &&
	     READ_ONCE(ctrl->state) != NVMP_DELETING; i++) {
		u32 nsid = le32_to_cpu(list[i]);

		if (!nvmp_find_ns(ctrl, nsid))
			nvmp_alloc_ns(ctrl, nsid);
	}
	mutex_unlock(&ctrl->ns_lock);
	kfree(list);
	return 0;
}

static void nvmp_remove_namespaces(struct nvmp_ctrl *ctrl)
{
	struct nvmp_ns *ns, *next;

	mutex_lock(&ctrl->ns_lock);
	list_for_each_entry_safe(ns, next, &ctrl->namespaces, list)
		nvmp_remove_ns(ns);
	mutex_unlock(&ctrl->ns_lock);
}

static void nvmp_mark_disks_dead(struct nvmp_ctrl *ctrl)
{
	struct nvmp_ns *ns;

	mutex_lock(&ctrl->ns_lock);
	list_for_each_entry(ns, &ctrl->namespaces, list)
		blk_mark_disk_dead(ns->disk);
	mutex_unlock(&ctrl->ns_lock);
}

/* --- reset ------------------------------------------------------------------------------ */

static void nvmp_kill(struct nvmp_ctrl *ctrl)
{
	nvmp_change_state(ctrl, NVMP_DEAD);
	nvmp_disable(ctrl, false, true);
	/* Let whatever waits in the queues come out with errors. */
	nvmp_unquiesce_admin(ctrl);
	nvmp_unquiesce_io(ctrl);
}

static void nvmp_reset_work(struct work_struct *work)
{
	struct nvmp_ctrl *ctrl = container_of(work, struct nvmp_ctrl, reset_work);
	int ret;

	if (READ_ONCE(ctrl->state) != NVMP_RESETTING)
		return;
	dev_info(ctrl->dev, "resetting controller\n");
	nvmp_disable(ctrl, false, false);
	ret = nvmp_restart(ctrl);
	if (ret) {
		dev_err(ctrl->dev, "reset failed (%d): removing the controller's disks\n",
			ret);
		nvmp_kill(ctrl);
		nvmp_mark_disks_dead(ctrl);
		return;
	}
	if (!nvmp_change_state(ctrl, NVMP_LIVE)) {
		/* Removal started meanwhile: it finishes the job. */
		nvmp_kill(ctrl);
		return;
	}
	nvmp_unquiesce_io(ctrl);
	dev_info(ctrl->dev, "reset done\n");
}

/* --- resets the PCI core runs ---------------------------------------------------- */

/*
 * A function reset (sysfs "reset", a hypervisor) and AER recovery reset the
 * function under the driver: its registers, queues and shadow doorbells are
 * lost.  Before it, stop the controller and requeue what is in flight; after
 * it, bring the controller back through the reset work and let the requeued
 * requests go.  Nothing waits for a timeout, and nothing is failed.
 *
 * The PCI core (and the PM core, for system sleep below) calls these
 * under the device lock, so probe, removal and each other are excluded;
 * the timeout handler and a reset of our own are not.  Returns false when
 * the controller is dead or being removed, and there is nothing to bring
 * back.  With @shutdown the controller is shut down (CC.SHN), not only
 * disabled.
 */
static bool nvmp_pci_stop(struct nvmp_ctrl *ctrl, bool shutdown)
{
	/* A reset of our own runs to its end first: it may leave it dead. */
	for (;;) {
		flush_work(&ctrl->reset_work);
		if (nvmp_change_state(ctrl, NVMP_RESETTING))
			break;
		if (READ_ONCE(ctrl->state) != NVMP_RESETTING)
			return false;
	}
	nvmp_disable(ctrl, shutdown, false);
	ctrl->pci_stopped = true;
	return true;
}

/* After nvmp_pci_stop() and the reset: 0 once the controller is live. */
static int nvmp_pci_restart(struct nvmp_ctrl *ctrl)
{
	if (ctrl->pci_stopped) {
		ctrl->pci_stopped = false;
		queue_work(nvmp_reset_wq, &ctrl->reset_work);
		flush_work(&ctrl->reset_work);
	}
	return READ_ONCE(ctrl->state) == NVMP_LIVE ? 0 : -EIO;
}

static void nvmp_reset_prepare(struct pci_dev *pdev)
{
	struct nvmp_ctrl *ctrl = pci_get_drvdata(pdev);

	if (nvmp_pci_stop(ctrl, false))
		dev_info(ctrl->dev, "function reset: controller stopped, I/O held\n");
}

static void nvmp_reset_done(struct pci_dev *pdev)
{
	struct nvmp_ctrl *ctrl = pci_get_drvdata(pdev);

	if (ctrl->pci_stopped && !nvmp_pci_restart(ctrl))
		dev_info(ctrl->dev, "function reset: controller back, I/O resumed\n");
}

static pci_ers_result_t nvmp_error_detected(struct pci_dev *pdev,
					    pci_channel_state_t state)
{
	struct nvmp_ctrl *ctrl = pci_get_drvdata(pdev);

	switch (state) {
	case pci_channel_io_normal:
		/* The function still works: nothing to stop. */
		return PCI_ERS_RESULT_CAN_RECOVER;
	case pci_channel_io_frozen:
		dev_warn(ctrl->dev, "PCI error, channel frozen: controller stopped for a reset\n");
		nvmp_pci_stop(ctrl, false);
		return PCI_ERS_RESULT_NEED_RESET;
	case pci_channel_io_perm_failure:
	default:
		dev_err(ctrl->dev, "PCI error the function will not recover from: removing its disks\n");
		ctrl->pci_stopped = false;
		nvmp_kill(ctrl);
		nvmp_mark_disks_dead(ctrl);
		return PCI_ERS_RESULT_DISCONNECT;
	}
}

static pci_ers_result_t nvmp_slot_reset(struct pci_dev *pdev)
{
	struct nvmp_ctrl *ctrl = pci_get_drvdata(pdev);

	pci_restore_state(pdev);
	if (nvmp_pci_restart(ctrl)) {
		dev_err(ctrl->dev, "PCI error recovery: the controller did not come back\n");
		return PCI_ERS_RESULT_DISCONNECT;
	}
	dev_info(ctrl->dev, "PCI error recovery: controller back after the reset\n");
	return PCI_ERS_RESULT_RECOVERED;
}

static void nvmp_error_resume(struct pci_dev *pdev)
{
	struct nvmp_ctrl *ctrl = pci_get_drvdata(pdev);

	/* Recovered without a reset (CAN_RECOVER): nothing was stopped. */
	if (ctrl->pci_stopped)
		nvmp_pci_restart(ctrl);
	dev_info(ctrl->dev, "PCI error recovery done, state %s\n",
		 READ_ONCE(ctrl->state) == NVMP_LIVE ? "live" : "not live");
}

/*
 * System sleep: suspend to RAM and each step of hibernation (freeze, thaw,
 * power-off, restore) shut the controller down with I/O held, as for a
 * reset, and bring it up again from nothing: the platform may have reset
 * or powered it off meanwhile (QEMU resets every device on wakeup).
 */
static int nvmp_pm_suspend(struct device *dev)
{
	struct nvmp_ctrl *ctrl = pci_get_drvdata(to_pci_dev(dev));

	if (nvmp_pci_stop(ctrl, true))
		dev_info(dev, "system sleep: controller shut down, I/O held\n");
	return 0;
}

static int nvmp_pm_resume(struct device *dev)
{
	struct nvmp_ctrl *ctrl = pci_get_drvdata(to_pci_dev(dev));

	if (!ctrl->pci_stopped)
		return 0;
	if (nvmp_pci_restart(ctrl)) {
		/* The reset work failed the I/O and removed the disks. */
		dev_err(dev, "system resume: the controller did not come back\n");
		return 0;
	}
	dev_info(dev, "system resume: controller back, I/O resumed\n");
	return 0;
}

static DEFINE_SIMPLE_DEV_PM_OPS(nvmp_pm_ops, nvmp_pm_suspend, nvmp_pm_resume);

static const struct pci_error_handlers nvmp_err_handler = {
	.error_detected = nvmp_error_detected,
	.slot_reset = nvmp_slot_reset,
	.resume = nvmp_error_resume,
	.reset_prepare = nvmp_reset_prepare,
	.reset_done = nvmp_reset_done,
};

/* --- sysfs ------------------------------------------------------------------------------- */

/*
 * The attributes below live in two places: the folder nvme_phys/ of the PCI
 * device, and the controller device nvme<N>, which also has those of
 * nvme-core's controller devices that tools read.
 */
static struct nvmp_ctrl *nvmp_dev_ctrl(struct device *dev)
{
	return nvmp_class_dev_ctrl(dev) ?: pci_get_drvdata(to_pci_dev(dev));
}

/* An Identify string; on nvme<N> padded to its field, as nvme-core has it. */
static ssize_t nvmp_emit_id(struct device *dev, char *buf, const char *str,
			    int width)
{
	if (nvmp_class_dev_ctrl(dev))
		return sysfs_emit(buf, "%-*s\n", width, str);
	return sysfs_emit(buf, "%s\n", str);
}

static ssize_t model_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return nvmp_emit_id(dev, buf, nvmp_dev_ctrl(dev)->model, 40);
}
static DEVICE_ATTR_RO(model);

static ssize_t serial_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return nvmp_emit_id(dev, buf, nvmp_dev_ctrl(dev)->serial, 20);
}
static DEVICE_ATTR_RO(serial);

static ssize_t firmware_rev_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return nvmp_emit_id(dev, buf, nvmp_dev_ctrl(dev)->fw_rev, 8);
}
static DEVICE_ATTR_RO(firmware_rev);

NVMP_ATTR_RO(ctrl, address, "%s", pci_name(ctrl->pdev));
NVMP_ATTR_RO(ctrl, cntlid, "%u", ctrl->cntlid);
NVMP_ATTR_RO(ctrl, subsysnqn, "%s", ctrl->subnqn);
/* Queues, the admin queue included. */
NVMP_ATTR_RO(ctrl, queue_count, "%u", ctrl->nr_io + ctrl->nr_poll + 1);
/* Entries per I/O submission queue, 0's based. */
NVMP_ATTR_RO(ctrl, sqsize, "%u", ctrl->q_depth - 1);
NVMP_ATTR_RO(ctrl, numa_node, "%d", dev_to_node(ctrl->dev));
NVMP_ATTR_RO(ctrl, instance, "nvme%d", ctrl->instance);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	static const char *const names[] = {
		[NVMP_NEW] = "new", [NVMP_LIVE] = "live",
		[NVMP_RESETTING] = "resetting", [NVMP_DELETING] = "deleting",
		[NVMP_DEAD] = "dead",
	};

	return sysfs_emit(buf, "%s\n", names[READ_ONCE(nvmp_dev_ctrl(dev)->state)]);
}
static DEVICE_ATTR_RO(state);

static ssize_t dma_path_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	int path = nvmp_dma_get_path(&nvmp_dev_ctrl(dev)->dma);

	return sysfs_emit(buf, "%s\n", nvmp_dma_path_name(path));
}

static ssize_t dma_path_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t count)
{
	int path = nvmp_dma_path_parse(buf);

	if (path < 0)
		return path;
	nvmp_dma_set_path(&nvmp_dev_ctrl(dev)->dma, path);
	return count;
}
static DEVICE_ATTR_RW(dma_path);

/*
 * An action attribute: writing "1" (or "y", "on") runs @action on the
 * controller and returns once it is done; anything else is -EINVAL.
 */
static ssize_t nvmp_trigger(struct device *dev, const char *buf, size_t count,
			    int (*action)(struct nvmp_ctrl *ctrl))
{
	bool val;
	int ret;

	if (kstrtobool(buf, &val) || !val)
		return -EINVAL;
	ret = action(nvmp_dev_ctrl(dev));
	return ret ? ret : count;
}

static int nvmp_rescan_live(struct nvmp_ctrl *ctrl)
{
	if (READ_ONCE(ctrl->state) != NVMP_LIVE)
		return -EBUSY;
	return nvmp_scan(ctrl);
}

/* The controller is back (or dead) when the write returns. */
static ssize_t reset_controller_store(struct device *dev,
				      struct device_attribute *attr,
				      const char *buf, size_t count)
{
	return nvmp_trigger(dev, buf, count, nvmp_reset_sync);
}
static DEVICE_ATTR_WO(reset_controller);

static ssize_t rescan_controller_store(struct device *dev,
				       struct device_attribute *attr,
				       const char *buf, size_t count)
{
	return nvmp_trigger(dev, buf, count, nvmp_rescan_live);
}
static DEVICE_ATTR_WO(rescan_controller);

static struct attribute *nvmp_attrs[] = {
	&dev_attr_model.attr,
	&dev_attr_serial.attr,
	&dev_attr_firmware_rev.attr,
	&dev_attr_instance.attr,
	&dev_attr_state.attr,
	&dev_attr_dma_path.attr,
	&dev_attr_reset_controller.attr,
	&dev_attr_rescan_controller.attr,
	NULL,
};

static const struct attribute_group nvmp_attr_group = {
	.name = "nvme_phys",
	.attrs = nvmp_attrs,
};

static const struct attribute_group *nvmp_attr_groups[] = {
	&nvmp_attr_group,
	NULL,
};

static struct attribute *nvmp_ctrl_dev_attrs[] = {
	&dev_attr_model.attr,
	&dev_attr_serial.attr,
	&dev_attr_firmware_rev.attr,
	&nvmp_attr_transport.attr.attr,
	&dev_attr_address.attr,
	&dev_attr_state.attr,
	&dev_attr_cntlid.attr,
	&dev_attr_subsysnqn.attr,
	&dev_attr_queue_count.attr,
	&dev_attr_sqsize.attr,
	&dev_attr_numa_node.attr,
	&nvmp_attr_kato.attr.attr,
	&dev_attr_reset_controller.attr,
	&dev_attr_rescan_controller.attr,
	NULL,
};

static const struct attribute_group nvmp_ctrl_dev_group = {
	.attrs = nvmp_ctrl_dev_attrs,
};

static const struct attribute_group *nvmp_ctrl_dev_groups[] = {
	&nvmp_ctrl_dev_group,
	NULL,
};

/* --- debugfs ------------------------------------------------------------------------------- */

static int nvmp_atomic_get(void *data, u64 *val)
{
	*val = atomic_read(data);
	return 0;
}

static int nvmp_atomic_set(void *data, u64 val)
{
	if (val > INT_MAX)
		return -EINVAL;
	atomic_set(data, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(nvmp_atomic_fops, nvmp_atomic_get, nvmp_atomic_set,
			 "%llu\n");

static int nvmp_dptr_show(struct seq_file *m, void *v)
{
	struct nvmp_ctrl *ctrl = m->private;
	u64 prp = 0, sgl = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		prp += per_cpu_ptr(ctrl->dptr_stats, cpu)->prp;
		sgl += per_cpu_ptr(ctrl->dptr_stats, cpu)->sgl;
	}
	seq_printf(m, "prp %llu\nsgl %llu\n", prp, sgl);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nvmp_dptr);

/*
 * Doorbell traffic, summed over the I/O queues since the last reset of the
 * counters (writing 0): how many new SQ tails and CQ heads were published
 * and how many of them needed an MMIO write.
 */
static int nvmp_doorbells_show(struct seq_file *m, void *v)
{
	struct nvmp_ctrl *ctrl = m->private;
	struct nvmp_db_stats sum = { };
	bool shadow = false;
	unsigned int i;

	for (i = 1; i < ctrl->nr_queues; i++) {
		struct nvmp_queue *q = &ctrl->queues[i];

		shadow |= !!READ_ONCE(q->sq_shadow.db);
		sum.sq_updates += READ_ONCE(q->db_stats.sq_updates);
		sum.sq_mmio += READ_ONCE(q->db_stats.sq_mmio);
		sum.commands += READ_ONCE(q->db_stats.commands);
		sum.batched += READ_ONCE(q->db_stats.batched);
		sum.cq_updates += READ_ONCE(q->db_stats.cq_updates);
		sum.cq_mmio += READ_ONCE(q->db_stats.cq_mmio);
		sum.completions += READ_ONCE(q->db_stats.completions);
	}
	seq_printf(m, "shadow %d\ncommands %llu\nbatched %llu\nbatch_left %ld\n"
		   "sq_updates %llu\nsq_mmio %llu\n"
		   "completions %llu\ncq_updates %llu\ncq_mmio %llu\n",
		   shadow, sum.commands, sum.batched,
		   atomic_long_read(&ctrl->batch_left), sum.sq_updates,
		   sum.sq_mmio, sum.completions, sum.cq_updates, sum.cq_mmio);
	return 0;
}

static ssize_t nvmp_doorbells_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct nvmp_ctrl *ctrl = ((struct seq_file *)file->private_data)->private;
	unsigned int i, val;
	int ret;

	ret = kstrtouint_from_user(ubuf, count, 0, &val);
	if (ret)
		return ret;
	if (val)
		return -EINVAL;
	atomic_long_set(&ctrl->batch_left, 0);
	for (i = 1; i < ctrl->nr_queues; i++) {
		struct nvmp_queue *q = &ctrl->queues[i];

		spin_lock_irq(&q->sq_lock);
		q->db_stats.commands = 0;
		q->db_stats.batched = 0;
		q->db_stats.sq_updates = 0;
		q->db_stats.sq_mmio = 0;
		spin_unlock_irq(&q->sq_lock);
		spin_lock_irq(&q->cq_lock);
		q->db_stats.completions = 0;
		q->db_stats.cq_updates = 0;
		q->db_stats.cq_mmio = 0;
		spin_unlock_irq(&q->cq_lock);
	}
	return count;
}
DEFINE_SHOW_STORE_ATTRIBUTE(nvmp_doorbells);

static void nvmp_debugfs_init(struct nvmp_ctrl *ctrl)
{
	char name[24];

	snprintf(name, sizeof(name), "nvme%d", ctrl->instance);
	ctrl->debugfs = debugfs_create_dir(name, nvmp_debugfs_root);
	debugfs_create_file_unsafe("drop_completions", 0600, ctrl->debugfs,
				   &ctrl->drop_completions, &nvmp_atomic_fops);
	debugfs_create_file_unsafe("fail_mappings", 0600, ctrl->debugfs,
				   &ctrl->fail_mappings, &nvmp_atomic_fops);
	debugfs_create_file("data_pointers", 0400, ctrl->debugfs, ctrl,
			    &nvmp_dptr_fops);
	debugfs_create_file("doorbells", 0600, ctrl->debugfs, ctrl,
			    &nvmp_doorbells_fops);
	nvmp_dma_stats_debugfs(&ctrl->dma, ctrl->debugfs);
}

/*
 * Controllers whose namespace identifiers (EUI-64, NGUID, UUID) are known
 * not to be unique, QEMU's among them: their disks get a wwid made of the
 * serial and model, as under the in-tree driver, and no eui/uuid links.
 */
static const struct pci_device_id nvmp_bogus_nid_table[] = {
	{ PCI_VDEVICE(REDHAT, 0x0010) },
	{ PCI_VDEVICE(INTEL, 0x0a54) },
	{ PCI_VDEVICE(INTEL, 0x5845) },
	{ PCI_DEVICE(0x025e, 0xf1ac) },
	{ PCI_DEVICE(0x10ec, 0x5762) },
	{ PCI_DEVICE(0x10ec, 0x5763) },
	{ PCI_DEVICE(0x10ec, 0x5765) },
	{ PCI_DEVICE(0x126f, 0x2262) },
	{ PCI_DEVICE(0x126f, 0x2263) },
	{ PCI_DEVICE(0x1344, 0x6001) },
	{ PCI_DEVICE(0x144d, 0xa802) },
	{ PCI_DEVICE(0x144d, 0xa80b) },
	{ PCI_DEVICE(0x1987, 0x5012) },
	{ PCI_DEVICE(0x1987, 0x5016) },
	{ PCI_DEVICE(0x1c5c, 0x174a) },
	{ PCI_DEVICE(0x1cc1, 0x33f8) },
	{ PCI_DEVICE(0x1cc1, 0x5350) },
	{ PCI_DEVICE(0x1d97, 0x1d97) },
	{ PCI_DEVICE(0x1d97, 0x2263) },
	{ PCI_DEVICE(0x1d97, 0x2269) },
	{ PCI_DEVICE(0x1dbe, 0x5216) },
	{ PCI_DEVICE(0x1dbe, 0x5236) },
	{ PCI_DEVICE(0x1e4b, 0x1001) },
	{ PCI_DEVICE(0x1e4b, 0x1002) },
	{ PCI_DEVICE(0x1e4b, 0x1202) },
	{ PCI_DEVICE(0x1e4b, 0x1602) },
	{ PCI_DEVICE(0x1f40, 0x1202) },
	{ PCI_DEVICE(0x1f40, 0x5236) },
	{ PCI_DEVICE(0xc0a9, 0x540a) },
	{ 0, }
};

/* --- PCI driver ------------------------------------------------------------------------------ */

static void nvmp_teardown(struct nvmp_ctrl *ctrl)
{
	/* First, so that no reader of a debugfs file sees what is freed below. */
	debugfs_remove_recursive(ctrl->debugfs);
	ctrl->debugfs = NULL;
	if (ctrl->io_set_ready) {
		blk_mq_free_tag_set(&ctrl->io_set);
		ctrl->io_set_ready = false;
	}
	if (ctrl->admin_q) {
		nvmp_unquiesce_admin(ctrl);
		blk_mq_destroy_queue(ctrl->admin_q);
		blk_put_queue(ctrl->admin_q);
		blk_mq_free_tag_set(&ctrl->admin_set);
		ctrl->admin_q = NULL;
	}
	nvmp_free_irqs(ctrl);
	pci_free_irq_vectors(ctrl->pdev);
	nvmp_free_queues(ctrl);
	nvmp_dbbuf_free(ctrl);
	nvmp_dma_dev_exit(&ctrl->dma);
	dma_pool_destroy(ctrl->list_pool);
	if (ctrl->bar)
		iounmap(ctrl->bar);
	pci_release_mem_regions(ctrl->pdev);
	pci_disable_device(ctrl->pdev);
	free_percpu(ctrl->dptr_stats);
	ida_free(&nvmp_ida, ctrl->instance);
	nvmp_ctrl_put(ctrl);
}

static int nvmp_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct nvmp_ctrl *ctrl;
	int ret;

	ctrl = kzalloc_obj(*ctrl);
	if (!ctrl)
		return -ENOMEM;
	ctrl->pdev = pdev;
	ctrl->dev = &pdev->dev;
	ctrl->bogus_nid = pci_match_id(nvmp_bogus_nid_table, pdev);
	ctrl->state = NVMP_NEW;
	spin_lock_init(&ctrl->state_lock);
	kref_init(&ctrl->ref);
	init_waitqueue_head(&ctrl->users_wq);
	mutex_init(&ctrl->ns_lock);
	INIT_LIST_HEAD(&ctrl->namespaces);
	INIT_WORK(&ctrl->reset_work, nvmp_reset_work);
	ret = ida_alloc_min(&nvmp_ida, first_instance, GFP_KERNEL);
	if (ret < 0) {
		kfree(ctrl);
		return ret;
	}
	ctrl->instance = ret;
	ctrl->queues = kcalloc(num_possible_cpus() + poll_queues + 1,
			       sizeof(*ctrl->queues), GFP_KERNEL);
	if (!ctrl->queues) {
		ida_free(&nvmp_ida, ctrl->instance);
		kfree(ctrl);
		return -ENOMEM;
	}
	pci_set_drvdata(pdev, ctrl);

	ret = pci_enable_device_mem(pdev);
	if (ret)
		goto out_free;
	pci_set_master(pdev);
	ret = dma_set_mask_and_coherent(ctrl->dev, DMA_BIT_MASK(64));
	if (ret)
		goto out;
	/* PRPs need each mapping to keep its offset inside a controller page. */
	dma_set_min_align_mask(ctrl->dev, NVMP_PAGE - 1);
	dma_set_max_seg_size(ctrl->dev, UINT_MAX);
	ret = pci_request_mem_regions(pdev, NVMP_NAME);
	if (ret)
		goto out;
	ctrl->bar = ioremap(pci_resource_start(pdev, 0), pci_resource_len(pdev, 0));
	if (!ctrl->bar) {
		ret = -ENOMEM;
		goto out;
	}
	if (readl(ctrl->bar + NVME_REG_CSTS) == ~0U) {
		ret = -ENODEV;
		goto out;
	}
	ctrl->cap = lo_hi_readq(ctrl->bar + NVME_REG_CAP);
	ctrl->vs = readl(ctrl->bar + NVME_REG_VS);
	ctrl->db_stride = 1U << NVME_CAP_STRIDE(ctrl->cap);
	ctrl->q_depth = clamp_t(u32, NVME_CAP_MQES(ctrl->cap) + 1, 2,
				io_queue_depth);
	dev_info(ctrl->dev,
		 "nvme%d: CAP 0x%016llx VS 0x%08x (NVMe %u.%u.%u): MQES %llu DSTRD %llu TO %u ms\n",
		 ctrl->instance, ctrl->cap, ctrl->vs, NVME_MAJOR(ctrl->vs),
		 NVME_MINOR(ctrl->vs), NVME_TERTIARY(ctrl->vs),
		 NVME_CAP_MQES(ctrl->cap), NVME_CAP_STRIDE(ctrl->cap),
		 nvmp_cap_timeout_ms(ctrl));
	if (NVME_CAP_MPSMIN(ctrl->cap) + 12 > NVMP_PAGE_SHIFT) {
		dev_err(ctrl->dev, "controller page size above 4 KiB not supported\n");
		ret = -ENODEV;
		goto out;
	}
	ctrl->list_pool = dma_pool_create("nvme-phys lists", ctrl->dev,
					  NVMP_PAGE, NVMP_PAGE, 0);
	ctrl->dptr_stats = alloc_percpu(struct nvmp_dptr_stats);
	if (!ctrl->list_pool || !ctrl->dptr_stats) {
		ret = -ENOMEM;
		goto out;
	}
	ret = nvmp_dma_dev_init(&ctrl->dma, ctrl->dev, NVMP_MAX_SEGS);
	if (ret)
		goto out;
	nvmp_dma_set_path(&ctrl->dma, READ_ONCE(default_path));

	ret = nvmp_setup_admin(ctrl);
	if (ret)
		goto out_disable;
	ret = nvmp_setup_io(ctrl);
	if (ret)
		goto out_disable;
	nvmp_debugfs_init(ctrl);
	if (!nvmp_change_state(ctrl, NVMP_LIVE)) {
		ret = -ENODEV;
		goto out_disable;
	}
	dev_info(ctrl->dev,
		 "nvme%d: %s (fw %s), %u/%u interrupt/poll queues of depth %u, %u vectors, %s doorbells, dma_path %s%s\n",
		 ctrl->instance, ctrl->model, ctrl->fw_rev, ctrl->nr_io,
		 ctrl->nr_poll, ctrl->q_depth, ctrl->nr_vecs,
		 ctrl->dbbuf_dbs ? "shadow" : "MMIO",
		 nvmp_dma_path_name(nvmp_dma_get_path(&ctrl->dma)),
		 ctrl->dma.iova_capable ? ", IOVA batching available" : "");
	/* The parent of the disks: without it, no disks. */
	ret = nvmp_ctrl_cdev_add(ctrl, nvmp_ctrl_dev_groups);
	if (ret) {
		dev_err(ctrl->dev, "no controller device nvme%d (%d)\n",
			ctrl->instance, ret);
		goto out_disable;
	}
	nvmp_scan(ctrl);
	return 0;

out_disable:
	nvmp_disable(ctrl, false, true);
out:
	nvmp_teardown(ctrl);
	return ret;
out_free:
	ida_free(&nvmp_ida, ctrl->instance);
	kfree(ctrl->queues);
	kfree(ctrl);
	return ret;
}

static const struct pci_device_id nvmp_id_table[] = {
	{ PCI_DEVICE_CLASS(PCI_CLASS_STORAGE_EXPRESS, 0xffffff) },
	{ 0, }
};
MODULE_DEVICE_TABLE(pci, nvmp_id_table);

/* --- functions that stay with nvme-phys across removal --------------------------- */

/*
 * Removing a PCI function and rescanning the bus (sysfs, a hot-plug slot)
 * makes a new device without the driver_override that gave it to
 * nvme-phys, and the in-tree driver, which matches NVMe controllers by
 * class as nvme-phys does and was registered first, would take it.  So the
 * address of each function nvme-phys lets go of is kept, and a controller
 * that appears there gets driver_override "nvme-phys" before any driver
 * looks at it.  A function that another driver binds meanwhile is
 * forgotten: someone gave it away.
 */
struct nvmp_claim {
	struct list_head list;
	int domain;
	unsigned int bus;
	unsigned int devfn;
};

static LIST_HEAD(nvmp_claims);
static DEFINE_MUTEX(nvmp_claims_lock);	/* nvmp_claims */

static struct nvmp_claim *nvmp_find_claim(struct pci_dev *pdev)
{
	struct nvmp_claim *c;

	lockdep_assert_held(&nvmp_claims_lock);
	list_for_each_entry(c, &nvmp_claims, list)
		if (c->domain == pci_domain_nr(pdev->bus) &&
		    c->bus == pdev->bus->number && c->devfn == pdev->devfn)
			return c;
	return NULL;
}

/* Without memory for the entry, the function goes to whoever takes it. */
static void nvmp_remember(struct pci_dev *pdev)
{
	struct nvmp_claim *c;

	guard(mutex)(&nvmp_claims_lock);
	if (nvmp_find_claim(pdev))
		return;
	c = kzalloc_obj(*c);
	if (!c)
		return;
	c->domain = pci_domain_nr(pdev->bus);
	c->bus = pdev->bus->number;
	c->devfn = pdev->devfn;
	list_add(&c->list, &nvmp_claims);
}

/* Take @pdev's address off the list: true if it was there. */
static bool nvmp_forget(struct pci_dev *pdev)
{
	struct nvmp_claim *c;

	guard(mutex)(&nvmp_claims_lock);
	c = nvmp_find_claim(pdev);
	if (!c)
		return false;
	list_del(&c->list);
	kfree(c);
	return true;
}

static void nvmp_forget_all(void)
{
	struct nvmp_claim *c, *next;

	guard(mutex)(&nvmp_claims_lock);
	list_for_each_entry_safe(c, next, &nvmp_claims, list) {
		list_del(&c->list);
		kfree(c);
	}
}

static int nvmp_pci_notify(struct notifier_block *nb, unsigned long action,
			   void *data)
{
	struct pci_dev *pdev = to_pci_dev(data);

	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		/* Before the PCI core matches a driver to the new device. */
		if (!nvmp_forget(pdev) || !pci_match_id(nvmp_id_table, pdev) ||
		    device_has_driver_override(&pdev->dev))
			break;
		if (!device_set_driver_override(&pdev->dev, NVMP_NAME))
			dev_info(&pdev->dev, "nvme-phys drove this function before its removal: driver_override keeps it\n");
		break;
	case BUS_NOTIFY_BOUND_DRIVER:
		nvmp_forget(pdev);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block nvmp_pci_nb = {
	.notifier_call = nvmp_pci_notify,
};

/*
 * Wait for the passthrough calls still using the queues: nobody enters any
 * more (the state is no longer live).  A healthy controller answers them
 * soon; if it does not, fail them.
 */
static void nvmp_drain_users(struct nvmp_ctrl *ctrl)
{
	if (wait_event_timeout(ctrl->users_wq, nvmp_ctrl_unused(ctrl),
			       READ_ONCE(admin_timeout) * HZ))
		return;
	dev_warn(ctrl->dev, "passthrough commands still running at removal: failing them\n");
	nvmp_kill(ctrl);
	wait_event(ctrl->users_wq, nvmp_ctrl_unused(ctrl));
}

static void nvmp_remove(struct pci_dev *pdev)
{
	struct nvmp_ctrl *ctrl = pci_get_drvdata(pdev);
	bool gone = !pci_device_is_present(pdev);

	nvmp_change_state(ctrl, NVMP_DELETING);
	cancel_work_sync(&ctrl->reset_work);
	if (gone || nvmp_ctrl_dead_regs(ctrl)) {
		/* Nothing will answer: fail what is queued before the disks go. */
		nvmp_kill(ctrl);
		nvmp_mark_disks_dead(ctrl);
	} else {
		/* A reset that was cut short may have left the queues stopped. */
		nvmp_unquiesce_io(ctrl);
	}
	nvmp_drain_users(ctrl);
	/* The disks and generic devices first: nvme<N> is their parent. */
	nvmp_remove_namespaces(ctrl);
	nvmp_ctrl_cdev_del(ctrl);
	nvmp_disable(ctrl, !gone, true);
	nvmp_teardown(ctrl);
	nvmp_remember(pdev);
}

static void nvmp_shutdown(struct pci_dev *pdev)
{
	struct nvmp_ctrl *ctrl = pci_get_drvdata(pdev);

	nvmp_change_state(ctrl, NVMP_DELETING);
	cancel_work_sync(&ctrl->reset_work);
	nvmp_disable(ctrl, true, true);
}

static struct pci_driver nvmp_driver = {
	.name = NVMP_NAME,
	.id_table = nvmp_id_table,
	.probe = nvmp_probe,
	.remove = nvmp_remove,
	.shutdown = nvmp_shutdown,
	.err_handler = &nvmp_err_handler,
	.dev_groups = nvmp_attr_groups,
	.driver = {
		.pm = pm_sleep_ptr(&nvmp_pm_ops),
		.probe_type = PROBE_PREFER_ASYNCHRONOUS,
	},
};

static int nvmp_check_range(const char *name, unsigned int val,
			    unsigned int min, unsigned int max)
{
	if (val >= min && val <= max)
		return 0;
	pr_err(NVMP_NAME ": %s=%u out of range %u..%u\n", name, val, min, max);
	return -EINVAL;
}

static int __init nvmp_init(void)
{
	int ret;

	ret = nvmp_check_range("first_instance", first_instance, 1, 1000000) ?:
	      nvmp_check_range("io_queue_depth", io_queue_depth, 2, 4096) ?:
	      nvmp_check_range("poll_queues", poll_queues, 0, 64) ?:
	      nvmp_check_range("io_timeout", nvmp_io_timeout, 1, 3600) ?:
	      nvmp_check_range("admin_timeout", admin_timeout, 1, 3600);
	if (ret)
		return ret;
	nvmp_reset_wq = alloc_workqueue("nvme-phys-reset",
					WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!nvmp_reset_wq)
		return -ENOMEM;
	ret = nvmp_chrdev_init();
	if (ret) {
		destroy_workqueue(nvmp_reset_wq);
		return ret;
	}
	nvmp_debugfs_root = debugfs_create_dir(NVMP_NAME, NULL);
	ret = bus_register_notifier(&pci_bus_type, &nvmp_pci_nb);
	if (ret)
		goto out_debugfs;
	ret = pci_register_driver(&nvmp_driver);
	if (ret)
		goto out_notifier;
	return 0;

out_notifier:
	bus_unregister_notifier(&pci_bus_type, &nvmp_pci_nb);
	nvmp_forget_all();
out_debugfs:
	debugfs_remove_recursive(nvmp_debugfs_root);
	nvmp_chrdev_exit();
	destroy_workqueue(nvmp_reset_wq);
	return ret;
}

static void __exit nvmp_exit(void)
{
	pci_unregister_driver(&nvmp_driver);
	bus_unregister_notifier(&pci_bus_type, &nvmp_pci_nb);
	nvmp_forget_all();
	debugfs_remove_recursive(nvmp_debugfs_root);
	nvmp_chrdev_exit();
	destroy_workqueue(nvmp_reset_wq);
	ida_destroy(&nvmp_ida);
}

module_init(nvmp_init);
module_exit(nvmp_exit);
MODULE_DESCRIPTION("NVMe PCI driver with physical-segment DMA mapping");
MODULE_LICENSE("GPL");
