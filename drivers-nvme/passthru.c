// SPDX-License-Identifier: GPL-2.0-only
/*
 * nvme-phys passthrough: the controller character device /dev/nvme<N>, the
 * generic namespace device /dev/ng<N>n<M>, the NVMe ioctls on both and on the
 * namespace block devices, and io_uring command passthrough.
 *
 * User buffers are pinned into a passthrough request (REQ_OP_DRV_IN/OUT) with
 * blk_rq_map_user_io(), so their data goes through the same DMA iterator and
 * the same PRP/SGL building as block I/O.
 *
 * Lifetime.  An open file pins its cdev, the cdev pins the struct device it
 * is added with, and that device pins the memory behind it: the controller's
 * device holds a reference on struct nvmp_ctrl, a generic device holds one on
 * its gendisk (whose free_disk frees the namespace, which holds one on the
 * controller).  Memory is therefore never freed under an open file.  Using
 * the controller's queues is another matter: every ioctl and io_uring
 * submission enters the controller (nvmp_ctrl_enter()) and leaves it when it
 * is done with the queues; removal refuses new entries and waits for the
 * ones inside before it frees anything.  After removal every ioctl on a file
 * still open returns -ENODEV.
 */
#include <linux/blkdev.h>
#include <linux/cdev.h>
#include <linux/compat.h>
#include <linux/io_uring/cmd.h>
#include <linux/nvme_ioctl.h>
#include <linux/uio.h>
#include "nvmp.h"

#define NVMP_MINORS	BIT(16)

/* What a passthrough call may do, and how its argument looks. */
#define NVMP_PT_ADMIN	BIT(0)	/* admin queue, else the namespace's queue */
#define NVMP_PT_WIDE	BIT(1)	/* struct nvme_passthru_cmd64 */
#define NVMP_PT_VEC	BIT(2)	/* addr points at an iovec array */
#define NVMP_PT_READ	BIT(3)	/* the file is open for reading */
#define NVMP_PT_WRITE	BIT(4)	/* the file is open for writing */
#define NVMP_PT_PART	BIT(5)	/* through a partition */

static dev_t nvmp_devt;
static DEFINE_IDA(nvmp_minor_ida);
static const struct class nvmp_class = {
	.name = "nvme-phys",
};

/* One command from user space, whichever structure it came in. */
struct nvmp_ucmd {
	struct nvme_command c;
	u64 addr;
	u32 data_len;		/* bytes, or iovecs with NVMP_PT_VEC */
	u32 timeout_ms;
};

/* --- checks ------------------------------------------------------------------ */

/*
 * Admin commands that would pull the driver's own state from under it: its
 * queues, the asynchronous events it does not handle (such a command would
 * never complete), the namespaces' formats (disks are not revalidated).
 */
static bool nvmp_admin_refused(const struct nvme_command *c)
{
	switch (c->common.opcode) {
	case nvme_admin_delete_sq:
	case nvme_admin_create_sq:
	case nvme_admin_delete_cq:
	case nvme_admin_create_cq:
	case nvme_admin_abort_cmd:
	case nvme_admin_async_event:
	case nvme_admin_ns_mgmt:
	case nvme_admin_ns_attach:
	case nvme_admin_dbbuf:
	case nvme_admin_format_nvm:
	case nvme_admin_sanitize_nvm:
		return true;
	case nvme_admin_set_features:
		switch (le32_to_cpu(c->features.fid) & 0xff) {
		case NVME_FEAT_NUM_QUEUES:
		case NVME_FEAT_HOST_MEM_BUF:
		case NVME_FEAT_KATO:
		case NVME_FEAT_HOST_BEHAVIOR:
			return true;
		}
		return false;
	default:
		return false;
	}
}

/* Opcodes whose data length follows from the block count in CDW12. */
static bool nvmp_is_rw(u8 opcode)
{
	return opcode == nvme_cmd_read || opcode == nvme_cmd_write ||
	       opcode == nvme_cmd_compare;
}

