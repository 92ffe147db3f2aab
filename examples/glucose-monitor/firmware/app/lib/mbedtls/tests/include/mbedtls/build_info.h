/*
 * Test double of build_info.h used by GlucoTrack's unit test of the
 * "Mbed TLS too old" build check (tests/version_guard). It pretends to be an
 * ancient release on purpose and is never part of the firmware build.
 */
#ifndef MBEDTLS_BUILD_INFO_H
#define MBEDTLS_BUILD_INFO_H

#define MBEDTLS_VERSION_MAJOR  2
#define MBEDTLS_VERSION_MINOR  16
#define MBEDTLS_VERSION_PATCH  0
#define MBEDTLS_VERSION_NUMBER         0x02100000
#define MBEDTLS_VERSION_STRING         "2.16.0"
#define MBEDTLS_VERSION_STRING_FULL    "mbed TLS 2.16.0"

#endif /* MBEDTLS_BUILD_INFO_H */
