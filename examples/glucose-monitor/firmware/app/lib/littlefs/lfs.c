/*
 * The little filesystem
 *
 * Copyright (c) 2022, The littlefs authors.
 * Copyright (c) 2017, Arm Limited. All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * (Abridged for the premarket glucose-monitor example.)
 */
#include "lfs.h"
#include "lfs_util.h"

// some constants used throughout the code
#define LFS_BLOCK_NULL ((lfs_block_t)-1)
#define LFS_BLOCK_INLINE ((lfs_block_t)-2)

/* GlucoTrack change (CR-CGM-0377): refuse to mount a file system whose
 * superblock block_count is larger than the partition, instead of trusting
 * it. Not upstreamed; kept in release notes RN-CGM-1.4. */
#define GLUCOTRACK_LFS_CHECK_BLOCK_COUNT 1