/*
 * Without CAP_SYS_ADMIN: reads (and compare, which transfers data to the
 * controller but changes nothing) need a file open for reading, writes one
 * open for writing; nothing else is allowed.
 */
static int nvmp_io_allowed(const struct nvme_command *c, unsigned int flags)
{
	if (capable(CAP_SYS_ADMIN))
		return 0;
	if (flags & NVMP_PT_PART)
		return -EACCES;
	switch (c->common.opcode) {
	case nvme_cmd_read:
	case nvme_cmd_compare:
		return flags & NVMP_PT_READ ? 0 : -EACCES;
	case nvme_cmd_write:
		return flags & NVMP_PT_WRITE ? 0 : -EACCES;
	default:
		return -EACCES;
	}
}

/*
 * Without CAP_SYS_ADMIN the only admin commands are the Identify pages a
 * program needs to build I/O commands (a namespace's format, the
 * controller's limits), the ones the in-tree driver allows too; never
 * through a partition.
 */
static int nvmp_admin_allowed(const struct nvme_command *c, unsigned int flags)
{
	if (capable(CAP_SYS_ADMIN))
		return 0;
	if (flags & NVMP_PT_PART || c->common.opcode != nvme_admin_identify)
		return -EACCES;
	switch (c->identify.cns) {
	case NVME_ID_CNS_NS:
	case NVME_ID_CNS_CTRL:
	case NVME_ID_CNS_CS_NS:
	case NVME_ID_CNS_CS_CTRL:
	case NVME_ID_CNS_NS_CS_INDEP:
		return 0;
	default:
		return -EACCES;
	}
}

/* --- requests ------------------------------------------------------------------ */

static void nvmp_ucmd_fill(struct nvmp_ucmd *u,
			   const struct nvme_passthru_cmd64 *p)
{
	memset(u, 0, sizeof(*u));
	u->c.common.opcode = p->opcode;
	u->c.common.nsid = cpu_to_le32(p->nsid);
	u->c.common.cdw2[0] = cpu_to_le32(p->cdw2);
	u->c.common.cdw2[1] = cpu_to_le32(p->cdw3);
	u->c.common.cdw10 = cpu_to_le32(p->cdw10);
	u->c.common.cdw11 = cpu_to_le32(p->cdw11);
	u->c.common.cdw12 = cpu_to_le32(p->cdw12);
	u->c.common.cdw13 = cpu_to_le32(p->cdw13);
	u->c.common.cdw14 = cpu_to_le32(p->cdw14);
	u->c.common.cdw15 = cpu_to_le32(p->cdw15);
	u->addr = p->addr;
	u->data_len = p->data_len;
	u->timeout_ms = p->timeout_ms;
}

/*
 * Everything about a command that can be refused before a request exists.
 * The driver fills the data pointers and command flags itself, and no
 * namespace it exposes has metadata, so a metadata buffer is an error.
 */
static int nvmp_ucmd_check(const struct nvme_passthru_cmd64 *p,
			   unsigned int flags, u32 max_bytes)
{
	if (p->flags || p->metadata || p->metadata_len)
		return -EINVAL;
	if (!p->data_len)
		return p->addr ? -EINVAL : 0;
	if (!p->addr)
		return -EFAULT;
	if (flags & NVMP_PT_VEC)
		return p->data_len > UIO_MAXIOV ? -EINVAL : 0;
	return p->data_len > max_bytes ? -EINVAL : 0;
}

