/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Duplicated kernel definitions, from Linux 7.2 include/linux/nvme.h: the
 * command's data pointer (PRP entries, SGL descriptors), the command layout
 * that holds it, and the flags and constants drivers-nvme/dptr.c names.
 * Their layout is the NVMe specification's; nothing here is simulated.
 */
#ifndef SHIM_LINUX_NVME_H
#define SHIM_LINUX_NVME_H

#include <linux/types.h>
#include <asm/byteorder.h>

/* Identify Controller SGLS: SGL support for the NVM command set. */
enum {
	NVME_CTRL_SGLS_BYTE_ALIGNED	= 1,
	NVME_CTRL_SGLS_DWORD_ALIGNED	= 2,
};

/* SGL descriptor types, in the upper four bits of the type byte. */
enum {
	NVME_SGL_FMT_DATA_DESC		= 0x00,
	NVME_SGL_FMT_LAST_SEG_DESC	= 0x03,
};

struct nvme_sgl_desc {
	__le64 addr;
	__le32 length;
	__u8 rsvd[3];
	__u8 type;
};

struct nvme_keyed_sgl_desc {
	__le64 addr;
	__u8 length[3];
	__u8 key[4];
	__u8 type;
};

union nvme_data_ptr {
	struct {
		__le64 prp1;
		__le64 prp2;
	};
	struct nvme_sgl_desc sgl;
	struct nvme_keyed_sgl_desc ksgl;
};

/* Command flags: PSDT, how the data pointer is to be read. */
enum {
	NVME_CMD_SGL_METABUF		= 1 << 6,
};

struct nvme_common_command {
	__u8 opcode;
	__u8 flags;
	__u16 command_id;
	__le32 nsid;
	__le32 cdw2[2];
	__le64 metadata;
	union nvme_data_ptr dptr;
	__le32 cdw10;
	__le32 cdw11;
	__le32 cdw12;
	__le32 cdw13;
	__le32 cdw14;
	__le32 cdw15;
};

#endif /* SHIM_LINUX_NVME_H */
