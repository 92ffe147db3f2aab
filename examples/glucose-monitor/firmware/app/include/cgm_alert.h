/*
 * GlucoTrack CGM - alert engine. Fictional example.
 */
#ifndef CGM_ALERT_H
#define CGM_ALERT_H

#include <stdbool.h>
#include <stdint.h>

enum cgm_alert {
	CGM_ALERT_URGENT_LOW,   /* cannot be disabled or snoozed over BLE */
	CGM_ALERT_LOW,
	CGM_ALERT_HIGH,
	CGM_ALERT_SIGNAL_LOSS,
	CGM_ALERT_SENSOR_FAILED,
};

/* Thresholds written by the bonded app; checked against hard limits. */
int cgm_alert_set_threshold(enum cgm_alert alert, uint16_t mg_dl);
void cgm_alert_evaluate(uint16_t glucose_mg_dl);
bool cgm_alert_snooze_allowed(enum cgm_alert alert);

#endif /* CGM_ALERT_H */