/* A passthrough request on @q carrying @u; data not mapped yet. */
static struct request *nvmp_pt_alloc(struct request_queue *q,
				     const struct nvmp_ucmd *u,
				     blk_opf_t opf, blk_mq_req_flags_t mq_flags)
{
	struct request *rq;
	struct nvmp_iod *iod;

	opf |= nvme_is_write(&u->c) ? REQ_OP_DRV_OUT : REQ_OP_DRV_IN;
	rq = blk_mq_alloc_request(q, opf, mq_flags);
	if (IS_ERR(rq))
		return rq;
	iod = nvmp_iod(rq);
	memcpy(&iod->cmd, &u->c, sizeof(iod->cmd));
	iod->status = 0;
	iod->result.u64 = 0;
	if (u->timeout_ms)
		rq->timeout = clamp_t(unsigned long,
				      msecs_to_jiffies(u->timeout_ms), 1, UINT_MAX);
	return rq;
}

/*
 * Pin (or bounce, when misaligned) the user's buffer into @rq.  Commands
 * whose length the controller computes from a block count must come with
 * at least that many bytes, or the controller would read or write past
 * them; a longer buffer is only partly used, as with the in-tree driver.
 */
static int nvmp_pt_map(struct request *rq, const struct nvmp_ucmd *u,
		       struct nvmp_ns *ns, unsigned int flags,
		       struct iov_iter *iter)
{
	bool vec = flags & NVMP_PT_VEC;
	int ret;

	if (u->data_len) {
		if (iter)
			ret = blk_rq_map_user_iov(rq->q, rq, NULL, iter,
						  GFP_KERNEL);
		else
			ret = blk_rq_map_user_io(rq, NULL, u64_to_user_ptr(u->addr),
						 u->data_len, GFP_KERNEL, vec, 0,
						 false, rq_data_dir(rq));
		if (ret)
			return ret;
	}
	if (ns && nvmp_is_rw(u->c.common.opcode)) {
		u64 want = (u64)((le32_to_cpu(u->c.common.cdw12) & 0xffff) + 1)
			   << ns->lba_shift;

		if (!rq->bio || blk_rq_bytes(rq) < want) {
			if (rq->bio)
				blk_rq_unmap_user(rq->bio);
			return -EINVAL;
		}
	}
	return 0;
}

static int nvmp_pt_execute(struct request *rq, u64 *result)
{
	struct nvmp_iod *iod = nvmp_iod(rq);
	struct bio *bio = rq->bio;
	blk_status_t sts;
	int ret;

	sts = blk_execute_rq(rq, false);
	ret = iod->status;
	if (!ret && sts)
		ret = blk_status_to_errno(sts);
	*result = le64_to_cpu(iod->result.u64);
	if (bio)
		blk_rq_unmap_user(bio);
	blk_mq_free_request(rq);
	return ret;
}

/* A namespace by id, with its disk held; nvmp_put_ns_disk() lets go. */
static struct nvmp_ns *nvmp_get_ns(struct nvmp_ctrl *ctrl, u32 nsid)
{
	struct nvmp_ns *ns;

	mutex_lock(&ctrl->ns_lock);
	ns = nvmp_find_ns(ctrl, nsid);
	if (ns)
		get_device(disk_to_dev(ns->disk));
	mutex_unlock(&ctrl->ns_lock);
	return ns;
}

static void nvmp_put_ns_disk(struct gendisk *disk)
{
	put_device(disk_to_dev(disk));
}

/*
 * One synchronous passthrough command: @ns is the namespace of the device
 * the call came through, or NULL on the controller device.  The caller has
 * entered the controller.  Returns the NVMe status (positive), 0, or a
 * negative errno.
 */
