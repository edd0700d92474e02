/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stub: little-endian byte order, as on every host the harness runs on
 * (checked at compile time), so the conversions are the identity.
 */
#ifndef SHIM_ASM_BYTEORDER_H
#define SHIM_ASM_BYTEORDER_H

#include <linux/types.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the unit harness assumes a little-endian host"
#endif

typedef u16 __le16;
typedef u32 __le32;
typedef u64 __le64;

#define cpu_to_le16(x)	((__le16)(x))
#define cpu_to_le32(x)	((__le32)(x))
#define cpu_to_le64(x)	((__le64)(x))
#define le16_to_cpu(x)	((u16)(x))
#define le32_to_cpu(x)	((u32)(x))
#define le64_to_cpu(x)	((u64)(x))

#endif /* SHIM_ASM_BYTEORDER_H */
