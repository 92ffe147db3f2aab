/*
 * lfs utility functions
 *
 * Copyright (c) 2022, The littlefs authors.
 * Copyright (c) 2017, Arm Limited. All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * (Abridged for the premarket glucose-monitor example.)
 */
#ifndef LFS_UTIL_H
#define LFS_UTIL_H

#include <stdint.h>
#include <stdbool.h>
#include <string.h>

#endif