static int nvmp_user_cmd(struct nvmp_ctrl *ctrl, struct nvmp_ns *ns,
			 void __user *argp, unsigned int flags)
{
	struct nvme_passthru_cmd64 p;
	struct gendisk *held = NULL;
	struct request_queue *q;
	struct nvmp_ucmd u;
	struct request *rq;
	u64 result = 0;
	int ret;

	if (flags & NVMP_PT_WIDE) {
		if (copy_from_user(&p, argp, sizeof(p)))
			return -EFAULT;
	} else {
		struct nvme_passthru_cmd p32;

		/* The two layouts agree up to the 32-bit form's result. */
		BUILD_BUG_ON(offsetof(struct nvme_passthru_cmd, result) !=
			     offsetof(struct nvme_passthru_cmd64, rsvd2));
		if (copy_from_user(&p32, argp, sizeof(p32)))
			return -EFAULT;
		memset(&p, 0, sizeof(p));
		memcpy(&p, &p32, offsetof(struct nvme_passthru_cmd, result));
	}
	/* From a 32-bit task only the low half of a pointer counts. */
	if (in_compat_syscall()) {
		p.addr = (compat_uptr_t)p.addr;
		p.metadata = (compat_uptr_t)p.metadata;
	}

	if (flags & NVMP_PT_ADMIN) {
		q = ctrl->admin_q;
	} else if (ns) {
		if (p.nsid && p.nsid != ns->nsid)
			return -EINVAL;
		p.nsid = ns->nsid;
		q = ns->disk->queue;
	} else {
		ns = nvmp_get_ns(ctrl, p.nsid);
		if (!ns)
			return -EINVAL;
		held = ns->disk;
		q = ns->disk->queue;
	}

	ret = nvmp_ucmd_check(&p, flags, queue_max_hw_sectors(q) << SECTOR_SHIFT);
	if (ret)
		goto out;
	nvmp_ucmd_fill(&u, &p);
	if (flags & NVMP_PT_ADMIN) {
		ns = NULL;
		ret = nvmp_admin_allowed(&u.c, flags);
		if (ret)
			goto out;
		if (nvmp_admin_refused(&u.c)) {
			ret = -EPERM;
			goto out;
		}
	} else {
		ret = nvmp_io_allowed(&u.c, flags);
		if (ret)
			goto out;
	}

	rq = nvmp_pt_alloc(q, &u, 0, 0);
	if (IS_ERR(rq)) {
		ret = PTR_ERR(rq);
		goto out;
	}
	ret = nvmp_pt_map(rq, &u, ns, flags, NULL);
	if (ret) {
		blk_mq_free_request(rq);
		goto out;
	}
	ret = nvmp_pt_execute(rq, &result);
	if (ret >= 0) {
		if (flags & NVMP_PT_WIDE) {
			struct nvme_passthru_cmd64 __user *up = argp;

			if (put_user(result, &up->result))
				ret = -EFAULT;
		} else {
			struct nvme_passthru_cmd __user *up = argp;

			if (put_user((u32)result, &up->result))
				ret = -EFAULT;
		}
	}
out:
	if (held)
		nvmp_put_ns_disk(held);
	return ret;
}

/* --- io_uring ---------------------------------------------------------------------- */

/* Lives in io_uring_cmd's pdu while the command is in flight. */
struct nvmp_uring_pdu {
	struct request *rq;	/* until it ends: for polling */
	struct bio *bio;	/* to unmap once it ended */
	u64 result;
	int status;
};

static struct nvmp_uring_pdu *nvmp_uring_pdu(struct io_uring_cmd *ioucmd)
{
	return io_uring_cmd_to_pdu(ioucmd, struct nvmp_uring_pdu);
}

/* In the submitter's task: copy back (when bounced), unpin, post the CQE. */
static void nvmp_uring_task_done(struct io_tw_req tw_req, io_tw_token_t tw)
{
	struct io_uring_cmd *ioucmd = io_uring_cmd_from_tw(tw_req);
	struct nvmp_uring_pdu *pdu = nvmp_uring_pdu(ioucmd);

	if (pdu->bio)
		blk_rq_unmap_user(pdu->bio);
	io_uring_cmd_done32(ioucmd, pdu->status, pdu->result,
			    IO_URING_CMD_TASK_WORK_ISSUE_FLAGS);
}

