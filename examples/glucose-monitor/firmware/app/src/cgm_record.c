/*
 * GlucoTrack CGM - record signing and storage. Fictional example; abridged.
 */
#include "cgm_record.h"

#include "pb_encode.h"
#include "lfs.h"

int cgm_record_sign(struct cgm_record *rec)
{
	(void)rec;
	/* abridged: psa_sign_message(PSA_ALG_ECDSA(PSA_ALG_SHA_256), ...) with the
	 * per-device key held in the KMU */
	return 0;
}

int cgm_record_store(const struct cgm_record *rec)
{
	(void)rec;
	/* abridged: append the nanopb-encoded record to /rec/<day>.pb in littlefs */
	return 0;
}
