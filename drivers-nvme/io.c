// SPDX-License-Identifier: GPL-2.0-only
/*
 * nvme-phys queues and data path: submission, data pointers (built by
 * dptr.c), completion, polling and timeouts.
 */
#include <linux/interrupt.h>
#include <linux/io.h>
#include "nvmp.h"

static unsigned int sgl_threshold = SZ_32K;
module_param(sgl_threshold, uint, 0644);
MODULE_PARM_DESC(sgl_threshold,
		 "Use SGLs when the average segment is at least this many bytes (0: never)");

unsigned int nvmp_io_timeout = 30;

static bool shadow_doorbells = true;
module_param(shadow_doorbells, bool, 0644);
MODULE_PARM_DESC(shadow_doorbells,
		 "Use shadow doorbells where the controller offers them (default Y); read at every controller bring-up and reset");

static struct nvmp_queue *nvmp_rq_queue(struct request *rq)
{
	return rq->mq_hctx->driver_data;
}

/* --- submission and completion queues -------------------------------- */

int nvmp_alloc_queue(struct nvmp_ctrl *ctrl, u16 qid, u16 depth)
{
	struct nvmp_queue *q = &ctrl->queues[qid];

	q->cqes = dma_alloc_coherent(ctrl->dev, depth * sizeof(*q->cqes),
				     &q->cq_dma, GFP_KERNEL);
	if (!q->cqes)
		return -ENOMEM;
	q->sq_cmds = dma_alloc_coherent(ctrl->dev, depth * sizeof(*q->sq_cmds),
					&q->sq_dma, GFP_KERNEL);
	if (!q->sq_cmds) {
		dma_free_coherent(ctrl->dev, depth * sizeof(*q->cqes), q->cqes,
				  q->cq_dma);
		q->cqes = NULL;
		return -ENOMEM;
	}
	q->ctrl = ctrl;
	q->qid = qid;
	q->q_depth = depth;
	q->vector = -1;
	q->q_db = ctrl->bar + NVME_REG_DBS + qid * 2 * ctrl->db_stride * 4;
	spin_lock_init(&q->sq_lock);
	spin_lock_init(&q->cq_lock);
	nvmp_init_queue(q);
	ctrl->nr_queues = max_t(unsigned int, ctrl->nr_queues, qid + 1);
	return 0;
}

void nvmp_init_queue(struct nvmp_queue *q)
{
	q->sq_tail = 0;
	q->last_sq_tail = 0;
	q->cq_head = 0;
	q->cq_phase = 1;
	memset(q->cqes, 0, q->q_depth * sizeof(*q->cqes));
}

void nvmp_free_queues(struct nvmp_ctrl *ctrl)
{
	unsigned int i;

	for (i = 0; i < ctrl->nr_queues; i++) {
		struct nvmp_queue *q = &ctrl->queues[i];

		if (!q->cqes)
			continue;
		dma_free_coherent(ctrl->dev, q->q_depth * sizeof(*q->cqes),
				  q->cqes, q->cq_dma);
		dma_free_coherent(ctrl->dev, q->q_depth * sizeof(*q->sq_cmds),
				  q->sq_cmds, q->sq_dma);
		q->cqes = NULL;
		q->sq_cmds = NULL;
	}
	ctrl->nr_queues = 0;
}

/* Tell the controller about the commands placed since the last time. */
static void nvmp_ring_sq(struct nvmp_queue *q)
{
	if (q->sq_tail == q->last_sq_tail)
		return;
	q->db_stats.sq_updates++;
	if (nvmp_shadow_db_update(&q->sq_shadow, q->sq_tail)) {
		writel(q->sq_tail, q->q_db);
		q->db_stats.sq_mmio++;
	}
	q->last_sq_tail = q->sq_tail;
}

/* Place one command in the SQ; the caller holds sq_lock. */
static void nvmp_sq_copy(struct nvmp_queue *q, const struct nvme_command *cmd)
{
	memcpy(&q->sq_cmds[q->sq_tail], cmd, sizeof(*cmd));
	if (++q->sq_tail == q->q_depth)
		q->sq_tail = 0;
	q->db_stats.commands++;
}

static void nvmp_submit(struct nvmp_queue *q, struct nvme_command *cmd,
			bool last)
{
	spin_lock(&q->sq_lock);
	nvmp_sq_copy(q, cmd);
	if (last)
		nvmp_ring_sq(q);
	spin_unlock(&q->sq_lock);
}