static enum rq_end_io_ret nvmp_uring_end_io(struct request *rq,
					    blk_status_t err,
					    const struct io_comp_batch *iob)
{
	struct io_uring_cmd *ioucmd = rq->end_io_data;
	struct nvmp_uring_pdu *pdu = nvmp_uring_pdu(ioucmd);
	struct nvmp_iod *iod = nvmp_iod(rq);

	pdu->status = iod->status;
	if (!pdu->status)
		pdu->status = blk_status_to_errno(err);
	pdu->result = le64_to_cpu(iod->result.u64);
	WRITE_ONCE(pdu->rq, NULL);
	io_uring_cmd_do_in_task_lazy(ioucmd, nvmp_uring_task_done);
	return RQ_END_IO_FREE;
}

static int nvmp_uring_submit(struct nvmp_ns *ns, struct io_uring_cmd *ioucmd,
			     unsigned int issue_flags, unsigned int flags)
{
	const struct nvme_uring_cmd *uc = io_uring_sqe128_cmd(ioucmd->sqe,
							      struct nvme_uring_cmd);
	struct nvmp_uring_pdu *pdu = nvmp_uring_pdu(ioucmd);
	struct request_queue *q = ns->disk->queue;
	struct iov_iter iter, *iterp = NULL;
	blk_mq_req_flags_t mq_flags = 0;
	struct nvme_passthru_cmd64 p;
	blk_opf_t opf = 0;
	struct nvmp_ucmd u;
	struct request *rq;
	int ret;

	/* The SQE is shared with user space: read each field once. */
	memset(&p, 0, sizeof(p));
	p.opcode = READ_ONCE(uc->opcode);
	p.flags = READ_ONCE(uc->flags);
	p.nsid = READ_ONCE(uc->nsid);
	p.cdw2 = READ_ONCE(uc->cdw2);
	p.cdw3 = READ_ONCE(uc->cdw3);
	p.metadata = READ_ONCE(uc->metadata);
	p.addr = READ_ONCE(uc->addr);
	p.metadata_len = READ_ONCE(uc->metadata_len);
	p.data_len = READ_ONCE(uc->data_len);
	p.cdw10 = READ_ONCE(uc->cdw10);
	p.cdw11 = READ_ONCE(uc->cdw11);
	p.cdw12 = READ_ONCE(uc->cdw12);
	p.cdw13 = READ_ONCE(uc->cdw13);
	p.cdw14 = READ_ONCE(uc->cdw14);
	p.cdw15 = READ_ONCE(uc->cdw15);
	p.timeout_ms = READ_ONCE(uc->timeout_ms);

	if (p.nsid && p.nsid != ns->nsid)
		return -EINVAL;
	p.nsid = ns->nsid;
	ret = nvmp_ucmd_check(&p, flags, queue_max_hw_sectors(q) << SECTOR_SHIFT);
	if (ret)
		return ret;
	nvmp_ucmd_fill(&u, &p);
	ret = nvmp_io_allowed(&u.c, flags);
	if (ret)
		return ret;

	if (u.data_len && (ioucmd->flags & IORING_URING_CMD_FIXED)) {
		int ddir = nvme_is_write(&u.c) ? WRITE : READ;

		if (flags & NVMP_PT_VEC)
			ret = io_uring_cmd_import_fixed_vec(ioucmd,
							    u64_to_user_ptr(u.addr),
							    u.data_len, ddir, &iter,
							    issue_flags);
		else
			ret = io_uring_cmd_import_fixed(u.addr, u.data_len, ddir,
							&iter, ioucmd, issue_flags);
		if (ret < 0)
			return ret;
		iterp = &iter;
	}
	if (issue_flags & IO_URING_F_NONBLOCK) {
		opf |= REQ_NOWAIT;
		mq_flags |= BLK_MQ_REQ_NOWAIT;
	}
	if (issue_flags & IO_URING_F_IOPOLL)
		opf |= REQ_POLLED;

	rq = nvmp_pt_alloc(q, &u, opf, mq_flags);
	if (IS_ERR(rq))
		return PTR_ERR(rq);
	ret = nvmp_pt_map(rq, &u, ns, flags, iterp);
	if (ret) {
		blk_mq_free_request(rq);
		return ret;
	}
	pdu->bio = rq->bio;
	pdu->status = 0;
	pdu->result = 0;
	WRITE_ONCE(pdu->rq, rq);
	rq->end_io = nvmp_uring_end_io;
	rq->end_io_data = ioucmd;
	blk_execute_rq_nowait(rq, false);
	return -EIOCBQUEUED;
}

