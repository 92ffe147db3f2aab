/*
 * GlucoTrack CGM - signed glucose records.
 *
 * Each 5-minute record is signed on the sensor with its per-device key
 * (ECDSA P-256 through PSA crypto) so that the app and the cloud can tell
 * a record made by the sensor from one altered on the phone.
 *
 * The PSA/Mbed TLS headers come from the nRF Connect SDK (nrf_security);
 * the version check below only guards against building with an older SDK.
 * This header defines no library version of its own.
 */
#ifndef CGM_RECORD_H
#define CGM_RECORD_H

#include <stdint.h>
#include <psa/crypto.h>
#include <mbedtls/version.h>

#if MBEDTLS_VERSION_NUMBER < 0x03060000
#error "GlucoTrack needs Mbed TLS 3.6 or later (PSA crypto API 1.1)"
#endif

/* Logged at boot so that field logs show the crypto library in use. */
#define CGM_CRYPTO_LIB MBEDTLS_VERSION_STRING

struct cgm_record {
	uint32_t seq;           /* monotonic record counter, never reused */
	uint32_t minutes;       /* minutes since sensor start */
	uint16_t glucose_mg_dl; /* calibrated value, 40..400 */
	uint8_t trend;          /* enum cgm_trend */
	uint8_t flags;          /* CGM_REC_* */
	uint8_t sig[64];        /* ECDSA P-256 (r||s) over the fields above */
};

int cgm_record_sign(struct cgm_record *rec);
int cgm_record_store(const struct cgm_record *rec);

#endif /* CGM_RECORD_H */
