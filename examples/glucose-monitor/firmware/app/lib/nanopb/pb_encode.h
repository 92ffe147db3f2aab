/* pb_encode.h: Functions to encode protocol buffers. (Abridged.) */
#ifndef PB_ENCODE_H_INCLUDED
#define PB_ENCODE_H_INCLUDED
#include "pb.h"
#endif