/* --- namespaces: block device and generic device ---------------------------------- */

/*
 * The passthrough ioctls both kinds of device take: add what @cmd implies
 * to @flags.  Return: %false for any other ioctl.
 */
static bool nvmp_pt_cmd_flags(unsigned int cmd, unsigned int *flags)
{
	switch (cmd) {
	case NVME_IOCTL_ADMIN_CMD:
		*flags |= NVMP_PT_ADMIN;
		return true;
	case NVME_IOCTL_ADMIN64_CMD:
		*flags |= NVMP_PT_ADMIN | NVMP_PT_WIDE;
		return true;
	case NVME_IOCTL_IO_CMD:
		return true;
	case NVME_IOCTL_IO64_CMD:
		*flags |= NVMP_PT_WIDE;
		return true;
	case NVME_IOCTL_IO64_CMD_VEC:
		*flags |= NVMP_PT_WIDE | NVMP_PT_VEC;
		return true;
	default:
		return false;
	}
}

static int nvmp_ns_ioctl(struct nvmp_ns *ns, unsigned int cmd,
			 void __user *argp, unsigned int flags)
{
	struct nvmp_ctrl *ctrl = ns->ctrl;
	int ret;

	if (cmd == NVME_IOCTL_ID)
		return ns->nsid;
	if (!nvmp_pt_cmd_flags(cmd, &flags))
		return -ENOTTY;
	ret = nvmp_ctrl_enter(ctrl);
	if (ret)
		return ret;
	ret = nvmp_user_cmd(ctrl, ns, argp, flags);
	nvmp_ctrl_exit(ctrl);
	return ret;
}

int nvmp_bdev_ioctl(struct block_device *bdev, blk_mode_t mode,
		    unsigned int cmd, unsigned long arg)
{
	unsigned int flags = 0;

	if (mode & BLK_OPEN_READ)
		flags |= NVMP_PT_READ;
	if (mode & BLK_OPEN_WRITE)
		flags |= NVMP_PT_WRITE;
	if (bdev_is_partition(bdev))
		flags |= NVMP_PT_PART;
	return nvmp_ns_ioctl(bdev->bd_disk->private_data, cmd,
			     (void __user *)arg, flags);
}

static struct nvmp_ns *nvmp_file_ns(struct file *file)
{
	return container_of(file_inode(file)->i_cdev, struct nvmp_ns, cdev);
}

static unsigned int nvmp_file_flags(struct file *file)
{
	return (file->f_mode & FMODE_READ ? NVMP_PT_READ : 0) |
	       (file->f_mode & FMODE_WRITE ? NVMP_PT_WRITE : 0);
}

static long nvmp_ng_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	return nvmp_ns_ioctl(nvmp_file_ns(file), cmd, (void __user *)arg,
			     nvmp_file_flags(file));
}

static int nvmp_ng_uring_cmd(struct io_uring_cmd *ioucmd,
			     unsigned int issue_flags)
{
	struct nvmp_ns *ns = nvmp_file_ns(ioucmd->file);
	unsigned int flags = nvmp_file_flags(ioucmd->file);
	int ret;

	if ((issue_flags & (IO_URING_F_SQE128 | IO_URING_F_CQE32)) !=
	    (IO_URING_F_SQE128 | IO_URING_F_CQE32))
		return -EOPNOTSUPP;
	switch (ioucmd->cmd_op) {
	case NVME_URING_CMD_IO:
		break;
	case NVME_URING_CMD_IO_VEC:
		flags |= NVMP_PT_VEC;
		break;
	default:
		return -ENOTTY;
	}
	ret = nvmp_ctrl_enter(ns->ctrl);
	if (ret)
		return ret;
	/*
	 * Once queued, the request keeps the namespace's queue from being
	 * torn down (del_gendisk() waits for it), so leave the controller
	 * now rather than at completion.
	 */
	ret = nvmp_uring_submit(ns, ioucmd, issue_flags, flags);
	nvmp_ctrl_exit(ns->ctrl);
	return ret;
}