static void nvmp_commit_rqs(struct blk_mq_hw_ctx *hctx)
{
	struct nvmp_queue *q = hctx->driver_data;

	spin_lock(&q->sq_lock);
	nvmp_ring_sq(q);
	spin_unlock(&q->sq_lock);
}

static bool nvmp_cqe_pending(struct nvmp_queue *q)
{
	return (le16_to_cpu(READ_ONCE(q->cqes[q->cq_head].status)) & 1) ==
	       q->cq_phase;
}

/* --- data pointers (dptr.c) ------------------------------------------------ */

static void nvmp_unmap_data(struct nvmp_ctrl *ctrl, struct request *rq)
{
	struct nvmp_iod *iod = nvmp_iod(rq);

	nvmp_dptr_unmap(&ctrl->dma, ctrl->list_pool, rq, &iod->cmd.common,
			&iod->dptr);
	if (rq->rq_flags & RQF_SPECIAL_PAYLOAD) {
		kfree(bvec_virt(&rq->special_vec));
		rq->rq_flags &= ~RQF_SPECIAL_PAYLOAD;
	}
}

/*
 * Map the request's data and fill in the data pointer.  On failure nothing
 * is left mapped or allocated, the discard ranges included.
 */
static blk_status_t nvmp_map_data(struct nvmp_ctrl *ctrl, struct request *rq)
{
	struct nvmp_iod *iod = nvmp_iod(rq);
	blk_status_t ret;

	/* Admin commands take PRPs only. */
	nvmp_dptr_choose(&iod->dptr, rq, ctrl->sgls,
			 nvmp_rq_queue(rq)->qid ? READ_ONCE(sgl_threshold) : 0);
	ret = nvmp_dptr_map(&ctrl->dma, ctrl->list_pool, rq, &iod->cmd.common,
			    &iod->dptr, &ctrl->fail_mappings);
	if (ret) {
		nvmp_unmap_data(ctrl, rq);
		return ret;
	}
	if (iod->dptr.use_sgl)
		this_cpu_inc(ctrl->dptr_stats->sgl);
	else if (nvmp_rq_queue(rq)->qid)
		this_cpu_inc(ctrl->dptr_stats->prp);
	return BLK_STS_OK;
}

/* --- commands ------------------------------------------------------------- */

static blk_status_t nvmp_setup_discard(struct nvmp_ns *ns, struct request *rq,
				       struct nvme_command *cmd)
{
	unsigned short segs = blk_rq_nr_discard_segments(rq);
	struct nvme_dsm_range *range;
	unsigned int n = 0;
	struct bio *bio;

	range = kmalloc_array(segs, sizeof(*range), GFP_ATOMIC | __GFP_NOWARN);
	if (!range)
		return BLK_STS_RESOURCE;
	__rq_for_each_bio(bio, rq) {
		if (WARN_ON_ONCE(n >= segs))
			break;
		range[n].cattr = 0;
		range[n].nlb = cpu_to_le32(bio->bi_iter.bi_size >> ns->lba_shift);
		range[n].slba = cpu_to_le64(bio->bi_iter.bi_sector >>
					    (ns->lba_shift - SECTOR_SHIFT));
		n++;
	}
	if (n != segs) {
		kfree(range);
		return BLK_STS_IOERR;
	}
	cmd->dsm.opcode = nvme_cmd_dsm;
	cmd->dsm.nsid = cpu_to_le32(ns->nsid);
	cmd->dsm.nr = cpu_to_le32(n - 1);
	cmd->dsm.attributes = cpu_to_le32(NVME_DSMGMT_AD);
	bvec_set_virt(&rq->special_vec, range, n * sizeof(*range));
	rq->rq_flags |= RQF_SPECIAL_PAYLOAD;
	return BLK_STS_OK;
}

/*
 * The block layer keeps an atomic write within the limits it was given;
 * should one come that the namespace cannot write atomically (longer than
 * NAWUPF, or across an atomic boundary), refuse it rather than tear it.
 */
static bool nvmp_atomic_ok(struct nvmp_ns *ns, struct request *rq)
{
	u64 start = blk_rq_pos(rq) << SECTOR_SHIFT;
	u64 last = start + blk_rq_bytes(rq) - 1;
	u32 b = ns->atomic_boundary;

	if (blk_rq_bytes(rq) > ns->atomic_bytes)
		return false;
	return !b || div64_u64(start, b) == div64_u64(last, b);
}

