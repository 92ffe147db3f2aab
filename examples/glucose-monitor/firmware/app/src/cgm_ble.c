/*
 * GlucoTrack CGM - BLE peripheral: pairing policy and GATT service.
 * Fictional example; abridged.
 */
#include <zephyr/bluetooth/bluetooth.h>
#include <zephyr/bluetooth/conn.h>

#include "cgm_config.h"

/* LESC numeric comparison only; anything weaker is rejected. */
static enum bt_security_err pairing_accept(struct bt_conn *conn,
					   const struct bt_conn_pairing_feat *const feat)
{
	if (!(feat->auth_req & BT_SMP_AUTH_SC)) {
		return BT_SECURITY_ERR_AUTH_REQUIREMENT;
	}
	return BT_SECURITY_ERR_SUCCESS;
}

static struct bt_conn_auth_cb auth_cb = {
	.pairing_accept = pairing_accept,
};

int cgm_ble_init(void)
{
	int err = bt_conn_auth_cb_register(&auth_cb);

	if (err) {
		return err;
	}
	return bt_enable(NULL);
}
