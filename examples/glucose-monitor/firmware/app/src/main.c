/*
 * GlucoTrack CGM - application core entry point. Fictional example for
 * premarket; the code is abridged and is not a working product.
 */
#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>
#include <zephyr/drivers/watchdog.h>

#include "cgm_config.h"
#include "cgm_record.h"
#include "cgm_alert.h"

LOG_MODULE_REGISTER(cgm_main, LOG_LEVEL_INF);

int cgm_ble_init(void);
int cgm_sensor_read(uint16_t *mg_dl);

int main(void)
{
	LOG_INF("GlucoTrack CGM %s, crypto %s", APP_VERSION_STRING, CGM_CRYPTO_LIB);

	if (cgm_ble_init() != 0) {
		/* Alerts keep working from the sensor's own buzzer. */
		LOG_ERR("BLE init failed; running stand-alone");
	}

	for (;;) {
		uint16_t mg_dl;

		if (cgm_sensor_read(&mg_dl) == 0) {
			cgm_alert_evaluate(mg_dl);
		}
		k_sleep(K_SECONDS(CGM_SAMPLE_PERIOD_S));
	}
	return 0;
}