static blk_status_t nvmp_setup_cmd(struct request *rq, struct nvme_command *cmd)
{
	struct nvmp_ns *ns = rq->q->queuedata;
	u64 slba;
	u16 nlb;

	if (blk_rq_is_passthrough(rq))
		return BLK_STS_OK;	/* the submitter built the command */
	memset(cmd, 0, sizeof(*cmd));
	slba = blk_rq_pos(rq) >> (ns->lba_shift - SECTOR_SHIFT);
	nlb = (blk_rq_bytes(rq) >> ns->lba_shift) - 1;
	switch (req_op(rq)) {
	case REQ_OP_WRITE:
		if ((rq->cmd_flags & REQ_ATOMIC) && !nvmp_atomic_ok(ns, rq))
			return BLK_STS_INVAL;
		fallthrough;
	case REQ_OP_READ:
		cmd->rw.opcode = req_op(rq) == REQ_OP_READ ? nvme_cmd_read :
							     nvme_cmd_write;
		cmd->rw.nsid = cpu_to_le32(ns->nsid);
		cmd->rw.slba = cpu_to_le64(slba);
		cmd->rw.length = cpu_to_le16(nlb);
		if (rq->cmd_flags & REQ_FUA)
			cmd->rw.control = cpu_to_le16(NVME_RW_FUA);
		return BLK_STS_OK;
	case REQ_OP_FLUSH:
		cmd->common.opcode = nvme_cmd_flush;
		cmd->common.nsid = cpu_to_le32(ns->nsid);
		return BLK_STS_OK;
	case REQ_OP_WRITE_ZEROES:
		cmd->write_zeroes.opcode = nvme_cmd_write_zeroes;
		cmd->write_zeroes.nsid = cpu_to_le32(ns->nsid);
		cmd->write_zeroes.slba = cpu_to_le64(slba);
		cmd->write_zeroes.length = cpu_to_le16(nlb);
		if (ns->deac && !(rq->cmd_flags & REQ_NOUNMAP))
			cmd->write_zeroes.control = cpu_to_le16(NVME_WZ_DEAC);
		return BLK_STS_OK;
	case REQ_OP_DISCARD:
		return nvmp_setup_discard(ns, rq, cmd);
	default:
		return BLK_STS_NOTSUPP;
	}
}

/*
 * Everything but placing the command in the SQ: build it, map its data,
 * start the request.  On failure the request is as it came.
 */
static blk_status_t nvmp_prep_rq(struct nvmp_queue *q, struct request *rq)
{
	struct nvmp_ctrl *ctrl = q->ctrl;
	struct nvmp_iod *iod = nvmp_iod(rq);
	blk_status_t ret;

	if (unlikely(!READ_ONCE(q->live)))
		return READ_ONCE(ctrl->state) == NVMP_DEAD ? BLK_STS_IOERR :
							   BLK_STS_RESOURCE;
	if (!(rq->rq_flags & RQF_DONTPREP)) {
		iod->retries = 0;
		rq->rq_flags |= RQF_DONTPREP;
	}
	iod->aborted = false;
	iod->dptr.mapped = false;
	iod->dptr.nr_lists = 0;
	iod->status = 0;
	iod->result.u64 = 0;
	ret = nvmp_setup_cmd(rq, &iod->cmd);
	if (ret)
		return ret;
	iod->cmd.common.command_id = rq->tag;
	if (blk_rq_nr_phys_segments(rq)) {
		ret = nvmp_map_data(ctrl, rq);
		if (ret)
			return ret;
	}
	blk_mq_start_request(rq);
	return BLK_STS_OK;
}

static blk_status_t nvmp_queue_rq(struct blk_mq_hw_ctx *hctx,
				  const struct blk_mq_queue_data *bd)
{
	struct nvmp_queue *q = hctx->driver_data;
	blk_status_t ret;

	ret = nvmp_prep_rq(q, bd->rq);
	if (ret)
		return ret;
	nvmp_submit(q, &nvmp_iod(bd->rq)->cmd, bd->last);
	return BLK_STS_OK;
}

/* Place the prepared requests of @list in @q's SQ, then ring once. */
static void nvmp_submit_list(struct nvmp_queue *q, struct rq_list *list)
{
	struct request *rq;

	if (rq_list_empty(list))
		return;
	spin_lock(&q->sq_lock);
	while ((rq = rq_list_pop(list))) {
		nvmp_sq_copy(q, &nvmp_iod(rq)->cmd);
		q->db_stats.batched++;
	}
	nvmp_ring_sq(q);
	spin_unlock(&q->sq_lock);
}

/*
 * A plugged batch (io_uring submits one): one doorbell per run of
 * requests for the same queue instead of one per request.  A request that
 * cannot be prepared now stays in @rqlist, untouched; blk-mq then issues
 * it alone through nvmp_queue_rq(), which requeues or fails it.
 */
