/* pb_common.c: nanopb 0.4.9 (zlib licence), abridged for the premarket
 * glucose-monitor example. */
#include "pb.h"
