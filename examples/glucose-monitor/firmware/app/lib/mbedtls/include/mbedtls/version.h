/**
 * \file version.h
 *
 * \brief Run-time version information
 *
 *  (Abridged for the premarket glucose-monitor example.)
 */
/*
 *  Copyright The Mbed TLS Contributors
 *  SPDX-License-Identifier: Apache-2.0 OR GPL-2.0-or-later
 */
#ifndef MBEDTLS_VERSION_H
#define MBEDTLS_VERSION_H

#include "mbedtls/build_info.h"

#if defined(MBEDTLS_VERSION_C)

unsigned int mbedtls_version_get_number(void);
void mbedtls_version_get_string(char *string);
void mbedtls_version_get_string_full(char *string);
int mbedtls_version_check_feature(const char *feature);

#endif /* MBEDTLS_VERSION_C */

#endif /* MBEDTLS_VERSION_H */