static void nvmp_queue_rqs(struct rq_list *rqlist)
{
	struct rq_list batch = { }, left = { };
	struct nvmp_queue *q = NULL;
	struct request *rq;

	while ((rq = rq_list_pop(rqlist))) {
		struct nvmp_queue *rq_q = rq->mq_hctx->driver_data;

		if (rq_q != q) {
			if (q)
				nvmp_submit_list(q, &batch);
			q = rq_q;
		}
		if (nvmp_prep_rq(q, rq) == BLK_STS_OK) {
			rq_list_add_tail(&batch, rq);
		} else {
			rq_list_add_tail(&left, rq);
			atomic_long_inc(&q->ctrl->batch_left);
		}
	}
	if (q)
		nvmp_submit_list(q, &batch);
	*rqlist = left;
}

/* --- completion ------------------------------------------------------------- */

static blk_status_t nvmp_status(u16 status)
{
	switch (status & NVME_SCT_SC_MASK) {
	case NVME_SC_SUCCESS:
		return BLK_STS_OK;
	case NVME_SC_CAP_EXCEEDED:
		return BLK_STS_NOSPC;
	case NVME_SC_LBA_RANGE:
	case NVME_SC_CMD_INTERRUPTED:
	case NVME_SC_NS_NOT_READY:
		return BLK_STS_TARGET;
	case NVME_SC_BAD_ATTRIBUTES:
	case NVME_SC_INVALID_OPCODE:
	case NVME_SC_INVALID_FIELD:
	case NVME_SC_INVALID_NS:
		return BLK_STS_NOTSUPP;
	case NVME_SC_WRITE_FAULT:
	case NVME_SC_READ_ERROR:
	case NVME_SC_UNWRITTEN_BLOCK:
	case NVME_SC_ACCESS_DENIED:
	case NVME_SC_READ_ONLY:
	case NVME_SC_COMPARE_FAILED:
		return BLK_STS_MEDIUM;
	case NVME_SC_HOST_PATH_ERROR:
		return BLK_STS_TRANSPORT;
	default:
		return BLK_STS_IOERR;
	}
}

static bool nvmp_retry(struct request *rq, struct nvmp_iod *iod)
{
	if (!iod->status || (iod->status & NVME_STATUS_DNR))
		return false;
	if (blk_rq_is_passthrough(rq) || blk_noretry_request(rq))
		return false;
	return iod->retries < 5 && !blk_queue_dying(rq->q);
}

static void nvmp_complete_rq(struct request *rq)
{
	struct nvmp_iod *iod = nvmp_iod(rq);

	nvmp_unmap_data(nvmp_rq_queue(rq)->ctrl, rq);
	if (nvmp_retry(rq, iod)) {
		iod->retries++;
		blk_mq_requeue_request(rq, true);
		return;
	}
	blk_mq_end_request(rq, nvmp_status(iod->status));
}

static void nvmp_complete_batch(struct io_comp_batch *iob)
{
	struct request *rq;

	rq_list_for_each(&iob->req_list, rq)
		nvmp_unmap_data(nvmp_rq_queue(rq)->ctrl, rq);
	blk_mq_end_request_batch(iob);
}

static void nvmp_handle_cqe(struct nvmp_queue *q, struct io_comp_batch *iob,
			    u16 idx)
{
	struct nvme_completion *cqe = &q->cqes[idx];
	struct request *rq;
	struct nvmp_iod *iod;

	rq = blk_mq_tag_to_rq(q->tags, cqe->command_id);
	if (unlikely(!rq)) {
		dev_warn(q->ctrl->dev, "invalid command id %u on queue %u\n",
			 cqe->command_id, q->qid);
		return;
	}
	if (unlikely(atomic_read(&q->ctrl->drop_completions) > 0) &&
	    atomic_dec_if_positive(&q->ctrl->drop_completions) >= 0)
		return;	/* debug: lose it, the timeout handler will find it */
	iod = nvmp_iod(rq);
	iod->status = le16_to_cpu(cqe->status) >> 1;
	iod->result = cqe->result;
	if (!iod->status && !(rq->rq_flags & RQF_SPECIAL_PAYLOAD) &&
	    !blk_rq_is_passthrough(rq) &&
	    blk_mq_add_to_batch(rq, iob, false, nvmp_complete_batch))
		return;
	blk_mq_complete_request(rq);
}