static int nvmp_ng_uring_iopoll(struct io_uring_cmd *ioucmd,
				struct io_comp_batch *iob,
				unsigned int poll_flags)
{
	struct request *rq = READ_ONCE(nvmp_uring_pdu(ioucmd)->rq);

	if (rq && blk_rq_is_poll(rq))
		return blk_rq_poll(rq, iob, poll_flags);
	return 0;
}

static const struct file_operations nvmp_ng_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = nvmp_ng_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.uring_cmd = nvmp_ng_uring_cmd,
	.uring_cmd_iopoll = nvmp_ng_uring_iopoll,
};

/*
 * Both kinds of character device, ng<N>n<M> and nvme<N>, are made the same
 * way.  The caller holds a reference for @dev that @release drops; @release
 * also gives back the minor (nvmp_cdev_release_minor()).  On failure @dev
 * has been put, so @release has run and the reference is gone.
 */
static __printf(7, 8)
int nvmp_cdev_add(struct cdev *cdev, struct device *dev,
		  struct device *parent, const struct file_operations *fops,
		  const struct attribute_group **groups,
		  void (*release)(struct device *dev), const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;
	int minor, ret;

	device_initialize(dev);
	dev->class = &nvmp_class;
	dev->parent = parent;
	dev->groups = groups;
	dev->release = release;
	minor = ida_alloc_max(&nvmp_minor_ida, NVMP_MINORS - 1, GFP_KERNEL);
	if (minor < 0) {
		ret = minor;
		goto out;
	}
	dev->devt = MKDEV(MAJOR(nvmp_devt), minor);
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	ret = dev_set_name(dev, "%pV", &vaf);
	va_end(args);
	if (ret)
		goto out;
	cdev_init(cdev, fops);
	cdev->owner = THIS_MODULE;
	ret = cdev_device_add(cdev, dev);
	if (ret)
		goto out;
	return 0;
out:
	put_device(dev);
	return ret;
}

static void nvmp_cdev_del(struct cdev *cdev, struct device *dev, bool *added)
{
	if (!*added)
		return;
	*added = false;
	cdev_device_del(cdev, dev);
	put_device(dev);
}

/* For a release function: the minor, if nvmp_cdev_add() got that far. */
static void nvmp_cdev_release_minor(struct device *dev)
{
	if (dev->devt)
		ida_free(&nvmp_minor_ida, MINOR(dev->devt));
}

static void nvmp_ng_release(struct device *dev)
{
	struct nvmp_ns *ns = container_of(dev, struct nvmp_ns, cdev_device);

	nvmp_cdev_release_minor(dev);
	/* May be the disk's last reference, which frees @ns. */
	nvmp_put_ns_disk(ns->disk);
}

/**
 * nvmp_ns_cdev_add - create the generic device ng<N>n<M> of a namespace
 * @ns: a namespace whose disk was added
 *
 * Return: 0 or a negative errno (the namespace works without it).
 */
int nvmp_ns_cdev_add(struct nvmp_ns *ns)
{
	int ret;

	get_device(disk_to_dev(ns->disk));
	ret = nvmp_cdev_add(&ns->cdev, &ns->cdev_device,
			    &ns->ctrl->cdev_device, &nvmp_ng_fops, NULL,
			    nvmp_ng_release, "ng%dn%u", ns->ctrl->instance,
			    ns->nsid);
	ns->cdev_added = !ret;
	return ret;
}

