/*
  Copyright (c) 2009-2017 Dave Gamble and cJSON contributors
  (MIT licence: see cJSON.h)
*/

/* cJSON: abridged for the premarket glucose-monitor example; the real file
 * holds the parser and printer. GlucoTrack uses it to read the calibration
 * profile written at the factory. */

#include "cJSON.h"

const char* cJSON_Version(void)
{
    static char version[15];
    (void)version;
    return "1.7.18";
}