/* Reap what the controller posted; the caller holds q->cq_lock. */
static int nvmp_process_cq(struct nvmp_queue *q, struct io_comp_batch *iob)
{
	int found = 0;

	while (nvmp_cqe_pending(q)) {
		found++;
		dma_rmb();
		nvmp_handle_cqe(q, iob, q->cq_head);
		if (++q->cq_head == q->q_depth) {
			q->cq_head = 0;
			q->cq_phase ^= 1;
		}
	}
	if (found) {
		q->db_stats.completions += found;
		q->db_stats.cq_updates++;
		if (nvmp_shadow_db_update(&q->cq_shadow, q->cq_head)) {
			writel(q->cq_head, q->q_db + q->ctrl->db_stride);
			q->db_stats.cq_mmio++;
		}
	}
	return found;
}

static irqreturn_t nvmp_irq(int irq, void *data)
{
	struct nvmp_queue *q = data;
	DEFINE_IO_COMP_BATCH(iob);
	int found;

	spin_lock(&q->cq_lock);
	found = nvmp_process_cq(q, &iob);
	spin_unlock(&q->cq_lock);
	if (!rq_list_empty(&iob.req_list))
		iob.complete(&iob);
	return found ? IRQ_HANDLED : IRQ_NONE;
}

/* One vector for everything (MSI or INTx with a single vector). */
static irqreturn_t nvmp_irq_all(int irq, void *data)
{
	struct nvmp_ctrl *ctrl = data;
	irqreturn_t ret = IRQ_NONE;
	unsigned int i;

	for (i = 0; i < ctrl->nr_queues; i++)
		if (!ctrl->queues[i].polled && ctrl->queues[i].cqes &&
		    nvmp_irq(irq, &ctrl->queues[i]) == IRQ_HANDLED)
			ret = IRQ_HANDLED;
	return ret;
}

static int nvmp_poll(struct blk_mq_hw_ctx *hctx, struct io_comp_batch *iob)
{
	struct nvmp_queue *q = hctx->driver_data;
	int found;

	if (!nvmp_cqe_pending(q))
		return 0;
	spin_lock(&q->cq_lock);
	found = nvmp_process_cq(q, iob);
	spin_unlock(&q->cq_lock);
	return found;
}

/* Reap every queue, with interrupts off: for timeouts and teardown. */
static void nvmp_reap(struct nvmp_queue *q)
{
	unsigned long flags;

	if (!q->cqes)
		return;
	spin_lock_irqsave(&q->cq_lock, flags);
	nvmp_process_cq(q, NULL);
	spin_unlock_irqrestore(&q->cq_lock, flags);
}

void nvmp_reap_all(struct nvmp_ctrl *ctrl)
{
	unsigned int i;

	for (i = 0; i < ctrl->nr_queues; i++)
		nvmp_reap(&ctrl->queues[i]);
}

/**
 * nvmp_cancel_rq - end an in-flight request the controller will never answer
 * @rq: the request
 * @data: non-NULL when the controller is gone for good (no retry)
 *
 * Return: %true, to go on iterating.
 */
bool nvmp_cancel_rq(struct request *rq, void *data)
{
	struct nvmp_iod *iod = nvmp_iod(rq);

	if (blk_mq_request_completed(rq))
		return true;
	iod->status = NVME_SC_HOST_ABORTED_CMD;
	if (data)
		iod->status |= NVME_STATUS_DNR;
	blk_mq_complete_request(rq);
	return true;
}

/* --- timeouts ----------------------------------------------------------------- */

static enum rq_end_io_ret nvmp_abort_done(struct request *rq, blk_status_t err,
					  const struct io_comp_batch *iob)
{
	struct nvmp_iod *iod = nvmp_iod(rq);

	dev_warn(nvmp_rq_queue(rq)->ctrl->dev, "abort status 0x%x result 0x%x\n",
		 iod->status, le32_to_cpu(iod->result.u32));
	return RQ_END_IO_FREE;
}

static enum blk_eh_timer_return nvmp_timeout(struct request *rq)
{
	struct nvmp_queue *q = nvmp_rq_queue(rq);
	struct nvmp_ctrl *ctrl = q->ctrl;
	struct nvmp_iod *iod = nvmp_iod(rq);
	struct request *abort;

	/* A lost interrupt looks like a timeout: look first. */
	nvmp_reap(q);
	if (blk_mq_rq_state(rq) != MQ_RQ_IN_FLIGHT)
		return BLK_EH_DONE;