void nvmp_ns_cdev_del(struct nvmp_ns *ns)
{
	nvmp_cdev_del(&ns->cdev, &ns->cdev_device, &ns->cdev_added);
}

/* --- the controller device ---------------------------------------------------------- */

static long nvmp_ctrl_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct nvmp_ctrl *ctrl = container_of(file_inode(file)->i_cdev,
					      struct nvmp_ctrl, cdev);
	unsigned int flags = nvmp_file_flags(file);
	void __user *argp = (void __user *)arg;
	int ret;

	/*
	 * NVME_IOCTL_ID is ENOTTY: a controller is no namespace, and nvme-cli
	 * takes ENOTTY for "all namespaces".
	 */
	if (cmd != NVME_IOCTL_RESET && cmd != NVME_IOCTL_RESCAN &&
	    !nvmp_pt_cmd_flags(cmd, &flags))
		return -ENOTTY;

	ret = nvmp_ctrl_enter(ctrl);
	if (ret)
		return ret;
	switch (cmd) {
	case NVME_IOCTL_RESET:
		ret = capable(CAP_SYS_ADMIN) ? nvmp_reset_sync(ctrl) : -EACCES;
		break;
	case NVME_IOCTL_RESCAN:
		ret = capable(CAP_SYS_ADMIN) ? nvmp_scan(ctrl) : -EACCES;
		break;
	default:
		ret = nvmp_user_cmd(ctrl, NULL, argp, flags);
		break;
	}
	nvmp_ctrl_exit(ctrl);
	return ret;
}

static const struct file_operations nvmp_ctrl_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = nvmp_ctrl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static void nvmp_ctrl_cdev_release(struct device *dev)
{
	struct nvmp_ctrl *ctrl = container_of(dev, struct nvmp_ctrl,
					      cdev_device);

	nvmp_cdev_release_minor(dev);
	nvmp_ctrl_put(ctrl);
}

/**
 * nvmp_ctrl_cdev_add - create the controller device nvme<N>
 * @ctrl: a live controller
 * @groups: its sysfs attributes
 *
 * The device sits under the PCI function, in class nvme-phys, and is the
 * parent of the controller's disks and generic devices.
 *
 * Return: 0 or a negative errno.
 */
int nvmp_ctrl_cdev_add(struct nvmp_ctrl *ctrl,
		       const struct attribute_group **groups)
{
	int ret;

	kref_get(&ctrl->ref);
	ret = nvmp_cdev_add(&ctrl->cdev, &ctrl->cdev_device, ctrl->dev,
			    &nvmp_ctrl_fops, groups, nvmp_ctrl_cdev_release,
			    "nvme%d", ctrl->instance);
	ctrl->cdev_added = !ret;
	return ret;
}

void nvmp_ctrl_cdev_del(struct nvmp_ctrl *ctrl)
{
	nvmp_cdev_del(&ctrl->cdev, &ctrl->cdev_device, &ctrl->cdev_added);
}

/* The controller behind its device nvme<N>, or NULL for any other device. */
struct nvmp_ctrl *nvmp_class_dev_ctrl(struct device *dev)
{
	if (dev->class != &nvmp_class || dev->release != nvmp_ctrl_cdev_release)
		return NULL;
	return container_of(dev, struct nvmp_ctrl, cdev_device);
}

int __init nvmp_chrdev_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&nvmp_devt, 0, NVMP_MINORS, "nvme-phys");
	if (ret)
		return ret;
	ret = class_register(&nvmp_class);
	if (ret)
		unregister_chrdev_region(nvmp_devt, NVMP_MINORS);
	return ret;
}

void nvmp_chrdev_exit(void)
{
	class_unregister(&nvmp_class);
	unregister_chrdev_region(nvmp_devt, NVMP_MINORS);
	ida_destroy(&nvmp_minor_ida);
}
