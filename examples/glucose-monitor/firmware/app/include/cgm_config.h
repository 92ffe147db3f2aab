/*
 * GlucoTrack CGM - build-time configuration of the application core.
 * Fictional example for premarket (examples/glucose-monitor).
 */
#ifndef CGM_CONFIG_H
#define CGM_CONFIG_H

/* Sensor sampling and record cadence. */
#define CGM_SAMPLE_PERIOD_S        60
#define CGM_RECORD_PERIOD_S        300
#define CGM_SENSOR_LIFE_DAYS       15

/* Glucose limits the alert engine enforces on the sensor, in mg/dL.
 * The urgent-low threshold is fixed and cannot be changed over BLE. */
#define CGM_URGENT_LOW_MG_DL       55
#define CGM_LOW_DEFAULT_MG_DL      70
#define CGM_HIGH_DEFAULT_MG_DL     250

/* BLE: one bonded phone plus one receiver at most. */
#define CGM_MAX_BONDS              2
#define CGM_LINK_LOSS_ALERT_S      (20 * 60)

#endif /* CGM_CONFIG_H */
