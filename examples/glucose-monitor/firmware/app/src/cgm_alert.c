/*
 * GlucoTrack CGM - alert engine with hard limits. Fictional example.
 */
#include "cgm_alert.h"
#include "cgm_config.h"

static uint16_t low_mg_dl = CGM_LOW_DEFAULT_MG_DL;
static uint16_t high_mg_dl = CGM_HIGH_DEFAULT_MG_DL;

int cgm_alert_set_threshold(enum cgm_alert alert, uint16_t mg_dl)
{
	switch (alert) {
	case CGM_ALERT_LOW:
		if (mg_dl < CGM_URGENT_LOW_MG_DL || mg_dl > 100) {
			return -22; /* -EINVAL: outside the labelled range */
		}
		low_mg_dl = mg_dl;
		return 0;
	case CGM_ALERT_HIGH:
		if (mg_dl < 120 || mg_dl > 400) {
			return -22;
		}
		high_mg_dl = mg_dl;
		return 0;
	default:
		return -1; /* -EPERM: urgent low and failure alerts are fixed */
	}
}

bool cgm_alert_snooze_allowed(enum cgm_alert alert)
{
	return alert != CGM_ALERT_URGENT_LOW && alert != CGM_ALERT_SENSOR_FAILED;
}

void cgm_alert_evaluate(uint16_t glucose_mg_dl)
{
	(void)low_mg_dl;
	(void)high_mg_dl;
	(void)glucose_mg_dl;
	/* abridged: raise the alert locally (buzzer) and notify the app */
}