	switch (READ_ONCE(ctrl->state)) {
	case NVMP_LIVE:
		break;
	case NVMP_RESETTING:
		/* I/O: the reset work cancels it.  Admin: the reset waits on it. */
		if (q->qid)
			return BLK_EH_RESET_TIMER;
		fallthrough;
	default:
		/*
		 * Probe, reset or removal is waiting for this command and no
		 * later reset will end it: stop the controller so it cannot
		 * touch the buffers any more, then end the command here.
		 */
		dev_warn(ctrl->dev, "tag %d (opcode 0x%x) on queue %u timed out during %s, disabling the controller\n",
			 rq->tag, iod->cmd.common.opcode, q->qid,
			 q->qid ? "removal" : "set-up");
		nvmp_disable_hw(ctrl, false);
		nvmp_cancel_rq(rq, ctrl);
		return BLK_EH_DONE;
	}

	if (nvmp_ctrl_dead_regs(ctrl) || !q->qid || iod->aborted) {
		dev_warn(ctrl->dev, "I/O tag %d (opcode 0x%x) on queue %u timed out, resetting\n",
			 rq->tag, iod->cmd.common.opcode, q->qid);
		nvmp_schedule_reset(ctrl);
		return BLK_EH_RESET_TIMER;
	}

	dev_warn(ctrl->dev, "I/O tag %d (opcode 0x%x) on queue %u timed out, aborting\n",
		 rq->tag, iod->cmd.common.opcode, q->qid);
	iod->aborted = true;
	abort = blk_mq_alloc_request(ctrl->admin_q, REQ_OP_DRV_OUT,
				     BLK_MQ_REQ_NOWAIT);
	if (IS_ERR(abort)) {
		nvmp_schedule_reset(ctrl);
		return BLK_EH_RESET_TIMER;
	}
	memset(&nvmp_iod(abort)->cmd, 0, sizeof(struct nvme_command));
	nvmp_iod(abort)->cmd.abort.opcode = nvme_admin_abort_cmd;
	nvmp_iod(abort)->cmd.abort.cid = rq->tag;
	nvmp_iod(abort)->cmd.abort.sqid = cpu_to_le16(q->qid);
	abort->end_io = nvmp_abort_done;
	blk_execute_rq_nowait(abort, false);
	return BLK_EH_RESET_TIMER;
}

/* --- hardware contexts ------------------------------------------------------- */

static int nvmp_init_admin_hctx(struct blk_mq_hw_ctx *hctx, void *data,
				unsigned int idx)
{
	struct nvmp_ctrl *ctrl = data;

	hctx->driver_data = &ctrl->queues[0];
	ctrl->queues[0].tags = ctrl->admin_set.tags[0];
	return 0;
}

static int nvmp_init_hctx(struct blk_mq_hw_ctx *hctx, void *data,
			  unsigned int idx)
{
	struct nvmp_ctrl *ctrl = data;
	struct nvmp_queue *q = &ctrl->queues[idx + 1];

	hctx->driver_data = q;
	q->tags = ctrl->io_set.tags[idx];
	return 0;
}

static void nvmp_map_queues(struct blk_mq_tag_set *set)
{
	struct nvmp_ctrl *ctrl = set->driver_data;
	struct blk_mq_queue_map *def = &set->map[HCTX_TYPE_DEFAULT];
	struct blk_mq_queue_map *poll = &set->map[HCTX_TYPE_POLL];

	def->nr_queues = ctrl->nr_io;
	def->queue_offset = 0;
	if (ctrl->nr_vecs > 1)
		blk_mq_map_hw_queues(def, ctrl->dev, 1);
	else
		blk_mq_map_queues(def);
	set->map[HCTX_TYPE_READ].nr_queues = 0;
	poll->nr_queues = ctrl->nr_poll;
	poll->queue_offset = ctrl->nr_io;
	if (ctrl->nr_poll)
		blk_mq_map_queues(poll);
}

const struct blk_mq_ops nvmp_admin_ops = {
	.queue_rq = nvmp_queue_rq,
	.complete = nvmp_complete_rq,
	.init_hctx = nvmp_init_admin_hctx,
	.timeout = nvmp_timeout,
};

const struct blk_mq_ops nvmp_io_ops = {
	.queue_rq = nvmp_queue_rq,
	.queue_rqs = nvmp_queue_rqs,
	.commit_rqs = nvmp_commit_rqs,
	.complete = nvmp_complete_rq,
	.init_hctx = nvmp_init_hctx,
	.map_queues = nvmp_map_queues,
	.timeout = nvmp_timeout,
	.poll = nvmp_poll,
};

/* --- interrupts and queue creation ---------------------------------------------- */

int nvmp_request_irqs(struct nvmp_ctrl *ctrl)
{
	unsigned int i;
	int ret;

	if (ctrl->nr_vecs == 1) {
		ctrl->queues[0].vector = 0;
		return pci_request_irq(ctrl->pdev, 0, nvmp_irq_all, NULL, ctrl,
				       "nvmp%d", ctrl->instance);
	}
	for (i = 0; i < ctrl->nr_queues; i++) {
		struct nvmp_queue *q = &ctrl->queues[i];

		if (q->polled)
			continue;
		ret = pci_request_irq(ctrl->pdev, i, nvmp_irq, NULL, q,
				      "nvmp%dq%u", ctrl->instance, i);
		if (ret) {
			nvmp_free_irqs(ctrl);
			return ret;
		}
		q->vector = i;
	}
	return 0;
}

void nvmp_free_irqs(struct nvmp_ctrl *ctrl)
{
	unsigned int i;

	if (ctrl->nr_vecs == 1 && ctrl->queues[0].vector == 0) {
		pci_free_irq(ctrl->pdev, 0, ctrl);
		ctrl->queues[0].vector = -1;
		return;
	}
	for (i = 0; i < ctrl->nr_queues; i++) {
		struct nvmp_queue *q = &ctrl->queues[i];

		if (q->vector >= 0) {
			pci_free_irq(ctrl->pdev, q->vector, q);
			q->vector = -1;
		}
	}
}

int nvmp_admin_sync(struct nvmp_ctrl *ctrl, struct nvme_command *cmd,
		    void *buf, unsigned int len, u32 *result)
{
	struct request *rq;
	blk_status_t sts;
	int ret;

	rq = blk_mq_alloc_request(ctrl->admin_q,
				  nvme_is_write(cmd) ? REQ_OP_DRV_OUT : REQ_OP_DRV_IN,
				  0);
	if (IS_ERR(rq))
		return PTR_ERR(rq);
	memcpy(&nvmp_iod(rq)->cmd, cmd, sizeof(*cmd));
	if (buf && len) {
		ret = blk_rq_map_kern(rq, buf, len, GFP_KERNEL);
		if (ret)
			goto out;
	}
	nvmp_iod(rq)->status = 0;
	sts = blk_execute_rq(rq, false);
	ret = nvmp_iod(rq)->status;
	if (!ret && sts)
		ret = blk_status_to_errno(sts);
	if (result)
		*result = le32_to_cpu(nvmp_iod(rq)->result.u32);
out:
	blk_mq_free_request(rq);
	return ret;
}

static int nvmp_create_queue(struct nvmp_ctrl *ctrl, struct nvmp_queue *q)
{
	struct nvme_command c = {};
	int ret;

	c.create_cq.opcode = nvme_admin_create_cq;
	c.create_cq.prp1 = cpu_to_le64(q->cq_dma);
	c.create_cq.cqid = cpu_to_le16(q->qid);
	c.create_cq.qsize = cpu_to_le16(q->q_depth - 1);
	c.create_cq.cq_flags = cpu_to_le16(NVME_QUEUE_PHYS_CONTIG |
					   (q->polled ? 0 : NVME_CQ_IRQ_ENABLED));
	c.create_cq.irq_vector = cpu_to_le16(q->polled || ctrl->nr_vecs == 1 ?
					     0 : q->qid);
	ret = nvmp_admin_sync(ctrl, &c, NULL, 0, NULL);
	if (ret)
		return ret;

	memset(&c, 0, sizeof(c));
	c.create_sq.opcode = nvme_admin_create_sq;
	c.create_sq.prp1 = cpu_to_le64(q->sq_dma);
	c.create_sq.sqid = cpu_to_le16(q->qid);
	c.create_sq.qsize = cpu_to_le16(q->q_depth - 1);
	c.create_sq.sq_flags = cpu_to_le16(NVME_QUEUE_PHYS_CONTIG |
					   NVME_SQ_PRIO_MEDIUM);
	c.create_sq.cqid = cpu_to_le16(q->qid);
	return nvmp_admin_sync(ctrl, &c, NULL, 0, NULL);
}

int nvmp_create_io_queues(struct nvmp_ctrl *ctrl)
{
	unsigned int i;
	int ret;

	for (i = 1; i < ctrl->nr_queues; i++) {
		struct nvmp_queue *q = &ctrl->queues[i];

		nvmp_init_queue(q);
		ret = nvmp_create_queue(ctrl, q);
		if (ret) {
			dev_err(ctrl->dev, "creating I/O queue %u failed: %d\n",
				i, ret);
			return ret < 0 ? ret : -EIO;
		}
		WRITE_ONCE(q->live, true);
	}
	return 0;
}

/* --- shadow doorbells ---------------------------------------------------------- */

/* Point queue @q at its slots in the shadow buffers, or nowhere (@on false). */
static void nvmp_queue_shadow(struct nvmp_ctrl *ctrl, struct nvmp_queue *q,
			      bool on)
{
	u32 sq = 2 * q->qid * ctrl->db_stride, cq = sq + ctrl->db_stride;
	struct nvmp_shadow_db s = { }, c = { };

	if (on) {
		s = (struct nvmp_shadow_db){ ctrl->dbbuf_dbs + sq, ctrl->dbbuf_eis + sq };
		c = (struct nvmp_shadow_db){ ctrl->dbbuf_dbs + cq, ctrl->dbbuf_eis + cq };
	}
	spin_lock_irq(&q->sq_lock);
	q->sq_shadow = s;
	spin_unlock_irq(&q->sq_lock);
	spin_lock_irq(&q->cq_lock);
	q->cq_shadow = c;
	spin_unlock_irq(&q->cq_lock);
}

void nvmp_dbbuf_free(struct nvmp_ctrl *ctrl)
{
	if (ctrl->dbbuf_dbs)
		dma_free_coherent(ctrl->dev, ctrl->dbbuf_size, ctrl->dbbuf_dbs,
				  ctrl->dbbuf_dbs_dma);
	if (ctrl->dbbuf_eis)
		dma_free_coherent(ctrl->dev, ctrl->dbbuf_size, ctrl->dbbuf_eis,
				  ctrl->dbbuf_eis_dma);
	ctrl->dbbuf_dbs = NULL;
	ctrl->dbbuf_eis = NULL;
	ctrl->dbbuf_size = 0;
}

/* Every queue back to MMIO doorbells alone: the controller forgot. */
void nvmp_dbbuf_disable(struct nvmp_ctrl *ctrl)
{
	unsigned int i;

	for (i = 1; i < ctrl->nr_queues; i++)
		nvmp_queue_shadow(ctrl, &ctrl->queues[i], false);
}

/*
 * Give the controller shadow doorbells for its I/O queues (the admin
 * queue keeps MMIO doorbells), after the queues were created and before
 * any I/O is sent to them: every doorbell starts at 0, as the new queues
 * do.  Without them, or if the controller refuses, I/O goes on with MMIO
 * doorbells.
 */
void nvmp_dbbuf_enable(struct nvmp_ctrl *ctrl)
{
	size_t size = PAGE_ALIGN(ctrl->nr_queues * 2 * ctrl->db_stride *
				 sizeof(__le32));
	struct nvme_command c = { };
	unsigned int i;
	int ret;

	nvmp_dbbuf_disable(ctrl);
	if (!READ_ONCE(shadow_doorbells) ||
	    !(ctrl->oacs & NVME_CTRL_OACS_DBBUF_SUPP) || ctrl->nr_queues < 2) {
		nvmp_dbbuf_free(ctrl);
		return;
	}
	if (ctrl->dbbuf_size != size)
		nvmp_dbbuf_free(ctrl);
	if (!ctrl->dbbuf_size) {
		ctrl->dbbuf_size = size;
		ctrl->dbbuf_dbs = dma_alloc_coherent(ctrl->dev, size,
						     &ctrl->dbbuf_dbs_dma,
						     GFP_KERNEL);
		ctrl->dbbuf_eis = dma_alloc_coherent(ctrl->dev, size,
						     &ctrl->dbbuf_eis_dma,
						     GFP_KERNEL);
		if (!ctrl->dbbuf_dbs || !ctrl->dbbuf_eis) {
			dev_warn(ctrl->dev, "no memory for shadow doorbells: MMIO doorbells only\n");
			goto fail;
		}
	}
	memset(ctrl->dbbuf_dbs, 0, size);
	memset(ctrl->dbbuf_eis, 0, size);

	c.dbbuf.opcode = nvme_admin_dbbuf;
	c.dbbuf.prp1 = cpu_to_le64(ctrl->dbbuf_dbs_dma);
	c.dbbuf.prp2 = cpu_to_le64(ctrl->dbbuf_eis_dma);
	ret = nvmp_admin_sync(ctrl, &c, NULL, 0, NULL);
	if (ret) {
		dev_warn(ctrl->dev, "Doorbell Buffer Config failed (%d): MMIO doorbells only\n",
			 ret);
		goto fail;
	}
	for (i = 1; i < ctrl->nr_queues; i++)
		nvmp_queue_shadow(ctrl, &ctrl->queues[i], true);
	return;
fail:
	nvmp_dbbuf_free(ctrl);
}
